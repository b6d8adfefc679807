import { readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Tokens, bearer, login, newAccount, registerVerified, tokenFromMail } from '../../../test/helpers/accounts.js';
import { findTraces, listTables } from '../../../test/helpers/account-traces.js';
import { type TestApp, createSecondInstance, createTestApp } from '../../../test/helpers/app.js';
import { discPng, multipartBody, noiseJpeg, putAvatar } from '../../../test/helpers/avatar-uploads.js';
import { type CloudinaryStandIn, startCloudinaryStandIn } from '../../../test/helpers/cloudinary-standin.js';
import { usingPostgres } from '../../../test/helpers/db.js';
import { basicAuth, simpleCard } from '../../../test/helpers/dav.js';
import { importFile } from '../../../test/helpers/imports.js';
import { FixedClock, totpAt, turnOnTwoFactor } from '../../../test/helpers/two-factor.js';

interface Person {
  id: string;
  email: string;
  password: string;
  tokens: Tokens;
  /** An app password, for CardDAV. */
  secret: string;
}

async function person(t: TestApp): Promise<Person> {
  const account = await registerVerified(t.app, t.smtp);
  const tokens = await login(t.app, account.email, account.password);
  const created = await t.app.inject({ method: 'POST', url: '/api/users/me/app-passwords', headers: bearer(tokens.accessToken), payload: { name: 'Phone' } });
  expect(created.statusCode).toBe(201);
  return { ...account, tokens, secret: created.json<{ password: string }>().password };
}

const deleteMe = (t: TestApp, who: Person, body: unknown, app = t.app) =>
  app.inject({
    method: 'DELETE',
    url: '/api/users/me',
    headers: { ...bearer(who.tokens.accessToken), 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });

const json = (who: Person) => ({ ...bearer(who.tokens.accessToken), 'content-type': 'application/json' });

async function addContact(t: TestApp, who: Person, body: Record<string, unknown>): Promise<string> {
  const response = await t.app.inject({ method: 'POST', url: '/api/contacts', headers: json(who), payload: body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}

async function putPhoto(t: TestApp, who: Person, id: string, app = t.app) {
  const form = multipartBody([{ data: await noiseJpeg(320, 240), filename: 'photo.jpg', contentType: 'image/jpeg' }]);
  return app.inject({ method: 'PUT', url: `/api/contacts/${id}/photo`, headers: { ...form.headers, ...bearer(who.tokens.accessToken) }, payload: form.payload });
}

const davPut = (t: TestApp, who: Person, name: string, card: string, app = t.app) =>
  app.inject({
    method: 'PUT',
    url: `/dav/addressbooks/${who.id}/contacts/${name}`,
    headers: { authorization: basicAuth(who.email, who.secret), 'content-type': 'text/vcard; charset=utf-8' },
    payload: card,
  });

const groupCard = (uid: string) =>
  ['BEGIN:VCARD', 'VERSION:3.0', `UID:${uid}`, 'FN:Family', 'N:Family;;;;', 'X-ADDRESSBOOKSERVER-KIND:group', 'END:VCARD', ''].join('\r\n');

/**
 * Gives the account something in every table it can have rows in: contacts with photos (one in the
 * trash), a group card and a card over CardDAV (the change log), an avatar, two sign-ins, reminder
 * settings, the calendar feed, a pending reset link. Rows of two-step sign-in (recovery codes, a
 * challenge) and a reminder delivery are written directly: those features' own routes are not
 * what this test is about.
 */
async function furnish(t: TestApp, who: Person) {
  const a = await addContact(t, who, { firstName: 'Ada', emails: [{ value: 'ada@example.net' }], birthday: '1990-03-04' });
  const b = await addContact(t, who, { firstName: 'Bob' });
  expect((await putPhoto(t, who, a)).statusCode).toBe(200);
  expect((await putPhoto(t, who, b)).statusCode).toBe(200);
  expect((await t.app.inject({ method: 'DELETE', url: `/api/contacts/${b}`, headers: bearer(who.tokens.accessToken) })).statusCode).toBe(204);
  expect((await davPut(t, who, 'family.vcf', groupCard(`group-${who.id}`))).statusCode).toBe(201);
  expect((await davPut(t, who, 'carol.vcf', simpleCard(`carol-${who.id}`, 'Carol'))).statusCode).toBe(201);
  expect((await putAvatar(t.app, who.tokens.accessToken, [{ data: await discPng() }])).statusCode).toBe(200);
  await login(t.app, who.email, who.password);
  const reminders = await t.app.inject({
    method: 'PUT',
    url: '/api/users/me/reminders',
    headers: json(who),
    payload: { enabled: true, daysBefore: [0, 7], hour: 9 },
  });
  expect(reminders.statusCode, reminders.body).toBe(200);
  expect((await t.app.inject({ method: 'POST', url: '/api/users/me/birthday-calendar', headers: bearer(who.tokens.accessToken) })).statusCode).toBe(201);
  expect((await t.app.inject({ method: 'POST', url: '/api/auth/forgot-password', payload: { email: who.email } })).statusCode).toBe(202);
  await tokenFromMail(t.smtp, who.email, '/reset-password');
  const now = new Date().toISOString();
  await t.database.db.execute(sql`insert into recovery_codes (user_id, code_hash) values (${who.id}, ${`hash-${who.id}`})`);
  await t.database.db.execute(
    sql`insert into two_factor_challenges (token_hash, user_id, expires_at) values (${`challenge-${who.id}`}, ${who.id}, ${now})`,
  );
  await t.database.db.execute(
    sql`insert into reminder_deliveries (user_id, send_date, days_before, birthday_date) values (${who.id}, '2026-03-04', 0, '2026-03-04')`,
  );
  // And a message to the address still waiting in the outbox (the SMTP server is not asked).
  await t.database.db.execute(
    sql`insert into outbox_messages (template, recipient, props, next_attempt_at) values ('verify-email', ${who.email}, ${JSON.stringify({ name: 'x', link: 'http://kith.test/verify-email?token=t' })}::jsonb, ${'2999-01-01T00:00:00Z'})`,
  );
}

/** Every row mentioning the account, but the goodbye message queued for its address. */
async function tracesOf(t: TestApp, who: Person) {
  const traces = await findTraces(t.database, [who.id, who.email]);
  return traces.filter((trace) => !(trace.table === '"public"."outbox_messages"' && trace.row.includes('account-deleted')));
}

describe('DELETE /api/users/me (local picture store)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  const storedFiles = () => readdirSync(path.join(t.config.dataDir, 'avatars')).sort();

  it('refuses a wrong password (403), a missing one (400), and anyone signed out (401); nothing is deleted', async () => {
    const who = await person(t);
    const wrong = await deleteMe(t, who, { password: 'not the password' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    for (const body of [{}, { password: '' }, { password: 5 }, { password: who.password, extra: true }, { password: who.password, code: 7 }]) {
      const response = await deleteMe(t, who, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
    }
    const noBody = await t.app.inject({ method: 'DELETE', url: '/api/users/me', headers: bearer(who.tokens.accessToken) });
    expect(noBody.statusCode).toBe(400);
    const anonymous = await t.app.inject({ method: 'DELETE', url: '/api/users/me', payload: { password: who.password } });
    expect(anonymous.statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(who.tokens.accessToken) })).statusCode).toBe(200);
  });

  it('deletes the account and every row and picture of it; the address gets a goodbye and can sign up again', async () => {
    const who = await person(t);
    const bystander = await person(t);
    await furnish(t, who);
    await furnish(t, bystander);
    const bystanderTraces = await findTraces(t.database, [bystander.id]);
    const filesBefore = storedFiles();
    const ownFiles = await picturesOf(t, who);
    expect(ownFiles).toHaveLength(3); // the avatar, the live contact's photo and the trashed one's
    expect(filesBefore).toEqual(expect.arrayContaining([...ownFiles, ...(await picturesOf(t, bystander))]));
    expect(await tracesOf(t, who)).not.toEqual([]);

    const response = await deleteMe(t, who, { password: who.password });
    expect(response.statusCode, response.body).toBe(204);
    expect(response.body).toBe('');

    // Not one row anywhere mentions the account, in any table the catalog lists.
    expect(await listTables(t.database)).toEqual(
      expect.arrayContaining(['"public"."users"', '"public"."contacts"', '"public"."recovery_codes"', '"public"."outbox_messages"']),
    );
    expect(await tracesOf(t, who)).toEqual([]);
    // Only the account's three pictures left the store; the bystander's rows and files are all there.
    const filesAfter = storedFiles();
    expect(filesBefore.filter((name) => !filesAfter.includes(name))).toHaveLength(3);
    expect(filesAfter).toEqual(expect.arrayContaining(await picturesOf(t, bystander)));
    expect(filesAfter).not.toEqual(expect.arrayContaining(ownFiles));
    expect(await findTraces(t.database, [bystander.id])).toEqual(bystanderTraces);

    // Every way in is closed: the access token, the refresh token, the app password.
    expect((await t.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(who.tokens.accessToken) })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: who.tokens.refreshToken } })).statusCode).toBe(401);
    const dav = await t.app.inject({
      method: 'PROPFIND',
      url: `/dav/addressbooks/${who.id}/contacts/`,
      headers: { authorization: basicAuth(who.email, who.secret), depth: '0' },
    });
    expect(dav.statusCode).toBe(401);
    const signIn = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: who.email, password: who.password } });
    expect(signIn.statusCode).toBe(401);

    const goodbye = await t.smtp.waitFor((m) => m.to === who.email && m.subject === 'Your Kith account was deleted', 10_000);
    expect(goodbye.text).toMatch(/deleted/);
    expect(goodbye.html).toMatch(/^<!DOCTYPE html/);
    expect(goodbye.text).not.toMatch(/https?:\/\//);

    // The address is free again: a new, empty account.
    const again = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: newAccount({ email: who.email }) });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().id).not.toBe(who.id);
  });

  it('answers 401 to a second delete with the same token (the session went with the account)', async () => {
    const who = await person(t);
    const [first, secondTry] = await Promise.all([deleteMe(t, who, { password: who.password }), deleteMe(t, who, { password: who.password })]);
    expect([first.statusCode, secondTry.statusCode].sort()).toEqual([204, 401]);
    expect(await tracesOf(t, who)).toEqual([]);
  });
});

describe('DELETE /api/users/me with two-step sign-in on', () => {
  const start = new Date('2026-11-25T18:40:00.000Z');
  let clock: FixedClock;
  let t: TestApp;
  beforeAll(async () => {
    clock = new FixedClock(start);
    t = await createTestApp({ deps: { clock } });
  });
  afterAll(() => t.close());

  async function withTwoFactor() {
    const who = await person(t);
    const codes = await turnOnTwoFactor(t.app, who.tokens.accessToken, who.password, clock.now());
    clock.advance(60_000); // a later step than the one that turned it on
    return { who, ...codes };
  }
  const stillThere = async (who: Person) =>
    (await t.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(who.tokens.accessToken) })).statusCode === 200;

  it('asks for a code (400 without one, 403 for a wrong one or the right one with a wrong password) and deletes nothing', async () => {
    const { who, secret } = await withTwoFactor();
    const missing = await deleteMe(t, who, { password: who.password });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'code' }] });
    const wrong = await deleteMe(t, who, { password: who.password, code: totpAt(secret, new Date(clock.now().getTime() - 10 * 60_000)) });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', errors: [{ path: 'code' }] });
    const badPassword = await deleteMe(t, who, { password: 'not the password', code: totpAt(secret, clock.now()) });
    expect(badPassword.statusCode).toBe(403);
    expect(badPassword.json().errors).toBeUndefined();
    expect(await stillThere(who)).toBe(true);
  });

  it('deletes with a current code from the app, and with a recovery code', async () => {
    const first = await withTwoFactor();
    expect((await deleteMe(t, first.who, { password: first.who.password, code: totpAt(first.secret, clock.now()) })).statusCode).toBe(204);
    expect(await tracesOf(t, first.who)).toEqual([]);

    const second = await withTwoFactor();
    const response = await deleteMe(t, second.who, { password: second.who.password, code: second.recoveryCodes[3] });
    expect(response.statusCode, response.body).toBe(204);
    expect(await tracesOf(t, second.who)).toEqual([]);
  });
});

describe(`a delete racing contact writes (${usingPostgres ? 'PostgreSQL' : 'PGlite'}, two instances)`, () => {
  let t: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    // The same picture directory, as two servers sharing a volume.
    second = await createSecondInstance(t, { env: { DATA_DIR: t.config.dataDir } });
  });
  afterAll(async () => {
    await second.close();
    await t.close();
  });

  it('leaves no row and no picture behind, and never answers 5xx', async () => {
    for (let round = 0; round < 8; round += 1) {
      const who = await person(t);
      const existing = await addContact(t, who, { firstName: 'Existing' });
      const photoCard = simpleCard(`photo-${round}`, 'Pictured', [`PHOTO;ENCODING=b;TYPE=JPEG:${(await noiseJpeg(64, 64)).toString('base64')}`]);
      const avatar = await discPng();
      const importCards = [simpleCard(`imp-a-${round}`, 'Imported'), simpleCard(`imp-b-${round}`, 'Also')].join('');
      // The delete spends a moment on the password before it locks the account; the writes start a
      // little later each round, so they land before, amid and after its transaction.
      const later = <T>(write: () => Promise<T>) => delay((round % 4) * 8).then(write);
      const results = await Promise.all([
        later(() => t.app.inject({ method: 'POST', url: '/api/contacts', headers: json(who), payload: { firstName: `Racer ${round}` } })),
        later(() => second.app.inject({ method: 'POST', url: '/api/contacts', headers: json(who), payload: { firstName: `Second ${round}` } })),
        later(() => importFile(second.app, who.tokens.accessToken, importCards)),
        later(() => davPut(t, who, `photo-${round}.vcf`, photoCard, second.app)),
        later(() => putPhoto(t, who, existing, second.app)),
        later(async () => putAvatar(t.app, who.tokens.accessToken, [{ data: avatar }])),
        deleteMe(t, who, { password: who.password }, round % 2 ? second.app : t.app),
      ]);
      for (const response of results) expect(response.statusCode, response.body).toBeLessThan(500);
      expect(results.at(-1)!.statusCode).toBe(204);
      // Writes that lost the race may still be finishing their cleanup: wait for the store to settle.
      await expect.poll(() => tracesOf(t, who), { timeout: 5000 }).toEqual([]);
    }
    // No picture in the shared directory belongs to nobody.
    await expect.poll(async () => orphanFiles(t), { timeout: 5000 }).toEqual([]);
  });
});

describe('DELETE /api/users/me with Cloudinary', () => {
  let standIn: CloudinaryStandIn;
  let t: TestApp;
  beforeAll(async () => {
    standIn = await startCloudinaryStandIn();
    t = await createTestApp({ env: { CLOUDINARY_URL: standIn.url } });
  });
  afterAll(async () => {
    await t?.close();
    await standIn?.close();
  });

  it('destroys the avatar and every contact photo, the trash included, and leaves others’ assets alone', async () => {
    const who = await person(t);
    const bystander = await person(t);
    await furnish(t, who);
    await furnish(t, bystander);
    const theirs = await cloudinaryIdsOf(t, bystander);
    const mine = await cloudinaryIdsOf(t, who);
    expect(mine).toHaveLength(3);
    for (const id of [...mine, ...theirs]) expect(standIn.assets.has(id), id).toBe(true);

    expect((await deleteMe(t, who, { password: who.password })).statusCode).toBe(204);
    for (const id of mine) expect(standIn.assets.has(id), id).toBe(false);
    for (const id of theirs) expect(standIn.assets.has(id), id).toBe(true);
    expect(await tracesOf(t, who)).toEqual([]);
  });

  it('still deletes the account when Cloudinary fails; the failure is only logged', async () => {
    const who = await person(t);
    await furnish(t, who);
    const mine = await cloudinaryIdsOf(t, who);
    standIn.mode = 'fail';
    try {
      const response = await deleteMe(t, who, { password: who.password });
      expect(response.statusCode, response.body).toBe(204);
    } finally {
      standIn.mode = 'ok';
    }
    expect(await tracesOf(t, who)).toEqual([]);
    // What could not be destroyed is still there (and was logged); the account is gone regardless.
    for (const id of mine) expect(standIn.assets.has(id)).toBe(true);
  });
});

/** File names (local store) of the account's avatar and contact photos, trash included, from the database. */
async function picturesOf(t: TestApp, who: Person): Promise<string[]> {
  return (await storeKeysOf(t, who)).filter((key) => /\.(jpg|png)$/.test(key));
}

/** Every key the account's rows point at in the picture store (public ids on Cloudinary). */
async function storeKeysOf(t: TestApp, who: Person): Promise<string[]> {
  const result = await t.database.db.execute(
    sql`select avatar_key as key from users where id = ${who.id} and avatar_key is not null
        union all select photo_key from contacts where user_id = ${who.id} and photo_key is not null`,
  );
  return (result as { rows: Array<{ key: string }> }).rows.map((row) => row.key).sort();
}

const cloudinaryIdsOf = storeKeysOf;

/** Files in the local store that no row points at. */
async function orphanFiles(t: TestApp): Promise<string[]> {
  const result = await t.database.db.execute(
    sql`select avatar_key as key from users where avatar_key is not null union all select photo_key from contacts where photo_key is not null`,
  );
  const referenced = new Set((result as { rows: Array<{ key: string }> }).rows.map((row) => row.key));
  return readdirSync(path.join(t.config.dataDir, 'avatars')).filter((name) => !name.startsWith('.') && !referenced.has(name));
}
