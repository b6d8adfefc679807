import { eq } from 'drizzle-orm';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshTokens, sessions } from '../../db/schema.js';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { bearer, login, newAccount, registerVerified } from '../../../test/helpers/accounts.js';
import { createSessionWithRefreshToken, findUserOfLiveSession } from './sessions.repository.js';

let t: TestApp;
let account: Awaited<ReturnType<typeof registerVerified>>;
beforeAll(async () => {
  t = await createTestApp();
  account = await registerVerified(t.app, t.smtp);
});
afterAll(() => t.close());

const me = (accessToken: string) => t.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(accessToken) });
const refresh = (refreshToken: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });

describe('login', () => {
  it('returns a token pair and sets the refresh cookie for the web app', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: account.email.toUpperCase(), password: account.password },
    });
    expect(response.statusCode).toBe(200);
    const pair = response.json();
    expect(pair).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(pair.accessToken.split('.')).toHaveLength(3);
    expect(pair.refreshToken).toMatch(/^[\w-]{43}$/);
    const cookie = response.cookies.find((c) => c.name === 'kith_refresh');
    expect(cookie).toMatchObject({ value: pair.refreshToken, path: '/api/auth', httpOnly: true, sameSite: 'Strict' });
    expect((await me(pair.accessToken)).json()).toMatchObject({ id: account.id, email: account.email });
  });

  it('gives the same 401 for an unknown email and a wrong password', async () => {
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'nobody@example.com', password: account.password },
    });
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: account.email, password: 'not the password' },
    });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const { detail, title, type, code, status } = wrong.json();
    expect(unknown.json()).toEqual({ detail, title, type, code, status });
  });

  it('refuses an unverified account with 403, but only after a correct password', async () => {
    const unverified = newAccount();
    await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: unverified });
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: unverified.email, password: 'not the password' },
    });
    expect(wrong.statusCode).toBe(401);
    const right = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: unverified.email, password: unverified.password },
    });
    expect(right.statusCode).toBe(403);
    expect(right.json().code).toBe('EMAIL_NOT_VERIFIED');
  });
});

describe('refresh', () => {
  it('rotates: the new pair works and the old refresh token is spent', async () => {
    const first = await login(t.app, account.email, account.password);
    const rotated = await refresh(first.refreshToken);
    expect(rotated.statusCode).toBe(200);
    const second = rotated.json();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await me(second.accessToken)).statusCode).toBe(200);
  });

  it('treats a replayed refresh token as theft: the whole session, newer tokens included, is revoked', async () => {
    const first = await login(t.app, account.email, account.password);
    const second = (await refresh(first.refreshToken)).json();
    const third = (await refresh(second.refreshToken)).json();

    const replay = await refresh(first.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('INVALID_TOKEN');

    expect((await refresh(third.refreshToken)).statusCode).toBe(401);
    expect((await me(third.accessToken)).statusCode).toBe(401);
  });

  it('lets at most one of two parallel refreshes with one token succeed', async () => {
    for (let round = 0; round < 5; round++) {
      const pair = await login(t.app, account.email, account.password);
      const results = await Promise.all([refresh(pair.refreshToken), refresh(pair.refreshToken)]);
      const winners = results.filter((r) => r.statusCode === 200);
      expect(winners.length).toBeLessThanOrEqual(1);
      expect(results.every((r) => r.statusCode === 200 || r.statusCode === 401)).toBe(true);
    }
  });

  it('works from the httpOnly cookie alone, and rejects a missing or unknown token', async () => {
    const pair = await login(t.app, account.email, account.password);
    const viaCookie = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      cookies: { kith_refresh: pair.refreshToken },
    });
    expect(viaCookie.statusCode).toBe(200);
    expect(viaCookie.cookies.find((c) => c.name === 'kith_refresh')?.value).toBe(viaCookie.json().refreshToken);

    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh' })).statusCode).toBe(401);
    expect((await refresh('not-a-token')).json()).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });
});

describe('logout', () => {
  it('ends the session: its refresh and access tokens stop working at once', async () => {
    const pair = await login(t.app, account.email, account.password);
    const other = await login(t.app, account.email, account.password);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      payload: { refreshToken: pair.refreshToken },
    });
    expect(response.statusCode).toBe(204);
    expect((await refresh(pair.refreshToken)).statusCode).toBe(401);
    expect((await me(pair.accessToken)).statusCode).toBe(401);
    expect((await me(other.accessToken)).statusCode).toBe(200);
  });

  it('clears the cookie and answers 204 even without a token', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/logout' });
    expect(response.statusCode).toBe(204);
    expect(response.headers['set-cookie']).toMatch(/kith_refresh=;/);
  });
});

describe('access tokens', () => {
  const secret = () => t.config.jwt.secret;
  const claimsFor = async () => {
    const pair = await login(t.app, account.email, account.password);
    const payload = JSON.parse(Buffer.from(pair.accessToken.split('.')[1] ?? '', 'base64url').toString());
    return { pair, payload };
  };
  const sign = (payload: Record<string, unknown>, key: Uint8Array, header: Record<string, unknown> = {}) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', ...header }).sign(key);

  it('rejects missing, malformed and non-bearer credentials', async () => {
    for (const authorization of [undefined, '', 'Bearer', 'Bearer abc', 'Basic dXNlcjpwYXNz', 'Bearer a.b.c']) {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/users/me',
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(response.statusCode, String(authorization)).toBe(401);
      expect(response.json().code).toBe('UNAUTHORIZED');
    }
  });

  it('rejects forged tokens: alg none, tampered payload, wrong secret, expired, wrong type, refresh token', async () => {
    const { pair, payload } = await claimsFor();
    const [header, , signature] = pair.accessToken.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...payload, sub: '00000000-0000-4000-8000-000000000000' })).toString('base64url')}.${signature}`;
    const forged = [
      new UnsecuredJWT(payload).encode(),
      tampered,
      await sign(payload, new TextEncoder().encode('another-secret-that-is-long-enough-0123456789')),
      await sign({ ...payload, iat: payload.iat - 3600, exp: payload.iat - 60 }, secret()),
      await sign(payload, secret(), { typ: 'JWT' }),
      pair.refreshToken,
    ];
    for (const token of forged) {
      const response = await me(token);
      expect(response.statusCode, token).toBe(401);
    }
    expect((await me(pair.accessToken)).statusCode).toBe(200);
  });

  it('expires after 15 minutes', async () => {
    const { pair } = await claimsFor();
    t.clock.advance(15 * 60 * 1000 + 1000);
    expect((await me(pair.accessToken)).statusCode).toBe(401);
    const renewed = await refresh(pair.refreshToken);
    expect(renewed.statusCode).toBe(200);
    expect((await me(renewed.json().accessToken)).statusCode).toBe(200);
  });
});

describe('session lifetime', () => {
  // Access tokens outliving the session, so only the session's own expiry can turn a caller away.
  let long: TestApp;
  let longAccount: Awaited<ReturnType<typeof registerVerified>>;
  beforeAll(async () => {
    long = await createTestApp({
      env: { ACCESS_TOKEN_TTL_SECONDS: String(3 * 24 * 3600), REFRESH_TOKEN_TTL_DAYS: '1' },
    });
    longAccount = await registerVerified(long.app, long.smtp);
  });
  afterAll(() => long.close());

  const meOn = (accessToken: string) =>
    long.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(accessToken) });

  it('admits a live session up to its expiry and refuses it after', async () => {
    const pair = await login(long.app, longAccount.email, longAccount.password);
    long.clock.advance(24 * 3600 * 1000 - 60_000);
    expect((await meOn(pair.accessToken)).statusCode).toBe(200);
    long.clock.advance(2 * 60_000);
    const expired = await meOn(pair.accessToken);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().detail).toBe('This session has ended; sign in again');
    // A new sign-in is measured from the clock's new now, so it is live again.
    expect((await meOn((await login(long.app, longAccount.email, longAccount.password)).accessToken)).statusCode).toBe(200);
  });

  it('finds the same live session through a transaction as through the database', async () => {
    const pair = await login(long.app, longAccount.email, longAccount.password);
    const payload = JSON.parse(Buffer.from(pair.accessToken.split('.')[1] ?? '', 'base64url').toString());
    const sessionId: string = payload.sid;
    const now = long.clock.now();
    const db = long.database.db;
    expect((await findUserOfLiveSession(db, longAccount.id, sessionId, now))?.id).toBe(longAccount.id);
    const inTx = await db.transaction((tx) => findUserOfLiveSession(tx, longAccount.id, sessionId, now));
    expect(inTx?.id).toBe(longAccount.id);
    // Owner and expiry still apply on a statement built once and reused.
    expect(await findUserOfLiveSession(db, '00000000-0000-4000-8000-000000000000', sessionId, now)).toBeUndefined();
    expect(await findUserOfLiveSession(db, longAccount.id, sessionId, new Date(now.getTime() + 2 * 24 * 3600 * 1000))).toBeUndefined();
  });
});

describe('starting a session', () => {
  it('stores the session and its first refresh token together, or neither', async () => {
    const db = t.database.db;
    const now = t.clock.now();
    const expiresAt = new Date(now.getTime() + 3600_000);
    const tokenHash = `test-hash-${Date.now()}`;
    const sessionId = await createSessionWithRefreshToken(db, { userId: account.id, tokenHash, now, expiresAt });
    const [stored] = await db.select().from(sessions).where(eq(sessions.id, sessionId));
    expect(stored).toMatchObject({ userId: account.id, createdAt: now, expiresAt, revokedAt: null });
    const tokens = await db.select().from(refreshTokens).where(eq(refreshTokens.sessionId, sessionId));
    expect(tokens).toEqual([{ tokenHash, sessionId, createdAt: now, spentAt: null }]);

    // The same token hash again violates its primary key, and the session inserted beside it goes too.
    const before = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, account.id));
    await expect(
      createSessionWithRefreshToken(db, { userId: account.id, tokenHash, now, expiresAt }),
    ).rejects.toThrow();
    const after = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, account.id));
    expect(after).toHaveLength(before.length);
  });
});

describe('the longest a session lasts', () => {
  it('refreshing keeps a session alive (30 days past each use) but never beyond 90 days after sign-in', async () => {
    const account90 = await registerVerified(t.app, t.smtp);
    let pair = await login(t.app, account90.email, account90.password);
    const day = 24 * 3600 * 1000;
    // Used every 20 days: well inside the inactivity timeout each time.
    for (let elapsed = 20; elapsed <= 80; elapsed += 20) {
      t.clock.advance(20 * day);
      const refreshed = await refresh(pair.refreshToken);
      expect(refreshed.statusCode, `day ${elapsed}`).toBe(200);
      pair = refreshed.json();
    }
    // Day 80 → day 91: past the 90 days since sign-in, though only 11 days since the last use.
    t.clock.advance(11 * day);
    expect((await refresh(pair.refreshToken)).statusCode).toBe(401);
  });
});
