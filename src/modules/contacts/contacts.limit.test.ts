import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createSecondInstance, createTestApp } from '../../../test/helpers/app.js';
import { bearer } from '../../../test/helpers/accounts.js';
import { type ContactsClient, signedInClient } from '../../../test/helpers/contacts.js';
import { usingPostgres } from '../../../test/helpers/db.js';
import { users } from '../../db/schema.js';
import { contactCount, isCheckViolation } from './contacts.repository.js';

// Two app instances on one database, as two servers behind a load balancer would be.
let first: TestApp;
let second: TestApp;
let me: ContactsClient;

beforeAll(async () => {
  first = await createTestApp();
  second = await createSecondInstance(first);
  me = await signedInClient(first);
});
afterAll(async () => {
  await second.close();
  await first.close();
});

async function seed(count: number, client = me) {
  for (let start = 0; start < count; start += 20) {
    const batch = Array.from({ length: Math.min(20, count - start) }, (_, i) => client.add({ firstName: `Seed ${start + i}` }));
    await Promise.all(batch);
  }
}

const totalListed = async () => (await me.list({ limit: 100 })).json().total as number;

describe(`the 100-contact limit (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('lets exactly 5 of 50 parallel creates through two instances succeed for a user at 95', async () => {
    await seed(95);
    expect(await totalListed()).toBe(95);

    const attempts = Array.from({ length: 50 }, (_, i) =>
      me.create({ firstName: `Racer ${i}` }, i % 2 === 0 ? first.app : second.app),
    );
    const responses = await Promise.all(attempts);
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(45);
    for (const rejected of responses.filter((r) => r.statusCode === 409)) {
      expect(rejected.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(rejected.json()).toMatchObject({
        status: 409,
        code: 'CONTACT_LIMIT_REACHED',
        detail: 'You can keep at most 100 contacts',
      });
    }

    expect(await totalListed()).toBe(100);
    expect(await contactCount(first.database.db, me.userId)).toBe(100);
  });

  it('refuses the 101st on either instance, and deleting one frees exactly one slot', async () => {
    for (const app of [first.app, second.app]) {
      expect((await me.create({ firstName: 'One too many' }, app)).statusCode).toBe(409);
    }
    const [victim] = (await me.list({ limit: 1 })).json().items;
    expect((await me.remove(victim.id, second.app)).statusCode).toBe(204);
    expect(await contactCount(first.database.db, me.userId)).toBe(99);

    const retries = await Promise.all([
      me.create({ firstName: 'Freed A' }, first.app),
      me.create({ firstName: 'Freed B' }, second.app),
      me.create({ firstName: 'Freed C' }, first.app),
    ]);
    expect(retries.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    expect((await me.create({ firstName: 'Again' }, second.app)).statusCode).toBe(409);
    expect(await totalListed()).toBe(100);
    expect(await contactCount(first.database.db, me.userId)).toBe(100);
  });

  it('a failed delete or an invalid create does not move the counter', async () => {
    expect((await me.remove('3f1c2b9e-8a47-4d6b-9c0e-5b7a1d2e4f60')).statusCode).toBe(404);
    expect((await me.create({ firstName: '' })).statusCode).toBe(400);
    expect(await contactCount(first.database.db, me.userId)).toBe(100);
  });

  it("is per user: someone else's contacts don't count", async () => {
    const other = await signedInClient(first);
    expect((await other.create({ firstName: 'Mine' }, second.app)).statusCode).toBe(201);
    expect(await contactCount(first.database.db, other.userId)).toBe(1);
  });

  it('the database itself refuses a count over 100 (check violation 23514, recognised)', async () => {
    const db = first.database.db;
    const error = await db
      .update(users)
      .set({ contactCount: sql`${users.contactCount} + 1` })
      .where(eq(users.id, me.userId))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(Error);
    expect(isCheckViolation(error, 'users_contact_count_check')).toBe(true);
    expect(isCheckViolation(error, 'another_constraint')).toBe(false);
    expect(isCheckViolation(new Error('boom'))).toBe(false);
    expect(await contactCount(db, me.userId)).toBe(100);
  });

  it('a user at 99 with one in the trash: of 20 parallel creates and a restore, exactly one succeeds', async () => {
    const racer = await signedInClient(first);
    await seed(100, racer);
    const [trashed] = (await racer.list({ limit: 1 })).json().items;
    expect((await racer.remove(trashed.id)).statusCode).toBe(204);
    expect(await contactCount(first.database.db, racer.userId)).toBe(99);

    const restore = (app: TestApp) =>
      app.app.inject({ method: 'POST', url: `/api/contacts/${trashed.id}/restore`, headers: bearer(racer.token) });
    const creates = Array.from({ length: 20 }, (_, i) => () => racer.create({ firstName: `Racer ${i}` }, i % 2 ? first.app : second.app));
    // The restore goes in the middle, so it neither starts first nor last.
    const attempts = [...creates.slice(0, 10), () => restore(second), ...creates.slice(10)];
    const responses = await Promise.all(attempts.map((attempt) => attempt()));

    const succeeded = responses.filter((r) => r.statusCode === 200 || r.statusCode === 201);
    expect(succeeded).toHaveLength(1);
    const refused = responses.filter((r) => r.statusCode === 409);
    expect(refused).toHaveLength(20);
    for (const r of refused) expect(r.json().code).toBe('CONTACT_LIMIT_REACHED');

    const listed = (await racer.list({ limit: 100 })).json();
    expect(listed.total).toBe(100);
    expect(await contactCount(first.database.db, racer.userId)).toBe(100);
    // Whichever won, the trashed contact is in exactly one place.
    const trash = await first.app.inject({ method: 'GET', url: '/api/contacts/trash', headers: bearer(racer.token) });
    const inTrash = trash.json().items.some((c: { id: string }) => c.id === trashed.id);
    const inList = listed.items.some((c: { id: string }) => c.id === trashed.id);
    expect(inTrash).not.toBe(inList);
    expect(inList).toBe(succeeded[0]!.statusCode === 200);
  });
});
