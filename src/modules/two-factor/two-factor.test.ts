import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoveryCodes, users } from '../../db/schema.js';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { bearer, login, registerVerified } from '../../../test/helpers/accounts.js';
import { FixedClock, totpAt, turnOnTwoFactor } from '../../../test/helpers/two-factor.js';
import { hashRecoveryCode } from './two-factor-secrets.js';
import { TwoFactorService } from './two-factor.service.js';

// In the middle of a 30-second step, so ±15 s never crosses into another one.
const START = new Date('2026-03-02T10:00:15.000Z');
const clock = new FixedClock(START);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ deps: { clock } });
});
afterAll(() => t?.close());

type Account = Awaited<ReturnType<typeof registerVerified>> & { accessToken: string };

async function signedIn(): Promise<Account> {
  const account = await registerVerified(t.app, t.smtp);
  const { accessToken } = await login(t.app, account.email, account.password);
  return { ...account, accessToken };
}

const post = (who: Account, path: string, payload: object) =>
  t.app.inject({ method: 'POST', url: `/api/users/me/two-factor/${path}`, headers: bearer(who.accessToken), payload });
const me = async (who: Account) =>
  (await t.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(who.accessToken) })).json<Record<string, unknown>>();
const userRow = async (id: string) => (await t.database.db.select().from(users).where(eq(users.id, id)))[0]!;

describe('turning two-step sign-in on', () => {
  it('gives a base32 secret and an otpauth URL for the app, a new one each time, and never shows it in User', async () => {
    const a = await signedIn();
    const first = await post(a, 'setup', { password: a.password });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    const { secret, otpauthUrl } = first.json<{ secret: string; otpauthUrl: string }>();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe(`/Kith:${a.email}`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      secret,
      issuer: 'Kith',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });

    const second = (await post(a, 'setup', { password: a.password })).json<{ secret: string }>();
    expect(second.secret).not.toBe(secret);
    // Only the newest pending secret counts.
    const stale = await post(a, 'enable', { code: totpAt(secret, clock.now()) });
    expect(stale.statusCode).toBe(400);
    expect(stale.json()).toMatchObject({ code: 'INVALID_CODE' });

    const user = await me(a);
    expect(user.twoFactorEnabled).toBe(false);
    expect(JSON.stringify(user)).not.toContain(second.secret);
  });

  it('keeps the secret encrypted at rest, not as the base32 the app got', async () => {
    const a = await signedIn();
    const { secret } = (await post(a, 'setup', { password: a.password })).json<{ secret: string }>();
    const row = await userRow(a.id);
    expect(row.twoFactorPendingSecret).toBeTruthy();
    expect(row.twoFactorPendingSecret).not.toContain(secret);
    await post(a, 'enable', { code: totpAt(secret, clock.now()) });
    const enabled = await userRow(a.id);
    expect(enabled.twoFactorSecret).toMatch(/^v1\./);
    expect(enabled.twoFactorSecret).not.toContain(secret);
    expect(enabled.twoFactorPendingSecret).toBeNull();
  });

  it('refuses a wrong password (403) and answers 409 once it is on', async () => {
    const a = await signedIn();
    const wrong = await post(a, 'setup', { password: 'not the password' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect((await userRow(a.id)).twoFactorPendingSecret).toBeNull();

    await turnOnTwoFactor(t.app, a.accessToken, a.password, clock.now());
    const again = await post(a, 'setup', { password: a.password });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'TWO_FACTOR_ALREADY_ENABLED' });
    const enableAgain = await post(a, 'enable', { code: '123456' });
    expect(enableAgain.statusCode).toBe(409);
  });

  it('needs a setup first, and a right code from its secret', async () => {
    const a = await signedIn();
    const early = await post(a, 'enable', { code: '123456' });
    expect(early.statusCode).toBe(400);
    expect(early.json()).toMatchObject({ code: 'TWO_FACTOR_SETUP_REQUIRED' });

    const { secret } = (await post(a, 'setup', { password: a.password })).json<{ secret: string }>();
    const right = totpAt(secret, clock.now());
    const wrongCode = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    const wrong = await post(a, 'enable', { code: wrongCode });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'INVALID_CODE', errors: [{ path: 'code' }] });
    const malformed = await post(a, 'enable', { code: 'abc' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    const notAllowed = await post(a, 'enable', { code: right, twoFactorEnabled: true });
    expect(notAllowed.statusCode).toBe(400);
    expect((await me(a)).twoFactorEnabled).toBe(false);

    const enabled = await post(a, 'enable', { code: right });
    expect(enabled.statusCode, enabled.body).toBe(200);
    expect(enabled.headers['cache-control']).toBe('no-store');
    expect((await me(a)).twoFactorEnabled).toBe(true);
  });

  it('gives ten distinct recovery codes in readable groups, stored only as hashes', async () => {
    const a = await signedIn();
    const { recoveryCodes: codes } = await turnOnTwoFactor(t.app, a.accessToken, a.password, clock.now());
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}(?:-[a-z2-9]{5}){4}$/);

    const rows = await t.database.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, a.id));
    expect(rows).toHaveLength(10);
    const stored = rows.map((r) => r.codeHash);
    for (const code of codes) {
      expect(stored.some((h) => h.includes(code) || h.includes(code.replace(/-/g, '')))).toBe(false);
      expect(stored).toContain(hashRecoveryCode(a.id, code.replace(/-/g, '')));
    }
  });

  it('needs a signed-in user', async () => {
    for (const path of ['setup', 'enable', 'disable']) {
      const response = await t.app.inject({ method: 'POST', url: `/api/users/me/two-factor/${path}`, payload: {} });
      expect(response.statusCode).toBe(401);
    }
  });
});

describe('turning two-step sign-in off', () => {
  it('takes the password and a current code; forgets the secret and the recovery codes', async () => {
    const a = await signedIn();
    const { secret } = await turnOnTwoFactor(t.app, a.accessToken, a.password, clock.now());
    clock.advance(30_000);
    const code = totpAt(secret, clock.now());

    const wrongPassword = await post(a, 'disable', { password: 'nope nope nope', code });
    expect(wrongPassword.statusCode).toBe(403);
    expect(wrongPassword.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const wrongCode = await post(a, 'disable', { password: a.password, code: '000000' === code ? '111111' : '000000' });
    expect(wrongCode.statusCode).toBe(403);
    expect(wrongCode.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', errors: [{ path: 'code' }] });
    expect((await me(a)).twoFactorEnabled).toBe(true);

    const off = await post(a, 'disable', { password: a.password, code });
    expect(off.statusCode, off.body).toBe(204);
    expect((await me(a)).twoFactorEnabled).toBe(false);
    const row = await userRow(a.id);
    expect([row.twoFactorSecret, row.twoFactorPendingSecret, row.twoFactorEnabledAt, row.twoFactorLastStep]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(await t.database.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, a.id))).toEqual([]);

    const again = await post(a, 'disable', { password: a.password, code });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'TWO_FACTOR_NOT_ENABLED' });
    // And signing in takes only the password again.
    const signIn = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: a.email, password: a.password } });
    expect(signIn.json()).toHaveProperty('accessToken');
  });

  it('takes a recovery code instead, in any case and with or without the dashes', async () => {
    const a = await signedIn();
    const { recoveryCodes: codes } = await turnOnTwoFactor(t.app, a.accessToken, a.password, clock.now());
    const typed = codes[3]!.toUpperCase().replace(/-/g, ' ');
    const off = await post(a, 'disable', { password: a.password, code: typed });
    expect(off.statusCode, off.body).toBe(204);
  });
});

describe('emails', () => {
  it('tells the owner when two-step sign-in is turned on and off', async () => {
    const a = await signedIn();
    const { secret } = await turnOnTwoFactor(t.app, a.accessToken, a.password, clock.now());
    const on = await t.smtp.waitFor((m) => m.to === a.email && /turned on/.test(m.subject));
    expect(on.subject).toBe('Two-step sign-in turned on for your Kith account');
    expect(on.text).toContain(`Hi ${a.name},`);
    expect(on.text).toMatch(/recovery codes/);
    expect(on.text).toContain('http://kith.test/security');
    expect(on.html).toContain('Two-step sign-in turned on');
    expect(on.text).not.toContain(secret);

    clock.advance(30_000);
    await post(a, 'disable', { password: a.password, code: totpAt(secret, clock.now()) });
    const off = await t.smtp.waitFor((m) => m.to === a.email && /turned off/.test(m.subject));
    expect(off.text).toMatch(/If this wasn't you, someone knows your password/);
    expect(off.html).toContain('Two-step sign-in turned off');
  });
});

describe('TwoFactorService.verifyCode (for callers such as account deletion)', () => {
  it('accepts a current code or an unused recovery code, each once; false when two-step is off', async () => {
    const service = new TwoFactorService({
      db: t.database.db,
      clock,
      config: t.config,
      mailQueue: { kick: () => undefined },
      logger: t.app.log,
    });
    const a = await signedIn();
    expect(await service.verifyCode(a.id, '123456')).toBe(false);
    const { secret, recoveryCodes: codes } = await turnOnTwoFactor(t.app, a.accessToken, a.password, clock.now());
    // The code that turned it on is spent already.
    expect(await service.verifyCode(a.id, totpAt(secret, clock.now()))).toBe(false);
    clock.advance(30_000);
    const code = totpAt(secret, clock.now());
    expect(await service.verifyCode(a.id, code)).toBe(true);
    expect(await service.verifyCode(a.id, code)).toBe(false);
    expect(await service.verifyCode(a.id, codes[0]!)).toBe(true);
    expect(await service.verifyCode(a.id, codes[0]!)).toBe(false);
    expect(await service.verifyCode(a.id, 'not-a-code')).toBe(false);
  });
});
