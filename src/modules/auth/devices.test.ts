import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_APP_URL, type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { type Tokens, bearer, registerVerified } from '../../../test/helpers/accounts.js';
import type { CapturedMail } from '../../../test/helpers/smtp.js';

const CHROME_ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';
const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const FIREFOX_WINDOWS_UPDATED = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:130.0) Gecko/20100101 Firefox/130.0';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

type Account = Awaited<ReturnType<typeof registerVerified>>;

interface SessionItem {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  userAgent: string | null;
  device: string;
  current: boolean;
}

async function loginFrom(account: Account, userAgent: string): Promise<Tokens> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'user-agent': userAgent },
    payload: { email: account.email, password: account.password },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Tokens>();
}

const list = (tokens: Tokens) =>
  t.app.inject({ method: 'GET', url: '/api/users/me/sessions', headers: bearer(tokens.accessToken) });
const items = async (tokens: Tokens) => {
  const response = await list(tokens);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: SessionItem[] }>().items;
};
const currentOf = async (tokens: Tokens) => (await items(tokens)).find((item) => item.current)!;
const signOut = (tokens: Tokens, id: string) =>
  t.app.inject({ method: 'DELETE', url: `/api/users/me/sessions/${id}`, headers: bearer(tokens.accessToken) });
const signOutOthers = (tokens: Tokens) =>
  t.app.inject({ method: 'POST', url: '/api/users/me/sessions/sign-out-others', headers: bearer(tokens.accessToken) });
const me = (tokens: Tokens) => t.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(tokens.accessToken) });
const refresh = (tokens: Tokens) =>
  t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: tokens.refreshToken } });

describe('the sessions list', () => {
  it('lists live sessions with the device, most recently used first, the current one marked', async () => {
    const account = await registerVerified(t.app, t.smtp);
    const phone = await loginFrom(account, CHROME_ANDROID);
    t.clock.advance(1000);
    const laptop = await loginFrom(account, FIREFOX_WINDOWS);

    const fromLaptop = await items(laptop);
    expect(fromLaptop).toEqual([
      {
        id: expect.any(String),
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        lastUsedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        userAgent: FIREFOX_WINDOWS,
        device: 'Firefox on Windows',
        current: true,
      },
      expect.objectContaining({ userAgent: CHROME_ANDROID, device: 'Chrome on Android', current: false }),
    ]);
    // The sign-in itself counts as the first use.
    expect(fromLaptop[0]!.lastUsedAt).toBe(fromLaptop[0]!.createdAt);

    // Using the phone later puts it first; seen from there, the phone is the current one.
    t.clock.advance(61_000);
    const fromPhone = await items(phone);
    expect(fromPhone.map((item) => [item.device, item.current])).toEqual([
      ['Chrome on Android', true],
      ['Firefox on Windows', false],
    ]);
  });

  it('keeps at most 512 characters of a User-Agent, and names a sign-in without one "Unknown device"', async () => {
    const account = await registerVerified(t.app, t.smtp);
    const long = await loginFrom(account, `${FIREFOX_WINDOWS} ${'x'.repeat(2000)}`);
    const current = await currentOf(long);
    expect(current.userAgent).toHaveLength(512);
    expect(current.device).toBe('Firefox on Windows');

    const bare = await loginFrom(account, '');
    expect(await currentOf(bare)).toMatchObject({ userAgent: null, device: 'Unknown device' });
  });

  it('leaves out sessions that were signed out or have expired', async () => {
    const account = await registerVerified(t.app, t.smtp);
    const kept = await loginFrom(account, CHROME_ANDROID);
    const ended = await loginFrom(account, FIREFOX_WINDOWS);
    const logout = await t.app.inject({ method: 'POST', url: '/api/auth/logout', payload: { refreshToken: ended.refreshToken } });
    expect(logout.statusCode).toBe(204);
    expect((await items(kept)).map((item) => item.device)).toEqual(['Chrome on Android']);
  });

  it('needs a signed-in caller', async () => {
    for (const [method, url] of [
      ['GET', '/api/users/me/sessions'],
      ['DELETE', '/api/users/me/sessions/00000000-0000-4000-8000-000000000000'],
      ['POST', '/api/users/me/sessions/sign-out-others'],
    ] as const) {
      const response = await t.app.inject({ method, url });
      expect(response.statusCode, url).toBe(401);
      expect(response.json().code).toBe('UNAUTHORIZED');
    }
  });
});

describe('the OpenAPI document', () => {
  it('describes the three session routes, their answers and problems', async () => {
    const doc = (await t.app.inject('/openapi.json')).json();
    const list = doc.paths['/api/users/me/sessions']?.get;
    const one = doc.paths['/api/users/me/sessions/{id}']?.delete;
    const others = doc.paths['/api/users/me/sessions/sign-out-others']?.post;
    for (const operation of [list, one, others]) {
      expect(operation.security).toEqual([{ bearerAuth: [] }]);
      expect(operation.responses).toHaveProperty('401');
    }
    expect(Object.keys(one.responses).sort()).toEqual(['204', '401', '404']);
    expect(Object.keys(others.responses).sort()).toEqual(['204', '401']);
    expect(Object.keys(doc.components.schemas.Session.properties).sort()).toEqual(
      ['createdAt', 'current', 'device', 'id', 'lastUsedAt', 'userAgent'],
    );
  });
});

describe('lastUsedAt', () => {
  it('moves at most once a minute per session, and on every refresh', async () => {
    const account = await registerVerified(t.app, t.smtp);
    const tokens = await loginFrom(account, CHROME_ANDROID);
    const signedIn = await currentOf(tokens);
    const started = Date.parse(signedIn.lastUsedAt);

    t.clock.advance(30_000);
    expect((await me(tokens)).statusCode).toBe(200);
    expect((await currentOf(tokens)).lastUsedAt).toBe(signedIn.lastUsedAt);

    t.clock.advance(31_000);
    const before = t.clock.now().getTime();
    expect((await me(tokens)).statusCode).toBe(200);
    const touched = Date.parse((await currentOf(tokens)).lastUsedAt);
    expect(touched).toBeGreaterThanOrEqual(before);
    expect(touched - started).toBeGreaterThanOrEqual(61_000);

    // Within the minute again: unchanged.
    t.clock.advance(20_000);
    expect(Date.parse((await currentOf(tokens)).lastUsedAt)).toBe(touched);

    // A refresh counts as a use even within the minute.
    t.clock.advance(5_000);
    const beforeRefresh = t.clock.now().getTime();
    const rotated = await refresh(tokens);
    expect(rotated.statusCode).toBe(200);
    const refreshed = Date.parse((await currentOf(rotated.json<Tokens>())).lastUsedAt);
    expect(refreshed).toBeGreaterThanOrEqual(beforeRefresh);
  });
});

describe('signing out one session', () => {
  it('ends that sign-in at once: its access and refresh tokens get 401, the others keep working', async () => {
    const account = await registerVerified(t.app, t.smtp);
    const laptop = await loginFrom(account, FIREFOX_WINDOWS);
    const phone = await loginFrom(account, CHROME_ANDROID);
    expect((await me(phone)).statusCode).toBe(200);
    const phoneId = (await currentOf(phone)).id;

    const response = await signOut(laptop, phoneId);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');

    const refused = await me(phone);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('UNAUTHORIZED');
    const refreshRefused = await refresh(phone);
    expect(refreshRefused.statusCode).toBe(401);
    expect((await me(laptop)).statusCode).toBe(200);
    expect((await items(laptop)).map((item) => item.id)).not.toContain(phoneId);
    // Gone is gone: a second time is a 404.
    expect((await signOut(laptop, phoneId)).statusCode).toBe(404);
  });

  it('answers 404 for an unknown id, a malformed id and another user’s session, which stays signed in', async () => {
    const ada = await registerVerified(t.app, t.smtp);
    const eve = await registerVerified(t.app, t.smtp);
    const adaTokens = await loginFrom(ada, FIREFOX_WINDOWS);
    const eveTokens = await loginFrom(eve, CHROME_ANDROID);
    const adaSession = (await currentOf(adaTokens)).id;

    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', `${adaSession}x`, '%27%20or%201%3D1', adaSession]) {
      const response = await signOut(eveTokens, id);
      expect(response.statusCode, id).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    }
    expect((await me(adaTokens)).statusCode).toBe(200);
    expect((await refresh(adaTokens)).statusCode).toBe(200);
  });

  it('accepts an id in upper case', async () => {
    const account = await registerVerified(t.app, t.smtp);
    const keep = await loginFrom(account, FIREFOX_WINDOWS);
    const other = await loginFrom(account, CHROME_ANDROID);
    const otherId = (await currentOf(other)).id;
    expect((await signOut(keep, otherId.toUpperCase())).statusCode).toBe(204);
    expect((await me(other)).statusCode).toBe(401);
  });

  it('may end the current session: that is signing out, and its own token stops working', async () => {
    const account = await registerVerified(t.app, t.smtp);
    const tokens = await loginFrom(account, FIREFOX_WINDOWS);
    const response = await signOut(tokens, (await currentOf(tokens)).id);
    expect(response.statusCode).toBe(204);
    expect((await me(tokens)).statusCode).toBe(401);
    expect((await refresh(tokens)).statusCode).toBe(401);
  });
});

describe('signing out everywhere else', () => {
  it('leaves only the current session', async () => {
    const account = await registerVerified(t.app, t.smtp);
    const others = [await loginFrom(account, CHROME_ANDROID), await loginFrom(account, SAFARI_IPHONE)];
    const current = await loginFrom(account, FIREFOX_WINDOWS);
    const stranger = await registerVerified(t.app, t.smtp);
    const strangerTokens = await loginFrom(stranger, CHROME_ANDROID);

    const response = await signOutOthers(current);
    expect(response.statusCode).toBe(204);

    expect((await items(current)).map((item) => [item.device, item.current])).toEqual([['Firefox on Windows', true]]);
    for (const tokens of others) {
      expect((await me(tokens)).statusCode).toBe(401);
      expect((await refresh(tokens)).statusCode).toBe(401);
    }
    expect((await me(current)).statusCode).toBe(200);
    // Nobody else's sessions are touched.
    expect((await me(strangerTokens)).statusCode).toBe(200);
  });
});

describe('the new sign-in email', () => {
  const newSignInsTo = (email: string) => (message: CapturedMail) =>
    message.to === email && message.subject === 'New sign-in to your Kith account';

  it('is sent for a device none of the earlier sessions had, once, and not for the first sign-in', async () => {
    const account = await registerVerified(t.app, t.smtp);
    const matches = newSignInsTo(account.email);

    // The first sign-in after registering: nothing to compare with, so no email.
    const first = await loginFrom(account, CHROME_ANDROID);
    // Even after that session ends, its device is known.
    await signOut(first, (await currentOf(first)).id);
    await loginFrom(account, CHROME_ANDROID);

    const laptop = await loginFrom(account, FIREFOX_WINDOWS);
    const [mail] = await t.smtp.waitForCount(matches, 1, 10_000);
    expect(mail!.text).toContain('Hi ' + account.name);
    expect(mail!.text).toContain('Firefox on Windows');
    expect(mail!.text).toMatch(/\d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d UTC/);
    expect(mail!.text).toMatch(/if this wasn't you, change your password/i);
    expect(mail!.text.split('\n')).toContain(`${TEST_APP_URL}/security`);
    expect(mail!.html).toContain('Firefox on Windows');
    // No secret of any kind.
    for (const secret of [account.password, laptop.accessToken, laptop.refreshToken, FIREFOX_WINDOWS]) {
      expect(mail!.text).not.toContain(secret);
      expect(mail!.html).not.toContain(secret);
    }

    // The same browser and system again, even in a newer version: no email. A third device: one more.
    await loginFrom(account, FIREFOX_WINDOWS_UPDATED);
    await loginFrom(account, FIREFOX_WINDOWS);
    await loginFrom(account, SAFARI_IPHONE);
    const mails = await t.smtp.waitForCount(matches, 2, 10_000);
    expect(mails[1]!.text).toContain('Safari on iOS');
    // Give a wrongly queued third one time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.smtp.messages.filter(matches).map((m) => m.text.includes('Firefox on Windows'))).toEqual([true, false]);
  });
});

describe('the app password email', () => {
  it('tells the owner a new app password was created, without its secret', async () => {
    const account = await registerVerified(t.app, t.smtp);
    const tokens = await loginFrom(account, FIREFOX_WINDOWS);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/users/me/app-passwords',
      headers: bearer(tokens.accessToken),
      payload: { name: 'Ada’s <iPhone>' },
    });
    expect(created.statusCode).toBe(201);
    const { password } = created.json<{ password: string }>();

    const mail = await t.smtp.waitFor(
      (message) => message.to === account.email && message.subject === 'App password created for your Kith account',
      10_000,
    );
    expect(mail.text).toContain('Ada’s <iPhone>');
    expect(mail.html).toContain('Ada’s &lt;iPhone&gt;');
    expect(mail.text).toMatch(/if this wasn't you, revoke it and change your password/i);
    expect(mail.text.split('\n')).toContain(`${TEST_APP_URL}/security`);
    for (const secret of [password, password.replaceAll('-', '')]) {
      expect(mail.text).not.toContain(secret);
      expect(mail.html).not.toContain(secret);
    }
  });
});
