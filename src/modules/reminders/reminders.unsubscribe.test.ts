import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../test/helpers/accounts.js';
import { nonCanonical } from '../../../test/helpers/base64url.js';
import { TEST_APP_URL, type TestApp } from '../../../test/helpers/app.js';
import {
  FixedClock,
  ManualTicker,
  outboxSettled,
  type ReminderUser,
  reminderApp,
  reminderUser,
  remindersTo,
} from '../../../test/helpers/reminders.js';
import type { CapturedMail } from '../../../test/helpers/smtp.js';

describe('turning reminders off from the email, without signing in', () => {
  const clock = new FixedClock('2027-04-04T12:00:00Z');
  const ticker = new ManualTicker();
  let t: TestApp;
  beforeAll(async () => {
    t = await reminderApp(clock, ticker);
  });
  afterAll(() => t.close());

  const runAt = async (iso: string) => {
    clock.set(iso);
    await ticker.tick();
    await outboxSettled(t.database);
  };
  const settingsOf = async (user: ReminderUser) => (await user.get()).json<{ enabled: boolean }>();
  /** The path and query of a link, for app.inject. */
  const local = (link: string) => {
    expect(link.startsWith(`${TEST_APP_URL}/`), link).toBe(true);
    const url = new URL(link);
    return `${url.pathname}${url.search}`;
  };
  const headerLink = (mail: CapturedMail) => /^<([^>]+)>$/.exec(mail.headers['list-unsubscribe'] ?? '')?.[1] ?? '';

  let me: ReminderUser;
  let mail: CapturedMail;

  it('every reminder has a link to the unsubscribe page and the RFC 8058 one-click headers', async () => {
    me = await reminderUser(t, 'UTC');
    await me.addContact('Ada', '1815-04-05', 'Lovelace');
    await me.enable({ daysBefore: [0], hour: 9 });
    await runAt('2027-04-05T09:00:00Z');
    [mail] = remindersTo(t.smtp, me.email) as [CapturedMail];
    expect(mail.subject).toBe('Today: Ada Lovelace’s birthday · Kith');

    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(headerLink(mail)).toMatch(new RegExp(`^${TEST_APP_URL}/api/reminders/unsubscribe\\?token=[\\w.-]+$`));
    const page = t.smtp.linkFrom(mail, '/reminders/unsubscribe');
    expect(page).toMatch(new RegExp(`^${TEST_APP_URL}/reminders/unsubscribe\\?token=[\\w.-]+$`));
    expect(new URL(page!).searchParams.get('token')).toBe(new URL(headerLink(mail)).searchParams.get('token'));
    expect(mail.html).toContain(`href="${page}"`);
    expect(t.smtp.linkFrom(mail, '/profile')).toBe(`${TEST_APP_URL}/profile`);
  });

  it('a one-click POST to the List-Unsubscribe address turns reminders off; no more come', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: local(headerLink(mail)),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(response.statusCode, response.body).toBe(204);
    expect(await settingsOf(me)).toMatchObject({ enabled: false });

    await me.addContact('Grace', '1906-04-06', 'Hopper');
    await runAt('2027-04-06T09:00:00Z');
    expect(remindersTo(t.smtp, me.email)).toHaveLength(1);

    // Again: still 204, still off.
    const again = await t.app.inject({ method: 'POST', url: local(headerLink(mail)) });
    expect(again.statusCode).toBe(204);
  });

  it('so does the page’s button (a POST of the link’s token), also as multipart, also after re-enabling and a password change', async () => {
    await me.enable({ daysBefore: [0], hour: 9 });
    const password = await t.app.inject({
      method: 'POST',
      url: '/api/users/me/password',
      headers: bearer(me.token),
      payload: { currentPassword: me.password, newPassword: 'a brand new passphrase 42' },
    });
    expect(password.statusCode, password.body).toBe(204);
    const token = new URL(t.smtp.linkFrom(mail, '/reminders/unsubscribe')!).searchParams.get('token')!;

    const fromPage = await t.app.inject({ method: 'POST', url: '/api/reminders/unsubscribe', query: { token }, payload: {} });
    expect(fromPage.statusCode, fromPage.body).toBe(204);
    expect(await settingsOf(me)).toMatchObject({ enabled: false });

    await me.enable({ daysBefore: [0], hour: 9 });
    const boundary = 'kith-test-boundary';
    const multipart = await t.app.inject({
      method: 'POST',
      url: local(headerLink(mail)),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    });
    expect(multipart.statusCode, multipart.body).toBe(204);
    expect(await settingsOf(me)).toMatchObject({ enabled: false, daysBefore: [0], hour: 9 });
  });

  it('turns off only the owner’s reminders, and refuses tokens it did not issue', async () => {
    const other = await reminderUser(t, 'UTC');
    await other.enable({ daysBefore: [1], hour: 7 });
    const token = new URL(headerLink(mail)).searchParams.get('token')!;
    const [userId, mac] = token.split('.') as [string, string];
    expect(userId).toBe(me.id);
    expect(Buffer.from(nonCanonical(mac), 'base64url')).toEqual(Buffer.from(mac, 'base64url'));

    const forged = [
      '',
      'nonsense',
      `${other.id}.${mac}`, // my MAC on another user's id
      `${userId}.${mac.slice(0, -2)}`,
      `${userId}.${mac}x`,
      `${userId}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`, // one character of the MAC changed
      `${userId}.${nonCanonical(mac)}`, // the same 32 bytes, spelt another way
      userId,
      me.token, // an access token is no unsubscribe token
    ];
    for (const bad of forged) {
      const response = await t.app.inject({ method: 'POST', url: '/api/reminders/unsubscribe', query: { token: bad } });
      expect(response.statusCode, bad).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().code).toBe('INVALID_TOKEN');
    }
    const missing = await t.app.inject({ method: 'POST', url: '/api/reminders/unsubscribe' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().code).toBe('VALIDATION_FAILED');
    expect(await settingsOf(other)).toMatchObject({ enabled: true, daysBefore: [1], hour: 7 });
  });
});
