/** What a deleted account may leave behind: every row of every table that still mentions it. */
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';

export interface Trace {
  table: string;
  row: string;
}

/** Every table of the application's schemas, from the catalog: a table added later is checked too. */
export async function listTables(database: Database): Promise<string[]> {
  const result = await database.db.execute(
    sql`select table_schema, table_name from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema', 'drizzle')
        order by table_schema, table_name`,
  );
  return (result as { rows: Array<{ table_schema: string; table_name: string }> }).rows.map((row) => `"${row.table_schema}"."${row.table_name}"`);
}

/**
 * Every row, in any table, whose text (all columns, JSON included, cast to text as a whole) holds
 * one of `needles` (a user id, an email address), compared case-insensitively.
 */
export async function findTraces(database: Database, needles: string[]): Promise<Trace[]> {
  const traces: Trace[] = [];
  for (const table of await listTables(database)) {
    for (const needle of needles) {
      const pattern = `%${needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const result = await database.db.execute(
        sql`select t::text as row from ${sql.raw(table)} t where lower(t::text) like ${pattern}`,
      );
      for (const { row } of (result as { rows: Array<{ row: string }> }).rows) traces.push({ table, row });
    }
  }
  return traces;
}
