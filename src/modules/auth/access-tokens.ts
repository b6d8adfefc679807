import { SignJWT, errors, jwtVerify } from 'jose';

const ISSUER = 'kith';
const AUDIENCE = 'kith-api';
// RFC 9068's media type for access tokens: a refresh or email token can never pass for one.
const TOKEN_TYPE = 'at+jwt';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

export async function signAccessToken(
  claims: AccessClaims,
  secret: Uint8Array,
  ttlSeconds: number,
  now: Date,
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: TOKEN_TYPE })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(secret);
}

/** The token's claims, or undefined for anything forged, expired, malformed or of the wrong kind. */
export async function readAccessToken(token: string, secret: Uint8Array, now: Date): Promise<AccessClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, secret, {
      // Pinned: `alg: none` and algorithm-confusion tokens fail here.
      algorithms: ['HS256'],
      typ: TOKEN_TYPE,
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: now,
      requiredClaims: ['sub', 'sid', 'exp', 'iat'],
    });
    if (!isUuid(payload.sub) || !isUuid(payload.sid)) return undefined;
    return { userId: payload.sub, sessionId: payload.sid };
  } catch (error) {
    if (error instanceof errors.JOSEError || error instanceof TypeError) return undefined;
    throw error;
  }
}
