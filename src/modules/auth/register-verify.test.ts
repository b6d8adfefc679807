import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, TEST_APP_URL, createTestApp } from '../../../test/helpers/app.js';
import { login, newAccount, registerVerified, tokenFromMail } from '../../../test/helpers/accounts.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('register', () => {
  it('creates an unverified user, never exposing secrets, and mails a verification link to the app', async () => {
    const account = newAccount({ email: '  Ada.Lovelace@Example.COM ' });
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: account });
    expect(response.statusCode).toBe(201);
    const user = response.json();
    expect(user).toMatchObject({
      email: 'ada.lovelace@example.com',
      name: account.name,
      emailVerified: false,
      timezone: 'UTC',
      region: null,
      twoFactorEnabled: false,
    });
    expect(Object.keys(user).sort()).toEqual(
      ['avatarUrl', 'createdAt', 'email', 'emailVerified', 'id', 'name', 'region', 'timezone', 'twoFactorEnabled'].sort(),
    );
    expect(user.avatarUrl).toMatch(/^http:\/\/kith\.test\/api\/avatars\/initials\//);
    expect(response.body).not.toMatch(/argon2|password/i);

    const mail = await t.smtp.waitFor((m) => m.to === 'ada.lovelace@example.com', 10_000);
    const link = t.smtp.linkFrom(mail, '/verify-email');
    expect(link?.startsWith(`${TEST_APP_URL}/verify-email?token=`)).toBe(true);
    expect(mail.html).toContain(link);
  });

  it('refuses a second account for the same email, compared case-insensitively', async () => {
    const account = newAccount();
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: account })).statusCode).toBe(201);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { ...account, email: account.email.toUpperCase() },
    });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.json()).toMatchObject({ status: 409, code: 'EMAIL_TAKEN' });
  });

  it('refuses short, overlong and common passwords with field errors', async () => {
    for (const password of ['short', 'x'.repeat(129), 'password123', 'Qwerty123']) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: newAccount({ password }),
      });
      expect(response.statusCode, password).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'password' }] });
    }
  });

  it('accepts any Unicode password of 8..128 characters, counted as a person counts them, and never truncates', async () => {
    const emojiPassword = '🔑🔑🔑🔑🔑🔑🔑🔑'; // 8 characters, 16 UTF-16 units
    const account = await registerVerified(t.app, t.smtp, newAccount({ password: emojiPassword }));
    await login(t.app, account.email, emojiPassword);

    const long = `${'ж'.repeat(127)}a`; // 128 characters: the last one must count
    const longAccount = await registerVerified(t.app, t.smtp, newAccount({ password: long }));
    const truncated = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: longAccount.email, password: `${'ж'.repeat(127)}b` },
    });
    expect(truncated.statusCode).toBe(401);
    await login(t.app, longAccount.email, long);
  });

  it('ignores no field silently: unknown fields such as emailVerified are rejected', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { ...newAccount(), emailVerified: true, id: '00000000-0000-0000-0000-000000000000' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('VALIDATION_FAILED');
  });
});

describe('verify email', () => {
  it('verifies once; the same link then fails', async () => {
    const account = newAccount();
    await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: account });
    const token = await tokenFromMail(t.smtp, account.email, '/verify-email');

    const first = await t.app.inject({ method: 'POST', url: '/api/auth/verify-email', payload: { token } });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ email: account.email, emailVerified: true });

    const second = await t.app.inject({ method: 'POST', url: '/api/auth/verify-email', payload: { token } });
    expect(second.statusCode).toBe(400);
    expect(second.json().code).toBe('INVALID_TOKEN');
  });

  it('rejects unknown and expired tokens', async () => {
    const unknown = await t.app.inject({ method: 'POST', url: '/api/auth/verify-email', payload: { token: 'nope' } });
    expect(unknown.json()).toMatchObject({ status: 400, code: 'INVALID_TOKEN' });

    const account = newAccount();
    await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: account });
    const token = await tokenFromMail(t.smtp, account.email, '/verify-email');
    t.clock.advance(24 * 60 * 60 * 1000 + 1000);
    const expired = await t.app.inject({ method: 'POST', url: '/api/auth/verify-email', payload: { token } });
    expect(expired.json()).toMatchObject({ status: 400, code: 'INVALID_TOKEN' });
  });
});

describe('resend verification', () => {
  it('answers the same for unknown, unverified and verified addresses, and mails only the unverified one', async () => {
    const unverified = newAccount();
    await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: unverified });
    await tokenFromMail(t.smtp, unverified.email, '/verify-email');
    const verified = await registerVerified(t.app, t.smtp);

    const answers = [];
    for (const email of ['nobody@example.com', unverified.email, verified.email]) {
      const response = await t.app.inject({ method: 'POST', url: '/api/auth/resend-verification', payload: { email } });
      answers.push({ status: response.statusCode, body: response.body });
    }
    expect(answers[0]?.status).toBe(202);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);

    const mails = await t.smtp.waitForCount((m) => m.to === unverified.email, 2, 10_000);
    const [firstLink, secondLink] = mails.map((m) => t.smtp.linkFrom(m, '/verify-email'));
    expect(secondLink).not.toBe(firstLink);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.smtp.messages.filter((m) => m.to === 'nobody@example.com')).toHaveLength(0);
    expect(t.smtp.messages.filter((m) => m.to === verified.email)).toHaveLength(1);
  });
});
