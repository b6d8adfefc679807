import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { bearer, login, newAccount, registerVerified, tokenFromMail } from '../../../test/helpers/accounts.js';
import { hashPassword, isCommonPassword, isContextPassword, verifyPassword } from './passwords.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const me = (accessToken: string) => t.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(accessToken) });
const refresh = (refreshToken: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
const forgot = (email: string) => t.app.inject({ method: 'POST', url: '/api/auth/forgot-password', payload: { email } });
const reset = (token: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/reset-password', payload: { token, password } });

describe('password hashing', () => {
  it('uses argon2id with the OWASP parameters and verifies only the right password', async () => {
    const hash = await hashPassword('a long enough password');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'a long enough password')).toBe(true);
    expect(await verifyPassword(hash, 'a long enough passworD')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });

  it('knows the common passwords from the zxcvbn list, case-insensitively', async () => {
    expect(await isCommonPassword('password')).toBe(true);
    expect(await isCommonPassword('IloveYou')).toBe(true);
    expect(await isCommonPassword('correct horse battery staple 42')).toBe(false);
  });
});

describe('forgot and reset password', () => {
  it('answers the same whether or not the account exists, and mails a link that expires in an hour', async () => {
    const account = await registerVerified(t.app, t.smtp);
    const known = await forgot(account.email);
    const unknown = await forgot('nobody-here@example.com');
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);

    const token = await tokenFromMail(t.smtp, account.email, '/reset-password');
    t.clock.advance(60 * 60 * 1000 + 1000);
    expect((await reset(token, 'a brand new password 1')).json()).toMatchObject({ status: 400, code: 'INVALID_TOKEN' });
  });

  it('sets the new password, revokes every session, and tells the user by email', async () => {
    const account = await registerVerified(t.app, t.smtp);
    const session = await login(t.app, account.email, account.password);
    await forgot(account.email);
    const token = await tokenFromMail(t.smtp, account.email, '/reset-password');

    expect((await reset(token, 'a brand new password 2')).statusCode).toBe(204);
    expect((await me(session.accessToken)).statusCode).toBe(401);
    expect((await refresh(session.refreshToken)).statusCode).toBe(401);
    const oldLogin = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: account.email, password: account.password },
    });
    expect(oldLogin.statusCode).toBe(401);
    await login(t.app, account.email, 'a brand new password 2');
    await t.smtp.waitFor((m) => m.to === account.email && /password was changed/i.test(m.subject), 10_000);

    expect((await reset(token, 'yet another password 3')).json().code).toBe('INVALID_TOKEN');
  });

  it('invalidates older reset links when a new one is requested', async () => {
    const account = await registerVerified(t.app, t.smtp);
    await forgot(account.email);
    const older = await tokenFromMail(t.smtp, account.email, '/reset-password');
    await forgot(account.email);
    const mails = await t.smtp.waitForCount(
      (m) => m.to === account.email && t.smtp.linkFrom(m, '/reset-password') !== undefined,
      2,
      10_000,
    );
    const newer = new URL(t.smtp.linkFrom(mails[1]!, '/reset-password')!).searchParams.get('token')!;
    expect(newer).not.toBe(older);
    expect((await reset(older, 'a brand new password 4')).json().code).toBe('INVALID_TOKEN');
    expect((await reset(newer, 'a brand new password 4')).statusCode).toBe(204);
  });

  it('accepts a token exactly once under 16 parallel requests', async () => {
    const account = await registerVerified(t.app, t.smtp);
    await forgot(account.email);
    const token = await tokenFromMail(t.smtp, account.email, '/reset-password');
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => reset(token, `parallel new password ${i}`)),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 204)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(15);
  });

  it('refuses a common new password without spending the token', async () => {
    const account = await registerVerified(t.app, t.smtp);
    await forgot(account.email);
    const token = await tokenFromMail(t.smtp, account.email, '/reset-password');
    const weak = await reset(token, 'password1');
    expect(weak.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: [{ path: 'password' }] });
    expect((await reset(token, 'a strong replacement 5')).statusCode).toBe(204);
  });

  it('verifies the address of an account that never clicked its verification link', async () => {
    const account = newAccount();
    await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: account });
    await forgot(account.email);
    const token = await tokenFromMail(t.smtp, account.email, '/reset-password');
    expect((await reset(token, 'a strong replacement 6')).statusCode).toBe(204);
    await login(t.app, account.email, 'a strong replacement 6');
  });
});

describe('change password', () => {
  const change = (accessToken: string, body: object) =>
    t.app.inject({ method: 'POST', url: '/api/users/me/password', headers: bearer(accessToken), payload: body });

  it('keeps the current session and revokes every other one', async () => {
    const account = await registerVerified(t.app, t.smtp);
    const a = await login(t.app, account.email, account.password);
    const b = await login(t.app, account.email, account.password);

    const response = await change(a.accessToken, { currentPassword: account.password, newPassword: 'the next password 7' });
    expect(response.statusCode).toBe(204);

    expect((await me(b.accessToken)).statusCode).toBe(401);
    expect((await refresh(b.refreshToken)).statusCode).toBe(401);
    expect((await me(a.accessToken)).statusCode).toBe(200);
    expect((await refresh(a.refreshToken)).statusCode).toBe(200);
    await login(t.app, account.email, 'the next password 7');
    await t.smtp.waitFor((m) => m.to === account.email && /password was changed/i.test(m.subject), 10_000);
  });

  it('answers 403 for a wrong current password, 400 for a weak or unchanged new one, 401 without a session', async () => {
    const account = await registerVerified(t.app, t.smtp);
    const { accessToken } = await login(t.app, account.email, account.password);
    const wrong = await change(accessToken, { currentPassword: 'not it at all', newPassword: 'the next password 8' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().code).toBe('INVALID_CREDENTIALS');
    const weak = await change(accessToken, { currentPassword: account.password, newPassword: 'iloveyou' });
    expect(weak.json()).toMatchObject({ status: 400, errors: [{ path: 'newPassword' }] });
    const same = await change(accessToken, { currentPassword: account.password, newPassword: account.password });
    expect(same.statusCode).toBe(400);
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/users/me/password',
      payload: { currentPassword: account.password, newPassword: 'the next password 8' },
    });
    expect(anonymous.statusCode).toBe(401);
    expect((await me(accessToken)).statusCode).toBe(200);
  });
});

describe('isContextPassword', () => {
  const account = { email: 'ada.lovelace@engines.example', name: 'Ada Lovelace' };
  it('refuses passwords made only of Kith words, the email or the name (digits and symbols aside)', () => {
    for (const password of ['kith2026!', 'KithKith', 'contacts123', 'address-book-2026', 'adalovelace', 'Lovelace 1815', 'ada.lovelace@engines', 'engines!!!'])
      expect(isContextPassword(password, account), password).toBe(true);
  });
  it('takes passphrases that only contain such a word, and anything else', () => {
    for (const password of ['kith is where my people live', 'correct horse battery staple', '83920147', 'Ada’s bicycle 42 blue'])
      expect(isContextPassword(password, account), password).toBe(false);
  });
});

describe('context-specific words (ASVS 6.2.11)', () => {
  it('sign-up refuses a password made of the name or Kith words, with a message that says so', async () => {
    for (const password of ['gracehopper2026', 'kith kith kith 1']) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: newAccount({ name: 'Grace Hopper', password }),
      });
      expect(response.statusCode, password).toBe(400);
      expect(response.json()).toMatchObject({ errors: [{ path: 'password', message: expect.stringMatching(/your name, your email address or words about Kith/) }] });
    }
  });

  it('a reset to such a password is refused and leaves the link usable', async () => {
    const account = await registerVerified(t.app, t.smtp, newAccount({ name: 'Hedy Lamarr' }));
    await forgot(account.email);
    const token = await tokenFromMail(t.smtp, account.email, '/reset-password');
    expect((await reset(token, 'Lamarr-Hedy-1914')).statusCode).toBe(400);
    expect((await reset(token, 'frequency hopping torpedo guidance')).statusCode).toBe(204);
  });
});
