import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Tokens, bearer, login, newAccount, registerVerified, tokenFromMail } from '../../../test/helpers/accounts.js';
import { type TestApp, TEST_APP_URL, createSecondInstance, createTestApp } from '../../../test/helpers/app.js';
import { usingPostgres } from '../../../test/helpers/db.js';
import { basicAuth } from '../../../test/helpers/dav.js';
import { totpAt, turnOnTwoFactor } from '../../../test/helpers/two-factor.js';

const HOUR_MS = 60 * 60 * 1000;

let t: TestApp;
let second: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  // A second server on the same database, SMTP capture and clock, as behind a load balancer.
  second = await createSecondInstance(t, { deps: { clock: t.clock } });
});
afterAll(async () => {
  await second.close();
  await t.close();
});

interface Person {
  id: string;
  email: string;
  password: string;
  tokens: Tokens;
}

async function person(): Promise<Person> {
  const account = await registerVerified(t.app, t.smtp);
  return { ...account, tokens: await login(t.app, account.email, account.password) };
}

let counter = 0;
const freshAddress = () => `moved${(counter += 1)}.${process.pid}@example.org`;

const requestChange = (who: Person, body: unknown, app = t.app) =>
  app.inject({ method: 'POST', url: '/api/users/me/email', headers: bearer(who.tokens.accessToken), payload: body as object });
const confirm = (token: string, app = t.app) => app.inject({ method: 'POST', url: '/api/auth/confirm-email', payload: { token } });
const me = async (who: Person) =>
  (await t.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(who.tokens.accessToken) })).json<{ email: string }>();

/** Asks for the change and returns the token mailed to the new address. */
async function linkFor(who: Person, newEmail: string): Promise<string> {
  const response = await requestChange(who, { newEmail, password: who.password });
  expect(response.statusCode, response.body).toBe(202);
  return tokenFromMail(t.smtp, newEmail, '/confirm-email');
}

describe('POST /api/users/me/email', () => {
  it('answers 202 and mails a single-use link to the new address; nothing changes before it is followed', async () => {
    const who = await person();
    const newEmail = freshAddress();
    const response = await requestChange(who, { newEmail: `  ${newEmail.toUpperCase()} `, password: who.password });
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toEqual({ message: expect.stringContaining(newEmail), newEmail });

    const mail = await t.smtp.waitFor((m) => m.to === newEmail, 10_000);
    expect(mail.subject).toBe('Confirm your new email address for Kith');
    const link = t.smtp.linkFrom(mail, '/confirm-email');
    expect(link).toMatch(new RegExp(`^${TEST_APP_URL}/confirm-email\\?token=[A-Za-z0-9_-]{20,}$`));
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.text).toContain(newEmail);

    expect((await me(who)).email).toBe(who.email);
    // Sign-in still takes the current address only.
    await login(t.app, who.email, who.password);
    const withNew = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: newEmail, password: who.password } });
    expect(withNew.statusCode).toBe(401);
  });

  it('refuses a wrong password (403), the current address (400), an address another account has (409)', async () => {
    const who = await person();
    const other = await person();

    const wrong = await requestChange(who, { newEmail: freshAddress(), password: 'not my password at all' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', status: 403 });

    const same = await requestChange(who, { newEmail: who.email.toUpperCase(), password: who.password });
    expect(same.statusCode).toBe(400);
    expect(same.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'newEmail' }] });

    const taken = await requestChange(who, { newEmail: other.email, password: who.password });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'EMAIL_TAKEN' });

    expect(t.smtp.messages.filter((m) => m.to === other.email && /new email/i.test(m.subject))).toEqual([]);
    expect((await me(who)).email).toBe(who.email);
  });

  it('needs a signed-in user and a well-formed body', async () => {
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/users/me/email', payload: { newEmail: freshAddress(), password: 'x' } });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe('UNAUTHORIZED');

    const who = await person();
    const huge = 'x'.repeat(100_000);
    for (const body of [
      {},
      { newEmail: 'not-an-email', password: who.password },
      { newEmail: freshAddress() },
      { newEmail: freshAddress(), password: '' },
      { newEmail: 5, password: 5 },
      { newEmail: huge, password: huge },
      { newEmail: freshAddress(), password: who.password, emailVerified: false },
      [],
      null,
    ]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/users/me/email',
        headers: { ...bearer(who.tokens.accessToken), 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      expect(response.statusCode, JSON.stringify(body)?.slice(0, 80)).toBe(400);
      expect(response.json().code).toMatch(/^(VALIDATION_FAILED|BAD_REQUEST)$/);
    }
  });
});

describe('POST /api/auth/confirm-email', () => {
  it('gives the account the new address (verified), tells the old one, and keeps sessions and app passwords', async () => {
    const who = await person();
    const otherSignIn = await login(t.app, who.email, who.password);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/users/me/app-passwords',
      headers: bearer(who.tokens.accessToken),
      payload: { name: 'Phone' },
    });
    expect(created.statusCode).toBe(201);
    const secret = created.json<{ password: string }>().password;
    const book = `/dav/addressbooks/${who.id}/contacts/`;
    const propfind = (username: string) =>
      t.app.inject({ method: 'PROPFIND', url: book, headers: { authorization: basicAuth(username, secret), depth: '0' } });
    expect((await propfind(who.email)).statusCode).toBe(207);

    const newEmail = freshAddress();
    const token = await linkFor(who, newEmail);
    // Followed without signing in (another browser, say), on the other instance.
    const confirmed = await confirm(token, second.app);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ id: who.id, email: newEmail, emailVerified: true });
    expect(confirmed.json()).not.toHaveProperty('passwordHash');
    expect((await me(who)).email).toBe(newEmail);

    const notice = await t.smtp.waitFor((m) => m.to === who.email && m.subject === 'Your Kith email address was changed', 10_000);
    expect(notice.text).toContain(`Your Kith email address was changed to ${newEmail}`);
    expect(notice.text).toMatch(/if this wasn't you/i);
    // No link that could undo (or do) anything: not one URL in either part.
    expect(notice.text).not.toMatch(/https?:\/\//);
    expect(notice.html).not.toMatch(/href="https?:/);

    // Sessions stay signed in: this one's access token, and another sign-in's refresh token.
    expect((await t.app.inject({ method: 'GET', url: '/api/contacts', headers: bearer(who.tokens.accessToken) })).statusCode).toBe(200);
    const refreshed = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: otherSignIn.refreshToken } });
    expect(refreshed.statusCode).toBe(200);

    // Signing in takes the new address from now on, with the same password.
    await login(t.app, newEmail, who.password);
    const oldLogin = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: who.email, password: who.password } });
    expect(oldLogin.statusCode).toBe(401);

    // CardDAV: the same app password, now with the new address as the user name.
    expect((await propfind(newEmail)).statusCode).toBe(207);
    expect((await propfind(newEmail.toUpperCase())).statusCode).toBe(207);
    expect((await propfind(who.email)).statusCode).toBe(401);

    // The link worked once.
    const again = await confirm(token);
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('voids password reset links mailed to the old address', async () => {
    const who = await person();
    const forgot = await t.app.inject({ method: 'POST', url: '/api/auth/forgot-password', payload: { email: who.email } });
    expect(forgot.statusCode).toBe(202);
    const resetToken = await tokenFromMail(t.smtp, who.email, '/reset-password');

    const newEmail = freshAddress();
    expect((await confirm(await linkFor(who, newEmail))).statusCode).toBe(200);

    const reset = await t.app.inject({
      method: 'POST',
      url: '/api/auth/reset-password',
      payload: { token: resetToken, password: 'someone else took over' },
    });
    expect(reset.statusCode).toBe(400);
    expect(reset.json().code).toBe('INVALID_TOKEN');
    await login(t.app, newEmail, who.password);
  });

  it('honours only the newest request: an older link is void', async () => {
    const who = await person();
    const first = freshAddress();
    const secondAddress = freshAddress();
    const older = await linkFor(who, first);
    const newer = await linkFor(who, secondAddress);

    const stale = await confirm(older);
    expect(stale.statusCode).toBe(400);
    expect(stale.json().code).toBe('INVALID_TOKEN');
    expect((await confirm(newer)).json()).toMatchObject({ email: secondAddress });
  });

  it('expires 24 hours after it was sent', async () => {
    const who = await person();
    const late = await linkFor(who, freshAddress());
    const onTime = await (async () => {
      const other = await person();
      const address = freshAddress();
      return { other, address, token: await linkFor(other, address) };
    })();

    t.clock.advance(24 * HOUR_MS - 60_000);
    const inTime = await confirm(onTime.token);
    expect(inTime.statusCode, inTime.body).toBe(200);
    expect(inTime.json().email).toBe(onTime.address);

    t.clock.advance(2 * 60_000);
    const expired = await confirm(late);
    expect(expired.statusCode).toBe(400);
    expect(expired.json()).toMatchObject({ code: 'INVALID_TOKEN', detail: expect.stringMatching(/expired/) });
    // (The access token has long expired too: a fresh sign-in, still with the old address.)
    await login(t.app, who.email, who.password);
  });

  it('refuses unknown and malformed tokens', async () => {
    for (const token of ['nope', 'A'.repeat(43)]) {
      const response = await confirm(token);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('INVALID_TOKEN');
    }
    for (const payload of [{}, { token: '' }, { token: 5 }, { token: 'x'.repeat(10_000) }, { token: 'a', extra: 1 }]) {
      const response = await t.app.inject({ method: 'POST', url: '/api/auth/confirm-email', payload });
      expect(response.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
    }
  });

  it('answers 409 EMAIL_TAKEN when the address was registered meanwhile, and the account keeps its address', async () => {
    const who = await person();
    const newEmail = freshAddress();
    const token = await linkFor(who, newEmail);
    const registered = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: newAccount({ email: newEmail }) });
    expect(registered.statusCode).toBe(201);

    const response = await confirm(token);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'EMAIL_TAKEN', status: 409 });
    expect((await me(who)).email).toBe(who.email);
    expect(t.smtp.messages.filter((m) => m.to === who.email && /address was changed/.test(m.subject))).toEqual([]);
  });

  it(`two accounts confirming the same new address at once: one wins, the other gets 409 (${usingPostgres ? 'PostgreSQL' : 'PGlite'}, two instances)`, async () => {
    for (let round = 0; round < 4; round += 1) {
      const a = await person();
      const b = await person();
      const contested = freshAddress();
      // Both links go to the same inbox; each account's token is the one sent for it.
      const ra = await requestChange(a, { newEmail: contested, password: a.password });
      const rb = await requestChange(b, { newEmail: contested, password: b.password });
      expect([ra.statusCode, rb.statusCode]).toEqual([202, 202]);
      const [mailA, mailB] = await t.smtp.waitForCount((m) => m.to === contested, 2, 10_000);
      const tokens = [t.smtp.tokenFrom(mailA!, '/confirm-email'), t.smtp.tokenFrom(mailB!, '/confirm-email')];

      const results = await Promise.all([confirm(tokens[0]!, t.app), confirm(tokens[1]!, second.app)]);
      const statuses = results.map((r) => r.statusCode).sort();
      expect(statuses, results.map((r) => r.body).join('\n')).toEqual([200, 409]);
      const winner = results.find((r) => r.statusCode === 200)!.json<{ id: string; email: string }>();
      expect(winner.email).toBe(contested);
      expect([a.id, b.id]).toContain(winner.id);
      const loser = winner.id === a.id ? b : a;
      expect((await me(loser)).email).toBe(loser.email);
      expect(results.find((r) => r.statusCode === 409)!.json().code).toBe('EMAIL_TAKEN');
    }
  });
});

describe('with two-step sign-in on', () => {
  it('asking for the change takes a code too: 400 without, 403 for a wrong or used one, 202 with a current one', async () => {
    const who = await person();
    const { secret, recoveryCodes } = await turnOnTwoFactor(t.app, who.tokens.accessToken, who.password, t.clock.now());
    const newEmail = freshAddress();
    const without = await requestChange(who, { newEmail, password: who.password });
    expect(without.statusCode).toBe(400);
    expect(without.json()).toMatchObject({ errors: [{ path: 'code' }] });
    const wrong = await requestChange(who, { newEmail, password: who.password, code: '000000' === totpAt(secret, t.clock.now()) ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(403);
    // The step that turned two-step on was spent then; the next one works once.
    t.clock.advance(30_000);
    const code = totpAt(secret, t.clock.now());
    expect((await requestChange(who, { newEmail, password: who.password, code })).statusCode).toBe(202);
    expect((await requestChange(who, { newEmail, password: who.password, code })).statusCode).toBe(403);
    // A recovery code does as well, once.
    expect((await requestChange(who, { newEmail, password: who.password, code: recoveryCodes[0] })).statusCode).toBe(202);
    expect((await me(who)).email).toBe(who.email);
  });
});
