/**
 * A transaction whose BEGIN fails because the connection died must give its client back to the
 * pool (drizzle-orm 0.45 leaked it: see pg-transactions.ts). The connection is cut the moment the
 * pool hands the client out, so BEGIN is the first thing to fail. Real PostgreSQL only.
 */
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, usingPostgres } from '../../test/helpers/db.js';
import type { Database } from './client.js';
import { isDatabaseUnavailable } from './unavailable.js';

describe.runIf(usingPostgres)('transactions on a connection that dies before BEGIN', () => {
  let database: Database;
  let pool: pg.Pool;
  beforeAll(async () => {
    database = await createTestDatabase();
    pool = (database.db as unknown as { $client: pg.Pool }).$client;
  });
  afterAll(async () => {
    await database.close();
  });

  it('fail as "database unavailable", leak no client, and the next transaction works', async () => {
    await database.ping();
    for (let round = 0; round < 3; round += 1) {
      const cut = (client: pg.PoolClient) => (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      pool.once('acquire', cut);
      const failed = await database.db.transaction(async (tx) => tx.execute(sql`select 1`)).catch((error: unknown) => error);
      expect(isDatabaseUnavailable(failed), String(failed)).toBe(true);
      // Give the pool a moment to drop the dead client.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(pool.totalCount - pool.idleCount, `round ${round}: clients still checked out`).toBe(0);
    }
    const result = await database.db.transaction(async (tx) => tx.execute<{ one: number }>(sql`select 1 as one`));
    expect((result as { rows: Array<{ one: number }> }).rows[0]!.one).toBe(1);
  });
});
