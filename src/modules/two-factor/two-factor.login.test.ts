import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twoFactorChallenges } from '../../db/schema.js';
import { hashToken } from '../../lib/secrets.js';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { bearer, login, registerVerified, tokenFromMail } from '../../../test/helpers/accounts.js';
import { FixedClock, totpAt, turnOnTwoFactor } from '../../../test/helpers/two-factor.js';

// In the middle of a 30-second step (steps start at :00 and :30).
const START = new Date('2026-03-02T10:00:15.000Z');
const STEP = 30_000;
const clock = new FixedClock(START);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ deps: { clock } });
});
afterAll(() => t?.close());

interface TwoStepAccount {
  id: string;
  email: string;
  password: string;
  secret: string;
  recoveryCodes: string[];
}

/** An account with two-step on; the clock is moved `steps` past the step of the code that turned it on. */
async function twoStepAccount(steps = 1): Promise<TwoStepAccount> {
  const account = await registerVerified(t.app, t.smtp);
  const { accessToken } = await login(t.app, account.email, account.password);
  const enabled = await turnOnTwoFactor(t.app, accessToken, account.password, clock.now());
  clock.advance(steps * STEP);
  return { ...account, ...enabled };
}

const passwordStep = (a: { email: string; password: string }, remoteAddress = '10.9.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: a.email, password: a.password }, remoteAddress });

async function challengeFor(a: TwoStepAccount): Promise<string> {
  const response = await passwordStep(a);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ twoFactorToken: string }>().twoFactorToken;
}

const codeStep = (twoFactorToken: string, code: string, remoteAddress = '10.9.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/auth/login/two-factor', payload: { twoFactorToken, code }, remoteAddress });

const wrongCodeFor = (a: TwoStepAccount) => {
  const right = Number(totpAt(a.secret, clock.now()));
  return String((right + 500_000) % 1_000_000).padStart(6, '0');
};

describe('signing in with two-step on', () => {
  it('answers a challenge and no tokens after the password, then a token pair (and cookie) for a code', async () => {
    const a = await twoStepAccount();
    const first = await passwordStep(a);
    expect(first.statusCode, first.body).toBe(200);
    const challenge = first.json<Record<string, unknown>>();
    expect(challenge).toEqual({ twoFactorRequired: true, twoFactorToken: expect.any(String), expiresIn: 300 });
    expect(first.headers['set-cookie']).toBeUndefined();
    // Stored only as a hash.
    const [row] = await t.database.db
      .select()
      .from(twoFactorChallenges)
      .where(eq(twoFactorChallenges.tokenHash, hashToken(challenge.twoFactorToken as string)));
    expect(row?.userId).toBe(a.id);

    const second = await codeStep(challenge.twoFactorToken as string, totpAt(a.secret, clock.now()));
    expect(second.statusCode, second.body).toBe(200);
    const pair = second.json<{ accessToken: string; refreshToken: string; tokenType: string; expiresIn: number }>();
    expect(pair).toMatchObject({ tokenType: 'Bearer', expiresIn: expect.any(Number) });
    expect(String(second.headers['set-cookie'])).toContain(`kith_refresh=${pair.refreshToken}`);
    const me = await t.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(pair.accessToken) });
    expect(me.json()).toMatchObject({ id: a.id, twoFactorEnabled: true });

    // The token is single use, even with another right code.
    clock.advance(STEP);
    const again = await codeStep(challenge.twoFactorToken as string, totpAt(a.secret, clock.now()));
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({ code: 'INVALID_TOKEN', detail: expect.stringMatching(/sign in again/) });
  });

  it('still answers 401 INVALID_CREDENTIALS for a wrong password, with no challenge', async () => {
    const a = await twoStepAccount();
    const response = await passwordStep({ email: a.email, password: 'wrong password!' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('takes an unused recovery code, once, typed in any case with or without dashes', async () => {
    const a = await twoStepAccount();
    const code = a.recoveryCodes[0]!;
    const ok = await codeStep(await challengeFor(a), ` ${code.toUpperCase()} `);
    expect(ok.statusCode, ok.body).toBe(200);
    const reused = await codeStep(await challengeFor(a), code.replace(/-/g, ''));
    expect(reused.statusCode).toBe(401);
    expect(reused.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    // Another account's recovery code is nothing here.
    const b = await twoStepAccount();
    const foreign = await codeStep(await challengeFor(a), b.recoveryCodes[0]!);
    expect(foreign.statusCode).toBe(401);
    expect((await codeStep(await challengeFor(a), a.recoveryCodes[1]!)).statusCode).toBe(200);
  });

  it('refuses a code used before (replay), also the one that turned two-step on', async () => {
    const account = await registerVerified(t.app, t.smtp);
    const { accessToken } = await login(t.app, account.email, account.password);
    const enabledAt = clock.now();
    const { secret } = await turnOnTwoFactor(t.app, accessToken, account.password, enabledAt);
    const a = { ...account, secret, recoveryCodes: [] };
    const enablingCode = totpAt(secret, enabledAt);
    const replayed = await codeStep(await challengeFor(a), enablingCode);
    expect(replayed.statusCode).toBe(401);
    expect(replayed.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', detail: expect.stringMatching(/already used/) });

    clock.advance(STEP);
    const code = totpAt(secret, clock.now());
    expect((await codeStep(await challengeFor(a), code)).statusCode).toBe(200);
    expect((await codeStep(await challengeFor(a), code)).statusCode).toBe(401);
    // An older code still inside the drift window is refused too: steps only move forward.
    clock.advance(STEP);
    const next = totpAt(secret, clock.now());
    expect((await codeStep(await challengeFor(a), next)).statusCode).toBe(200);
    expect((await codeStep(await challengeFor(a), code)).statusCode).toBe(401);
  });

  it('accepts one step of clock drift either way and refuses two (fixed clock)', async () => {
    const results: Record<string, number> = {};
    for (const [name, offset] of [
      ['-2', -2 * STEP],
      ['+2', 2 * STEP],
      ['-1', -STEP],
      ['+1', STEP],
      ['0', 0],
    ] as const) {
      // Far enough from the step that turned it on that no step here was used already.
      const a = await twoStepAccount(3);
      const code = totpAt(a.secret, new Date(clock.now().getTime() + offset));
      results[name] = (await codeStep(await challengeFor(a), code)).statusCode;
    }
    expect(results).toEqual({ '-2': 401, '+2': 401, '-1': 200, '+1': 200, '0': 200 });
  });

  it('allows 5 wrong codes per token; then even the right code is refused and the password is needed again', async () => {
    const a = await twoStepAccount();
    const token = await challengeFor(a);
    const details: string[] = [];
    for (let i = 0; i < 5; i++) {
      const wrong = await codeStep(token, wrongCodeFor(a));
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
      details.push(wrong.json<{ detail: string }>().detail);
    }
    expect(details[0]).toMatch(/4 tries left/);
    expect(details[4]).toMatch(/last try; sign in again/);
    const dead = await codeStep(token, totpAt(a.secret, clock.now()));
    expect(dead.statusCode).toBe(401);
    expect(dead.json()).toMatchObject({ code: 'INVALID_TOKEN', detail: expect.stringMatching(/sign in again/) });
    // A new sign-in starts afresh.
    expect((await codeStep(await challengeFor(a), totpAt(a.secret, clock.now()))).statusCode).toBe(200);
  });

  it('counts parallel wrong guesses against the 5 too', async () => {
    const a = await twoStepAccount();
    const token = await challengeFor(a);
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => codeStep(token, String(100000 + i))));
    const codes = responses.map((r) => r.json<{ code: string }>().code);
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(5);
    expect(codes.filter((c) => c === 'INVALID_TOKEN')).toHaveLength(7);
  });

  it('lets a token expire after 5 minutes', async () => {
    const a = await twoStepAccount();
    const token = await challengeFor(a);
    clock.advance(5 * 60_000 + 1000);
    const late = await codeStep(token, totpAt(a.secret, clock.now()));
    expect(late.statusCode).toBe(401);
    expect(late.json()).toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('refuses unknown tokens and malformed bodies', async () => {
    expect((await codeStep('made-up-token', '123456')).json()).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    const missing = await t.app.inject({ method: 'POST', url: '/api/auth/login/two-factor', payload: { code: '123456' } });
    expect(missing.statusCode).toBe(400);
    const extra = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login/two-factor',
      payload: { twoFactorToken: 'x', code: '123456', userId: 'someone' },
    });
    expect(extra.statusCode).toBe(400);
  });
});

describe('races', () => {
  it('gives one recovery code to exactly one of 10 parallel sign-ins', async () => {
    const a = await twoStepAccount();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => challengeFor(a)));
    const responses = await Promise.all(tokens.map((token) => codeStep(token, a.recoveryCodes[5]!)));
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 401, 401, 401, 401, 401, 401, 401, 401, 401]);
  });

  it('gives one TOTP code to exactly one of 2 parallel sign-ins', async () => {
    for (let round = 0; round < 3; round++) {
      const a = await twoStepAccount();
      const [first, second] = await Promise.all([challengeFor(a), challengeFor(a)]);
      const code = totpAt(a.secret, clock.now());
      const responses = await Promise.all([codeStep(first, code), codeStep(second, code)]);
      expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 401]);
    }
  });

  it('spends one token once when two right codes race on it', async () => {
    const a = await twoStepAccount();
    const token = await challengeFor(a);
    const responses = await Promise.all([codeStep(token, a.recoveryCodes[0]!), codeStep(token, a.recoveryCodes[1]!)]);
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 401]);
    // The loser's recovery code was not spent.
    const loser = responses[0].statusCode === 200 ? a.recoveryCodes[1]! : a.recoveryCodes[0]!;
    expect((await codeStep(await challengeFor(a), loser)).statusCode).toBe(200);
  });
});

describe('password reset', () => {
  it('keeps two-step sign-in on', async () => {
    const a = await twoStepAccount();
    await t.app.inject({ method: 'POST', url: '/api/auth/forgot-password', payload: { email: a.email } });
    const token = await tokenFromMail(t.smtp, a.email, '/reset-password');
    const newPassword = 'a brand new passphrase 77';
    const reset = await t.app.inject({ method: 'POST', url: '/api/auth/reset-password', payload: { token, password: newPassword } });
    expect(reset.statusCode).toBe(204);
    const response = await passwordStep({ email: a.email, password: newPassword });
    expect(response.json()).toMatchObject({ twoFactorRequired: true });
    expect(response.json()).not.toHaveProperty('accessToken');
  });
});

describe('a sign-in waiting for its code when the password changes', () => {
  it('is ended by a password change: its token no longer takes a correct code', async () => {
    const a = await twoStepAccount();
    const waiting = await challengeFor(a);
    // The owner, signed in elsewhere, changes the password.
    const other = await challengeFor(a);
    const session = await codeStep(other, totpAt(a.secret, clock.now()));
    expect(session.statusCode, session.body).toBe(200);
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/users/me/password',
      headers: bearer(session.json<{ accessToken: string }>().accessToken),
      payload: { currentPassword: a.password, newPassword: 'a completely new passphrase 77' },
    });
    expect(changed.statusCode, changed.body).toBe(204);
    clock.advance(STEP);
    const late = await codeStep(waiting, totpAt(a.secret, clock.now()));
    expect(late.statusCode).toBe(401);
    expect(late.json()).toMatchObject({ code: 'INVALID_TOKEN' });
  });
});
