import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createSecondInstance, createTestApp } from '../../../test/helpers/app.js';
import { bearer } from '../../../test/helpers/accounts.js';
import { type ContactsClient, signedInClient } from '../../../test/helpers/contacts.js';
import { usingPostgres } from '../../../test/helpers/db.js';
import { type ContactRow, contacts, users } from '../../db/schema.js';
import { ContactsSnapshot, ContactsSnapshotCache } from './contacts.snapshot.js';

const row = (firstName: string, overrides: Partial<ContactRow> = {}): ContactRow => ({
  id: randomUUID(),
  userId: 'owner',
  firstName,
  lastName: null,
  emails: [],
  phones: [],
  addresses: [],
  websites: [],
  organization: null,
  jobTitle: null,
  photoKey: null,
  photoUrl: null,
  birthdayYear: null,
  birthdayMonth: null,
  birthdayDay: null,
  notes: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  deletedAt: null,
  cardHref: 'x.vcf',
  cardUid: 'x',
  card: null,
  ...overrides,
});

describe('the snapshot cache', () => {
  it('answers only for the version asked, and keeps a newer snapshot for later requests', () => {
    const cache = new ContactsSnapshotCache(1024 * 1024);
    const v3 = new ContactsSnapshot(3, [row('Ann')]);
    cache.set('u', v3);
    expect(cache.get('u', 3)).toBe(v3);
    expect(cache.get('u', 2)).toBeUndefined(); // a request that read the version before a write
    expect(cache.get('u', 3)).toBe(v3);
    expect(cache.get('u', 4)).toBeUndefined(); // written since: the old one is gone for good
    expect(cache.size).toBe(0);
  });

  it('never replaces a newer snapshot with one a slower request loaded', () => {
    const cache = new ContactsSnapshotCache(1024 * 1024);
    const newer = new ContactsSnapshot(5, [row('Ann')]);
    cache.set('u', newer);
    cache.set('u', new ContactsSnapshot(4, [row('Ann')]));
    expect(cache.get('u', 5)).toBe(newer);
  });

  it('stays within its memory budget, dropping the least recently used first', () => {
    const one = new ContactsSnapshot(1, [row('Ann', { notes: 'x'.repeat(1000) })]);
    const cache = new ContactsSnapshotCache(3.5 * one.estimateBytes());
    for (const user of ['a', 'b', 'c']) cache.set(user, new ContactsSnapshot(1, [row('Ann', { notes: 'x'.repeat(1000) })]));
    cache.get('a', 1); // a is now the most recently used
    cache.set('d', new ContactsSnapshot(1, [row('Ann', { notes: 'x'.repeat(1000) })]));
    expect(['a', 'b', 'c', 'd'].filter((user) => cache.get(user, 1))).toEqual(['a', 'c', 'd']);
    // One user's contacts bigger than the whole budget are not kept at all.
    cache.set('e', new ContactsSnapshot(1, [row('Big', { notes: 'x'.repeat(10_000) })]));
    expect(cache.get('e', 1)).toBeUndefined();
  });

  it('orders contacts by name and finds them by id', () => {
    const rows = [row('Zoe'), row('adam'), row('Émile'), row('Bob')];
    const snapshot = new ContactsSnapshot(1, [...rows]);
    expect(snapshot.rows.map((r) => r.firstName)).toEqual(['adam', 'Bob', 'Émile', 'Zoe']);
    expect(snapshot.find(rows[0]!.id)).toBe(rows[0]);
    expect(snapshot.find(randomUUID())).toBeUndefined();
  });
});

// Two instances on one database, as two servers behind a load balancer would be: a write through
// either must show at once in every read through the other, whose cache already holds the user.
describe(`cached contacts on two instances (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  let reader: TestApp;
  let writer: TestApp;
  let me: ContactsClient;

  beforeAll(async () => {
    reader = await createTestApp();
    writer = await createSecondInstance(reader);
    me = await signedInClient(reader);
  });
  afterAll(async () => {
    await writer.close();
    await reader.close();
  });

  const names = async (query: Record<string, string> = {}) =>
    (await me.list(query)).json<{ items: { firstName: string }[] }>().items.map((c) => c.firstName);
  const birthdayNames = async () =>
    (await me.birthdays({ days: '365', from: '2026-01-01' }))
      .json<{ items: { contact: { firstName: string } }[] }>()
      .items.map((b) => b.contact.firstName);
  const patchOnWriter = (id: string, body: unknown) =>
    writer.app.inject({
      method: 'PATCH',
      url: `/api/contacts/${id}`,
      headers: { ...bearer(me.token), 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  it('shows a create, an edit and a delete made through the other instance', async () => {
    const ann = await me.add({ firstName: 'Ann', birthday: '1990-03-04' });
    expect(await names()).toEqual(['Ann']);
    expect(await birthdayNames()).toEqual(['Ann']);

    expect((await me.create({ firstName: 'Bea', birthday: '1991-02-03' }, writer.app)).statusCode).toBe(201);
    expect(await names()).toEqual(['Ann', 'Bea']);
    expect(await names({ q: 'bea' })).toEqual(['Bea']);
    expect(await birthdayNames()).toEqual(['Bea', 'Ann']);

    expect((await patchOnWriter(ann.id, { firstName: 'Anna', birthday: null })).statusCode).toBe(200);
    expect((await me.get(ann.id)).json()).toMatchObject({ firstName: 'Anna', birthday: null });
    expect(await names({ q: 'anna' })).toEqual(['Anna']);
    expect(await birthdayNames()).toEqual(['Bea']);

    expect((await me.remove(ann.id, writer.app)).statusCode).toBe(204);
    expect((await me.get(ann.id)).statusCode).toBe(404);
    expect(await names()).toEqual(['Bea']);
  });

  it('serves from memory while the version stays, and reloads the moment it moves', async () => {
    const [bea] = (await me.list()).json<{ items: { id: string }[] }>().items;
    // Changed behind the application's back, without moving the version (the trigger that moves it
    // is skipped for this one statement): the cached copy stands, which shows the reads really come
    // from memory...
    const db = reader.database.db;
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.update(contacts).set({ firstName: 'Behind the back' }).where(eq(contacts.id, bea!.id));
    });
    expect(await names()).toEqual(['Bea']);
    // ...and the version alone decides when they don't.
    await db.update(users).set({ contactsVersion: sql`${users.contactsVersion} + 1` }).where(eq(users.id, me.userId));
    expect(await names()).toEqual(['Behind the back']);
  });

  it('moves the version on with every write, in the same transaction', async () => {
    const version = async () =>
      (await reader.database.db.select({ v: users.contactsVersion }).from(users).where(eq(users.id, me.userId)))[0]!.v;
    const before = await version();
    const created = await me.add({ firstName: 'Cat' });
    expect(await version()).toBe(before + 1);
    await patchOnWriter(created.id, { notes: 'edited' });
    expect(await version()).toBe(before + 2);
    await patchOnWriter(created.id, {}); // nothing to change: nothing written
    expect(await version()).toBe(before + 2);
    await me.remove(created.id);
    expect(await version()).toBe(before + 3);
    expect((await me.create({ firstName: 'x'.repeat(500) })).statusCode).toBe(400); // refused: no write
    expect(await version()).toBe(before + 3);
  });
});

describe('with the cache turned off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { CONTACTS_CACHE_MB: '0' } });
  });
  afterAll(() => t.close());

  it('loads the contacts on every read', async () => {
    const me = await signedInClient(t);
    const added = await me.add({ firstName: 'Dana' });
    expect((await me.list()).json().items).toHaveLength(1);
    await t.database.db.update(contacts).set({ firstName: 'Changed' }).where(eq(contacts.id, added.id));
    expect((await me.get(added.id)).json().firstName).toBe('Changed');
  });
});
