/**
 * Upgrading a database that already holds contacts: every contact of the schema before "richer
 * contacts" (0002) comes through migration 0003/0004 intact, its one email and phone now the first
 * entries of the lists.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { type Database, migrationsFolder, openPglite } from '../src/db/client.js';
import { contacts } from '../src/db/schema.js';
import { hashPassword } from '../src/modules/auth/passwords.js';
import { bearer, login } from './helpers/accounts.js';
import { createTestApp, type TestApp } from './helpers/app.js';

const PASSWORD = 'correct horse battery staple';

/** A copy of the migrations folder that stops after migration `lastIdx`. */
function migrationsUpTo(lastIdx: number): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'kith-migrations-'));
  cpSync(migrationsFolder, folder, { recursive: true });
  const journalFile = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ idx: number }> };
  journal.entries = journal.entries.filter((entry) => entry.idx <= lastIdx);
  writeFileSync(journalFile, JSON.stringify(journal));
  return folder;
}

const USER_ID = '7d9c4e0a-3b1f-4c2a-9e8d-1f2a3b4c5d6e';
const OLD_CONTACTS = [
  // id, first, last, email, phone (E.164), phone as typed, birthday y/m/d, notes
  ['0b8e1f7a-1c2d-4e3f-8a9b-0c1d2e3f4a5b', 'Ada', 'Lovelace', 'ada@example.com', '+442079460958', '020 7946 0958', 1815, 12, 10, 'Analytical'],
  ['1c9f2a8b-2d3e-4f5a-9b0c-1d2e3f4a5b6c', 'Олена', null, null, '+380501234567', '+380 50 123 4567', null, 2, 29, null],
  ['2da03b9c-3e4f-4a6b-8c1d-2e3f4a5b6c7d', 'Bob', 'Marley', 'bob@reggae.jm', null, null, null, null, null, 'No phone'],
  ['3eb14cad-4f5a-4b7c-9d2e-3f4a5b6c7d8e', 'Zoë', "O'Brien", null, null, null, null, null, null, null],
] as const;

describe('migrating contacts from the single email/phone schema', () => {
  let app: TestApp | undefined;
  let database: Database | undefined;
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('keeps every contact, with its email and phone as the first entries of the lists', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'kith-upgrade-')), 'db');
    const old = new PGlite(dataDir);
    await migrate(drizzle(old), { migrationsFolder: migrationsUpTo(2) });
    await old.query(
      `insert into users (id, email, name, password_hash, email_verified, contact_count, contacts_version)
       values ($1, 'owner@example.com', 'Owner', $2, true, $3, 7)`,
      [USER_ID, await hashPassword(PASSWORD), OLD_CONTACTS.length],
    );
    for (const [id, first, last, email, phone, phoneInput, year, month, day, notes] of OLD_CONTACTS) {
      await old.query(
        `insert into contacts (id, user_id, first_name, last_name, email, phone, phone_input,
           birthday_year, birthday_month, birthday_day, notes, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '2026-01-02T03:04:05Z', '2026-02-03T04:05:06Z')`,
        [id, USER_ID, first, last, email, phone, phoneInput, year, month, day, notes],
      );
    }
    await old.close();

    // The upgraded Kith opens the same directory and migrates it at start, as `npm start` would.
    database = openPglite(dataDir);
    await database.migrate();
    app = await createTestApp({ database });

    const raw = await database.db.select({ id: contacts.id, phones: contacts.phones }).from(contacts);
    expect(raw).toHaveLength(OLD_CONTACTS.length);
    // The number as it was typed is kept beside its E.164 form.
    expect(raw.find((r) => r.id === OLD_CONTACTS[0][0])?.phones).toEqual([
      { value: '+442079460958', input: '020 7946 0958', label: null },
    ]);

    const { accessToken } = await login(app.app, 'owner@example.com', PASSWORD);
    const list = await app.app.inject({ method: 'GET', url: '/api/contacts?limit=100', headers: bearer(accessToken) });
    expect(list.statusCode).toBe(200);
    const served = new Map<string, Record<string, unknown>>(list.json().items.map((c: { id: string }) => [c.id, c]));
    expect(served.size).toBe(OLD_CONTACTS.length);
    for (const [id, first, last, email, phone, , year, month, day, notes] of OLD_CONTACTS) {
      const birthday = month === null ? null : `${year === null ? '-' : year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      expect(served.get(id)).toEqual({
        id,
        firstName: first,
        lastName: last,
        email,
        phone,
        emails: email ? [{ value: email, label: null }] : [],
        phones: phone ? [{ value: phone, label: null }] : [],
        addresses: [],
        websites: [],
        organization: null,
        jobTitle: null,
        photoUrl: null,
        birthday,
        notes,
        createdAt: '2026-01-02T03:04:05.000Z',
        updatedAt: '2026-02-03T04:05:06.000Z',
      });
    }
    // The single-value columns are gone, so nothing can read or write them by mistake.
    await expect(database.db.execute(sql`select phone_input from contacts`)).rejects.toThrow();
  });
});
