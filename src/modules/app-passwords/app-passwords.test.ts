import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appPasswords, users } from '../../db/schema.js';
import { TEST_APP_URL, type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { bearer, login, registerVerified, tokenFromMail } from '../../../test/helpers/accounts.js';
import { SECRET_ALPHABET, SECRET_BITS } from './app-password-secret.js';
import { AppPasswordsService } from './app-passwords.service.js';

let t: TestApp;
// The service the CardDAV layer calls, on the same database and clock as the app.
let service: AppPasswordsService;
beforeAll(async () => {
  t = await createTestApp();
  service = new AppPasswordsService({
    db: t.database.db,
    clock: t.clock,
    config: t.config,
    mailQueue: { kick: () => undefined },
    logger: t.app.log,
  });
});
afterAll(async () => {
  await service?.drain();
  await t?.close();
});

type Account = Awaited<ReturnType<typeof registerVerified>> & { accessToken: string };

async function signedInAccount(): Promise<Account> {
  const account = await registerVerified(t.app, t.smtp);
  const { accessToken } = await login(t.app, account.email, account.password);
  return { ...account, accessToken };
}

const list = (who: Account) =>
  t.app.inject({ method: 'GET', url: '/api/users/me/app-passwords', headers: bearer(who.accessToken) });
const create = (who: Account, payload: unknown) =>
  t.app.inject({
    method: 'POST',
    url: '/api/users/me/app-passwords',
    headers: bearer(who.accessToken),
    payload: payload as object,
  });
const revoke = (who: Account, id: string) =>
  t.app.inject({ method: 'DELETE', url: `/api/users/me/app-passwords/${id}`, headers: bearer(who.accessToken) });

async function created(who: Account, name = 'Phone') {
  const response = await create(who, { name });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string; name: string; password: string; username: string; server: string }>();
}

const SECRET_SHAPE = new RegExp(`^[${SECRET_ALPHABET}]{7}(-[${SECRET_ALPHABET}]{7}){3}$`);

describe('app passwords over HTTP', () => {
  it('creates, lists newest first and revokes', async () => {
    const me = await signedInAccount();
    expect((await list(me)).json()).toEqual({ items: [] });

    const first = await create(me, { name: '  Ada’s iPhone  ' });
    expect(first.statusCode).toBe(201);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.json()).toEqual({
      id: expect.any(String),
      name: 'Ada’s iPhone',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      lastUsedAt: null,
      password: expect.stringMatching(SECRET_SHAPE),
      username: me.email,
      server: `${TEST_APP_URL}/dav/`,
    });
    t.clock.advance(1000);
    const second = await created(me, 'Thunderbird');

    const listed = await list(me);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items.map((p: { name: string }) => p.name)).toEqual(['Thunderbird', 'Ada’s iPhone']);
    expect(Object.keys(listed.json().items[0]).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name']);

    const revoked = await revoke(me, second.id);
    expect(revoked.statusCode).toBe(204);
    expect(revoked.body).toBe('');
    expect((await list(me)).json().items.map((p: { id: string }) => p.id)).toEqual([first.json().id]);
    expect((await revoke(me, second.id)).statusCode).toBe(404);
  });

  it('rejects a missing, blank, too long or extra-field name, and no token', async () => {
    const me = await signedInAccount();
    for (const payload of [{}, { name: '   ' }, { name: 'x'.repeat(101) }, { name: 42 }, { name: 'ok', userId: me.id }]) {
      const response = await create(me, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
    }
    expect((await create(me, { name: 'x'.repeat(100) })).statusCode).toBe(201);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/users/me/app-passwords' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe('UNAUTHORIZED');
  });

  it('shows the secret once, and keeps only its SHA-256', async () => {
    const me = await signedInAccount();
    const { id, password } = await created(me);
    expect((await list(me)).body).not.toContain(password);

    const rows = await t.database.db.select().from(appPasswords).where(eq(appPasswords.userId, me.id));
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(password);
    for (const group of password.split('-')) expect(stored).not.toContain(group);
    const compact = password.replaceAll('-', '');
    expect(rows[0]).toMatchObject({ id, secretHash: createHash('sha256').update(compact).digest('hex') });
  });

  it('draws at least 128 random bits from a typeable alphabet', async () => {
    expect(SECRET_ALPHABET).toMatch(/^[a-z2-9]+$/);
    expect(SECRET_ALPHABET).not.toMatch(/[01ilo]/);
    expect(new Set(SECRET_ALPHABET).size).toBe(SECRET_ALPHABET.length);
    expect(SECRET_BITS).toBeGreaterThanOrEqual(128);

    const me = await signedInAccount();
    const secrets = await Promise.all(Array.from({ length: 20 }, async (_, i) => (await created(me, `p${i}`)).password));
    for (const secret of secrets) {
      expect(secret).toMatch(SECRET_SHAPE);
      // What the shape allows is what the randomness must fill: 28 characters of the alphabet.
      expect(secret.replaceAll('-', '').length * Math.log2(SECRET_ALPHABET.length)).toBeGreaterThanOrEqual(128);
    }
    expect(new Set(secrets).size).toBe(secrets.length);
    // 560 characters drawn uniformly from 31 use nearly all of them.
    expect(new Set(secrets.join('').replaceAll('-', '')).size).toBeGreaterThanOrEqual(28);
  });

  it('stops at 25 per user, exactly, under 30 parallel creates', async () => {
    const me = await signedInAccount();
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => create(me, { name: `device ${i}` })));
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(25);
    expect(statuses.filter((s) => s === 409)).toHaveLength(5);
    const refused = responses.find((r) => r.statusCode === 409)!;
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ status: 409, code: 'APP_PASSWORD_LIMIT' });
    expect((await list(me)).json().items).toHaveLength(25);

    // Revoking one makes room for one.
    const [newest] = (await list(me)).json().items;
    expect((await revoke(me, newest.id)).statusCode).toBe(204);
    expect((await create(me, { name: 'again' })).statusCode).toBe(201);
    expect((await create(me, { name: 'one too many' })).statusCode).toBe(409);
  });

  it("neither lists nor revokes another user's app password (404), nor a malformed id", async () => {
    const mine = await signedInAccount();
    const other = await signedInAccount();
    const { id } = await created(mine);
    expect((await list(other)).json()).toEqual({ items: [] });
    for (const target of [id, id.toUpperCase()]) {
      const response = await revoke(other, target);
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('NOT_FOUND');
    }
    for (const bad of ['not-a-uuid', '00000000-0000-0000-0000-000000000000', `${id}x`, "1' or '1'='1"]) {
      expect((await revoke(mine, encodeURIComponent(bad))).statusCode, bad).toBe(404);
    }
    expect((await list(mine)).json().items.map((p: { id: string }) => p.id)).toEqual([id]);
    // An upper-case id is the same id.
    expect((await revoke(mine, id.toUpperCase())).statusCode).toBe(204);
  });

  it('is described in the OpenAPI document', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const paths = document.paths;
    expect(Object.keys(paths['/api/users/me/app-passwords']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(paths['/api/users/me/app-passwords/{id}'])).toEqual(['delete']);
    expect(Object.keys(paths['/api/users/me/app-passwords'].post.responses).sort()).toEqual(['201', '400', '401', '409']);
  });
});

describe('verify (CardDAV sign-in)', () => {
  it('accepts the email in any case with the secret, as typed on a phone too', async () => {
    const me = await signedInAccount();
    const { id, password } = await created(me);
    const expected = { userId: me.id, appPasswordId: id };
    expect(await service.verify(me.email, password)).toEqual(expected);
    expect(await service.verify(me.email.toUpperCase(), password)).toEqual(expected);
    expect(await service.verify(` ${me.email} `, password.toUpperCase().replaceAll('-', ' '))).toEqual(expected);
    expect(await service.verify(me.email, password.replaceAll('-', ''))).toEqual(expected);
  });

  it('refuses a wrong secret, the account password, a revoked one, and my secret with another email', async () => {
    const me = await signedInAccount();
    const other = await signedInAccount();
    const kept = await created(me, 'kept');
    const gone = await created(me, 'gone');
    const almost = kept.password.slice(0, -1) + (kept.password.endsWith('a') ? 'b' : 'a');
    expect(await service.verify(me.email, almost)).toBeUndefined();
    expect(await service.verify(me.email, '')).toBeUndefined();
    expect(await service.verify(me.email, me.password)).toBeUndefined();
    expect(await service.verify(other.email, kept.password)).toBeUndefined();
    expect(await service.verify('nobody@example.com', kept.password)).toBeUndefined();

    expect(await service.verify(me.email, gone.password)).toMatchObject({ appPasswordId: gone.id });
    expect((await revoke(me, gone.id)).statusCode).toBe(204);
    expect(await service.verify(me.email, gone.password)).toBeUndefined();
    expect(await service.verify(me.email, kept.password)).toMatchObject({ appPasswordId: kept.id });
  });

  it('refuses an account whose email is not confirmed', async () => {
    const me = await signedInAccount();
    const { password } = await created(me);
    // An account can't make one before confirming; this stands for an address not (or no longer) confirmed.
    await t.database.db.update(users).set({ emailVerified: false }).where(eq(users.id, me.id));
    expect(await service.verify(me.email, password)).toBeUndefined();
  });

  it('stops accepting every app password once the account password is changed', async () => {
    const me = await signedInAccount();
    const secrets = [(await created(me, 'a')).password, (await created(me, 'b')).password];
    for (const secret of secrets) expect(await service.verify(me.email, secret)).toBeDefined();
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/users/me/password',
      headers: bearer(me.accessToken),
      payload: { currentPassword: me.password, newPassword: 'an entirely new passphrase' },
    });
    expect(changed.statusCode).toBe(204);
    for (const secret of secrets) expect(await service.verify(me.email, secret)).toBeUndefined();
    expect((await list(me)).json()).toEqual({ items: [] });
  });

  it('stops accepting every app password once the account password is reset', async () => {
    const me = await signedInAccount();
    const secrets = [(await created(me, 'a')).password, (await created(me, 'b')).password];
    const forgot = await t.app.inject({ method: 'POST', url: '/api/auth/forgot-password', payload: { email: me.email } });
    expect(forgot.statusCode).toBe(202);
    const token = await tokenFromMail(t.smtp, me.email, '/reset-password');
    const reset = await t.app.inject({
      method: 'POST',
      url: '/api/auth/reset-password',
      payload: { token, password: 'a reset passphrase for sure' },
    });
    expect(reset.statusCode).toBe(204);
    for (const secret of secrets) expect(await service.verify(me.email, secret)).toBeUndefined();
    const fresh = await login(t.app, me.email, 'a reset passphrase for sure');
    expect((await list({ ...me, accessToken: fresh.accessToken })).json()).toEqual({ items: [] });
  });

  it('records the last use, at most once a minute', async () => {
    const me = await signedInAccount();
    const { id, password } = await created(me);
    const lastUsed = async () =>
      (await list(me)).json().items.find((p: { id: string }) => p.id === id).lastUsedAt as string | null;
    expect(await lastUsed()).toBeNull();

    const firstUse = t.clock.now();
    await service.verify(me.email, password);
    await service.drain();
    const recorded = new Date((await lastUsed())!).getTime();
    expect(recorded).toBeGreaterThanOrEqual(firstUse.getTime());
    expect(recorded).toBeLessThanOrEqual(t.clock.now().getTime());

    t.clock.advance(50_000);
    await service.verify(me.email, password);
    await service.drain();
    expect(new Date((await lastUsed())!).getTime()).toBe(recorded);

    t.clock.advance(15_000);
    const laterUse = t.clock.now();
    await service.verify(me.email, password);
    await service.drain();
    expect(new Date((await lastUsed())!).getTime()).toBeGreaterThanOrEqual(laterUse.getTime());
  });
});
