import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Tokens, bearer, login, registerVerified } from '../../../test/helpers/accounts.js';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { noiseJpeg, multipartBody } from '../../../test/helpers/avatar-uploads.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function person(): Promise<{ id: string; email: string; password: string; tokens: Tokens }> {
  const account = await registerVerified(t.app, t.smtp);
  return { ...account, tokens: await login(t.app, account.email, account.password) };
}

const exportOf = (accessToken: string) => t.app.inject({ method: 'GET', url: '/api/users/me/export', headers: bearer(accessToken) });

describe('GET /api/users/me/export', () => {
  it('is a JSON attachment of the account, its settings, every contact and the trash, as the API presents them', async () => {
    const who = await person();
    const headers = { ...bearer(who.tokens.accessToken), 'content-type': 'application/json' };
    const add = async (body: object) => {
      const response = await t.app.inject({ method: 'POST', url: '/api/contacts', headers, payload: body });
      expect(response.statusCode).toBe(201);
      return response.json<{ id: string }>();
    };
    const ada = await add({ firstName: 'Ada', lastName: 'Lovelace', emails: [{ value: 'ada@example.net', label: 'home' }], birthday: '--12-10' });
    const bob = await add({ firstName: 'Bob', notes: 'gone soon' });
    const photo = multipartBody([{ data: await noiseJpeg(200, 200), filename: 'a.jpg', contentType: 'image/jpeg' }]);
    const pictured = await t.app.inject({
      method: 'PUT',
      url: `/api/contacts/${ada.id}/photo`,
      headers: { ...photo.headers, ...bearer(who.tokens.accessToken) },
      payload: photo.payload,
    });
    expect(pictured.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/contacts/${bob.id}`, headers: bearer(who.tokens.accessToken) })).statusCode).toBe(204);
    await t.app.inject({ method: 'PUT', url: '/api/users/me/reminders', headers, payload: { enabled: true, daysBefore: [1], hour: 8 } });
    const calendar = await t.app.inject({ method: 'POST', url: '/api/users/me/birthday-calendar', headers: bearer(who.tokens.accessToken) });
    const appPassword = await t.app.inject({ method: 'POST', url: '/api/users/me/app-passwords', headers, payload: { name: 'Phone' } });
    // Someone else's contact never shows up.
    const other = await person();
    await t.app.inject({ method: 'POST', url: '/api/contacts', headers: { ...bearer(other.tokens.accessToken), 'content-type': 'application/json' }, payload: { firstName: 'Stranger' } });

    const response = await exportOf(who.tokens.accessToken);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="kith-account-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(response.headers['cache-control']).toBe('no-store');

    const me = (await t.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(who.tokens.accessToken) })).json();
    const contact = (await t.app.inject({ method: 'GET', url: `/api/contacts/${ada.id}`, headers: bearer(who.tokens.accessToken) })).json();
    const trash = (await t.app.inject({ method: 'GET', url: '/api/contacts/trash', headers: bearer(who.tokens.accessToken) })).json();
    const data = response.json();
    expect(data).toEqual({
      format: 'kith-account-export',
      version: 1,
      exportedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      account: me,
      settings: { reminders: { enabled: true, daysBefore: [1], hour: 8 }, birthdayCalendar: { enabled: true }, addressBookName: null },
      contacts: [contact],
      trash: trash.items,
    });
    expect(data.trash).toHaveLength(1);
    expect(data.trash[0]).toMatchObject({ id: bob.id, notes: 'gone soon', deletedAt: expect.any(String), purgeAt: expect.any(String) });
    expect(data.contacts[0].photoUrl).toMatch(/^http:\/\/kith\.test\/api\/avatars\/files\//);

    // No secret of any kind: hash, tokens, app password, the calendar feed's address, internal keys.
    const result = await t.database.db.execute(sql`select password_hash, birthday_calendar_token from users where id = ${who.id}`);
    const [row] = (result as { rows: Array<{ password_hash: string; birthday_calendar_token: string }> }).rows;
    const secrets = [
      row!.password_hash,
      row!.birthday_calendar_token,
      calendar.json<{ url: string }>().url,
      appPassword.json<{ password: string }>().password,
      who.tokens.accessToken,
      who.tokens.refreshToken,
      who.password,
    ];
    for (const secret of secrets) expect(response.body).not.toContain(secret);
    expect(response.body).not.toMatch(/argon2|passwordHash|password_hash|photoKey|cardUid|userId|"token"/i);
    expect(response.body).not.toContain('Stranger');
  });

  it('is an empty account for a new user, and 401 without a token', async () => {
    const who = await person();
    const response = await exportOf(who.tokens.accessToken);
    expect(response.json()).toMatchObject({
      settings: { reminders: { enabled: false, daysBefore: [0], hour: 9 }, birthdayCalendar: { enabled: false } },
      contacts: [],
      trash: [],
    });
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/users/me/export' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe('UNAUTHORIZED');
  });

  it('is described in the OpenAPI document, with the other account routes', async () => {
    const doc = (await t.app.inject('/openapi.json')).json();
    for (const [route, method, statuses] of [
      ['/api/users/me/email', 'post', ['202', '400', '401', '403', '409']],
      ['/api/auth/confirm-email', 'post', ['200', '400', '409']],
      ['/api/users/me/export', 'get', ['200', '401']],
      ['/api/users/me', 'delete', ['204', '400', '401', '403']],
    ] as const) {
      const operation = doc.paths[route]?.[method];
      expect(operation, `${method} ${route}`).toBeDefined();
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining([...statuses]));
      if (route !== '/api/auth/confirm-email') expect(operation.security).toEqual([{ bearerAuth: [] }]);
    }
    expect(doc.components.schemas.AccountExport.properties).toHaveProperty('trash');
  });
});
