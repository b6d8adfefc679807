/**
 * PostgreSQL going away under writes (a restart or failover ends every connection, and refuses
 * new ones until it is back): Kith stays up, answers 503 with Retry-After while it can't reach the
 * database, 2xx as soon as it can, and loses no acknowledged write. Real PostgreSQL only: the
 * outage is made by refusing connections to this file's database and terminating its backends.
 */
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from './helpers/app.js';
import { type ContactsClient, signedInClient } from './helpers/contacts.js';
import { usingPostgres } from './helpers/db.js';

describe.runIf(usingPostgres)('a PostgreSQL outage under writes', () => {
  let t: TestApp;
  let me: ContactsClient;
  let admin: pg.Client;
  let name: string;

  beforeAll(async () => {
    t = await createTestApp();
    me = await signedInClient(t);
    const result = await t.database.db.execute<{ name: string }>(sql`select current_database() as name`);
    name = (result as { rows: Array<{ name: string }> }).rows[0]!.name;
    admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.query(`alter database ${name} allow_connections true`).catch(() => undefined);
    await admin.end();
    await t.close();
  });

  const kill = () => admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);

  it('no process exit, no 500: 503 with Retry-After during, 2xx right after, every acknowledged write kept', async () => {
    const acknowledged = new Set<string>();
    const deleted = new Set<string>();
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    let writing = true;
    const writer = async (n: number) => {
      for (let i = 0; writing; i += 1) {
        const created = await me.create({ firstName: `Writer ${n}`, lastName: `${i}` });
        statuses.push(created.statusCode);
        if (created.statusCode === 503) retryAfter = created.headers['retry-after'];
        if (created.statusCode !== 201) continue;
        const { id } = created.json<{ id: string }>();
        acknowledged.add(id);
        // Keep the account under the limit: every other contact is deleted again.
        if (i % 2 === 0) {
          const removed = await me.remove(id);
          statuses.push(removed.statusCode);
          if (removed.statusCode === 204) deleted.add(id);
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, n) => writer(n));

    await new Promise((resolve) => setTimeout(resolve, 300));
    await admin.query(`alter database ${name} allow_connections false`);
    // Several times, so some connection dies in each state: idle, mid-query, between BEGIN and COMMIT.
    for (let round = 0; round < 6; round += 1) {
      await kill();
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const ready = await t.app.inject({ method: 'GET', url: '/api/ready' });
    expect(ready.statusCode).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 800));
    await admin.query(`alter database ${name} allow_connections true`);
    // The first request after the database is back succeeds.
    const back = await t.app.inject({ method: 'GET', url: '/api/ready' });
    expect(back.statusCode).toBe(200);
    const first = await me.create({ firstName: 'Right after' });
    expect(first.statusCode, first.body).toBe(201);
    acknowledged.add(first.json<{ id: string }>().id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    writing = false;
    await Promise.all(writers);

    // No connection leaked: every client the pool handed out came back (or was discarded). A client
    // whose BEGIN failed used to stay checked out for good (see src/db/pg-transactions.ts).
    const pool = (t.database.db as unknown as { $client: { totalCount: number; idleCount: number } }).$client;
    expect(pool.totalCount - pool.idleCount).toBe(0);
    expect(statuses.filter((status) => status >= 500 && status !== 503)).toEqual([]);
    expect(statuses).toContain(503);
    expect(retryAfter).toBe('5');
    expect(statuses.filter((status) => status === 201).length).toBeGreaterThan(10);

    // Every acknowledged create is there, unless it was acknowledged deleted; the counter matches the rows.
    const live = await t.database.db.execute<{ id: string }>(sql`select id from contacts where user_id = ${me.userId} and deleted_at is null`);
    const ids = new Set((live as { rows: Array<{ id: string }> }).rows.map((row) => row.id));
    for (const id of acknowledged) if (!deleted.has(id)) expect(ids.has(id), id).toBe(true);
    const counter = await t.database.db.execute<{ count: number }>(sql`select contact_count as count from users where id = ${me.userId}`);
    expect((counter as { rows: Array<{ count: number }> }).rows[0]!.count).toBe(ids.size);
  }, 30_000);
});
