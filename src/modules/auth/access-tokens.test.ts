import { createHmac, randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { nonCanonical } from '../../../test/helpers/base64url.js';
import { readAccessToken, signAccessToken } from './access-tokens.js';

// jose is an independent JWT implementation: tokens it signs must read here, and tokens signed
// here must pass its own strict verification.
const secret = new TextEncoder().encode('a-test-secret-that-is-at-least-32-bytes-long');
const otherSecret = new TextEncoder().encode('another-secret-that-is-also-32-bytes-or-more');
const now = new Date('2026-03-01T12:00:00Z');
const nowSeconds = now.getTime() / 1000;
const claims = { userId: randomUUID(), sessionId: randomUUID() };
const valid = { sub: claims.userId, sid: claims.sessionId, iss: 'kith', aud: 'kith-api', iat: nowSeconds, exp: nowSeconds + 900 };

/** A token with exactly these segments, correctly signed, so only the checks after the signature can refuse it. */
const signRaw = (header: string, payload: string) => {
  const signingInput = `${Buffer.from(header).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
};
const ourHeader = JSON.stringify({ alg: 'HS256', typ: 'at+jwt' });

const joseSign = (payload: Record<string, unknown>, header: Record<string, unknown> = {}, key = secret) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', ...header }).sign(key);

describe('access tokens', () => {
  it('signs tokens that jose verifies with every check pinned', async () => {
    const token = signAccessToken(claims, secret, 900, now);
    const { payload, protectedHeader } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      typ: 'at+jwt',
      issuer: 'kith',
      audience: 'kith-api',
      currentDate: now,
      requiredClaims: ['sub', 'sid', 'iat', 'exp'],
    });
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    expect(payload).toEqual(valid);
  });

  it('reads its own tokens and tokens signed by jose', async () => {
    expect(readAccessToken(signAccessToken(claims, secret, 900, now), secret, now)).toEqual(claims);
    expect(readAccessToken(await joseSign(valid), secret, now)).toEqual(claims);
    expect(readAccessToken(await joseSign({ ...valid, aud: ['other', 'kith-api'] }), secret, now)).toEqual(claims);
    // The control for the hand-built tokens below: well formed, it passes.
    expect(readAccessToken(signRaw(ourHeader, JSON.stringify(valid)), secret, now)).toEqual(claims);
  });

  it('expires at exp, not a second later', () => {
    const token = signAccessToken(claims, secret, 900, now);
    expect(readAccessToken(token, secret, new Date(now.getTime() + 899_999))).toEqual(claims);
    expect(readAccessToken(token, secret, new Date(now.getTime() + 900_000))).toBeUndefined();
  });

  it('rejects forged, foreign and malformed tokens', async () => {
    const token = signAccessToken(claims, secret, 900, now);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const rejected: Record<string, string> = {
      'alg none': new UnsecuredJWT(valid).encode(),
      'alg none with our signature': `${encode({ alg: 'none', typ: 'at+jwt' })}.${payload}.${signature}`,
      'tampered payload': `${header}.${encode({ ...valid, sub: randomUUID() })}.${signature}`,
      'wrong secret': await joseSign(valid, {}, otherSecret),
      'HS512 with our secret': await joseSign(valid, { alg: 'HS512' }),
      'typ JWT': await joseSign(valid, { typ: 'JWT' }),
      'no typ': await new SignJWT(valid).setProtectedHeader({ alg: 'HS256' }).sign(secret),
      'a crit extension': signRaw(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', crit: ['x'], x: 1 }), JSON.stringify(valid)),
      'header not JSON': signRaw('{"alg":"HS256",', JSON.stringify(valid)),
      'payload not JSON': signRaw(ourHeader, 'not json'),
      'payload an array': signRaw(ourHeader, JSON.stringify([valid])),
      'payload null': signRaw(ourHeader, 'null'),
      'wrong issuer': await joseSign({ ...valid, iss: 'someone-else' }),
      'wrong audience': await joseSign({ ...valid, aud: 'another-api' }),
      'expired': await joseSign({ ...valid, iat: nowSeconds - 3600, exp: nowSeconds - 60 }),
      'not yet valid': await joseSign({ ...valid, nbf: nowSeconds + 60 }),
      'no exp': await joseSign({ ...valid, exp: undefined }),
      'exp as a string': await joseSign({ ...valid, exp: String(nowSeconds + 900) }),
      'no iat': await joseSign({ ...valid, iat: undefined }),
      'no sid': await joseSign({ ...valid, sid: undefined }),
      'sub not a UUID': await joseSign({ ...valid, sub: 'admin' }),
      'two segments': `${header}.${payload}`,
      'four segments': `${token}.${signature}`,
      'a truncated signature': `${header}.${payload}.${signature.slice(0, -2)}`,
      // Decodes to the very same MAC; only the spelling this server writes is accepted.
      'the signature spelt another way': `${header}.${payload}.${nonCanonical(signature)}`,
      'padding in the signature': `${header}.${payload}.${signature}=`,
      'empty': '',
    };
    for (const [label, forged] of Object.entries(rejected)) {
      expect(readAccessToken(forged, secret, now), label).toBeUndefined();
    }
  });
});
