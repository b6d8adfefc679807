/**
 * Access tokens: compact JWTs (RFC 7519) signed with HMAC-SHA256, with the algorithm pinned.
 *
 * Signed and checked with node:crypto's synchronous HMAC rather than jose. jose 6 goes through
 * WebCrypto, whose HMAC runs on the libuv thread pool: every authenticated request then queued
 * behind the argon2 jobs of concurrent logins (471 ms per check at 32 logins in flight), and the
 * round trip cost 14% of the server's CPU on GET /api/contacts/:id. One HMAC-SHA256 over ~300
 * bytes takes a few microseconds, so doing it inline is cheaper than handing it off. jose stays as
 * the independent implementation the tests check these tokens against.
 */
import { UUID_SHAPE } from '../../lib/uuid.js';
import { createHmac, timingSafeEqual } from 'node:crypto';

const ISSUER = 'kith';
const AUDIENCE = 'kith-api';
// RFC 9068's media type for access tokens: a refresh or email token can never pass for one.
const TOKEN_TYPE = 'at+jwt';
const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: TOKEN_TYPE }));

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID_SHAPE.test(value);
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

export function signAccessToken(claims: AccessClaims, secret: Uint8Array, ttlSeconds: number, now: Date): string {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const payload = base64url(
    JSON.stringify({
      sid: claims.sessionId,
      sub: claims.userId,
      iss: ISSUER,
      aud: AUDIENCE,
      iat: issuedAt,
      exp: issuedAt + ttlSeconds,
    }),
  );
  const signingInput = `${HEADER}.${payload}`;
  return `${signingInput}.${hmac(signingInput, secret).toString('base64url')}`;
}

/** The token's claims, or undefined for anything forged, expired, malformed or of the wrong kind. */
export function readAccessToken(token: string, secret: Uint8Array, now: Date): AccessClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header = '', payload = '', signature = ''] = parts;
  if (!BASE64URL.test(header) || !BASE64URL.test(payload) || !BASE64URL.test(signature)) return undefined;

  // The signature first: nothing an attacker wrote is parsed before it is known to be ours. It is
  // compared as text, not decoded: the last character of 32 bytes in base64url holds 2 unused
  // bits, so four spellings decode to the same MAC, and only the one this server writes is valid.
  const expected = hmac(`${header}.${payload}`, secret).toString('base64url');
  if (signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) return undefined;

  const protectedHeader = parseObject(header);
  // Pinned: `alg: none` and algorithm-confusion tokens fail here, and so does any `crit`
  // extension, which we would be obliged to understand.
  if (protectedHeader?.alg !== 'HS256' || protectedHeader.typ !== TOKEN_TYPE || 'crit' in protectedHeader) {
    return undefined;
  }

  const claims = parseObject(payload);
  if (!claims || claims.iss !== ISSUER || !hasAudience(claims.aud)) return undefined;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (!isTime(claims.exp) || claims.exp <= nowSeconds || !isTime(claims.iat)) return undefined;
  if (claims.nbf !== undefined && (!isTime(claims.nbf) || claims.nbf > nowSeconds)) return undefined;
  if (!isUuid(claims.sub) || !isUuid(claims.sid)) return undefined;
  return { userId: claims.sub, sessionId: claims.sid };
}

function hmac(signingInput: string, secret: Uint8Array): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

function base64url(json: string): string {
  return Buffer.from(json).toString('base64url');
}

function parseObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function hasAudience(aud: unknown): boolean {
  return aud === AUDIENCE || (Array.isArray(aud) && aud.includes(AUDIENCE));
}
