import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgres } from '../src/db/client.js';
import { withDatabase } from './helpers/global-setup.js';

const url = process.env.TEST_DATABASE_URL;

describe.runIf(url)('migrations on PostgreSQL', () => {
  it('are applied exactly once when several instances start together', async () => {
    const name = `kith_migrate_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name}`);
    try {
      const instances = Array.from({ length: 4 }, () => openPostgres(withDatabase(url!, name), 2));
      await Promise.all(instances.map((instance) => instance.migrate()));
      const check = new pg.Client({ connectionString: withDatabase(url!, name) });
      await check.connect();
      const applied = await check.query('select count(*)::int as n from drizzle.__drizzle_migrations');
      const tables = await check.query(
        "select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name = 'users'",
      );
      await check.end();
      expect(applied.rows[0].n).toBeGreaterThan(0);
      expect(tables.rows[0].n).toBe(1);
      await Promise.all(instances.map((instance) => instance.close()));
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
