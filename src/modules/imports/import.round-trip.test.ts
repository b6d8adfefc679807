/**
 * "An export imported into a fresh account gives the same contacts": a rich file in, out as vCard
 * and as Google CSV, and each export into a new account, compared field by field.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../test/helpers/accounts.js';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { type ContactJson, type ContactsClient, signedInClient } from '../../../test/helpers/contacts.js';
import { type ImportReportJson, importFile } from '../../../test/helpers/imports.js';

let t: TestApp;
let source: ContactsClient;
let original: ContactJson[];
beforeAll(async () => {
  t = await createTestApp();
  source = await signedInClient(t);
  // The user's region reads numbers written without a country code; the same in every account.
  expect((await source.patchMe({ region: 'US' })).statusCode).toBe(200);
  const response = await importFile(t.app, source.token, readFileSync('test/fixtures/imports/rich.vcf'), { filename: 'rich.vcf' });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.json<ImportReportJson>().created).toBe(5);
  original = await contactsOf(source);
});
afterAll(async () => {
  await t.close();
});

async function contactsOf(client: ContactsClient): Promise<ContactJson[]> {
  return (await client.list({ limit: 100, sort: 'firstName' })).json<{ items: ContactJson[] }>().items;
}

async function exported(format: 'vcard' | 'csv'): Promise<string> {
  const response = await t.app.inject({ method: 'GET', url: `/api/contacts/export?format=${format}`, headers: bearer(source.token) });
  expect(response.statusCode).toBe(200);
  return response.body;
}

/** A contact without what is the account's own: its id, times, and where its photo is kept. */
const comparable = ({ id: _id, createdAt: _c, updatedAt: _u, photoUrl, ...fields }: ContactJson) => ({ ...fields, hasPhoto: photoUrl !== null });

describe('export → import into a fresh account', () => {
  it('the fixture is rich: every kind of field is in it', () => {
    const all = original;
    expect(all.some((c) => c.emails.length > 1 && c.phones.length > 1 && c.addresses.length > 0 && c.websites.length > 0)).toBe(true);
    expect(all.some((c) => c.birthday?.startsWith('--'))).toBe(true);
    expect(all.some((c) => c.birthday?.endsWith('-02-29'))).toBe(true);
    expect(all.some((c) => c.photoUrl !== null)).toBe(true);
    expect(all.some((c) => c.notes?.includes('\n') && c.notes.includes(';'))).toBe(true);
    expect(all.some((c) => c.emails.some((e) => e.label !== null && !['home', 'work', 'other'].includes(e.label)))).toBe(true);
  });

  it('as vCard: the same contacts, field by field, and every card byte for byte', async () => {
    const file = await exported('vcard');
    const target = await signedInClient(t);
    expect((await target.patchMe({ region: 'US' })).statusCode).toBe(200);
    const response = await importFile(t.app, target.token, file);
    expect(response.json<ImportReportJson>()).toMatchObject({ created: 5, updated: 0, skipped: 0 });
    expect((await contactsOf(target)).map(comparable)).toEqual(original.map(comparable));
    const again = await t.app.inject({ method: 'GET', url: '/api/contacts/export?format=vcard', headers: bearer(target.token) });
    const sorted = (text: string) => text.split(/(?=BEGIN:VCARD)/).sort();
    expect(sorted(again.body)).toEqual(sorted(file));
    // Unknown properties came through twice.
    expect(again.body).toMatch(/^X-[A-Z-]+[;:]/m);
  });

  it('as Google CSV: the same contacts, field by field', async () => {
    const file = await exported('csv');
    const target = await signedInClient(t);
    expect((await target.patchMe({ region: 'US' })).statusCode).toBe(200);
    const response = await importFile(t.app, target.token, file, { filename: 'contacts.csv' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<ImportReportJson>()).toMatchObject({ format: 'google-csv', created: 5, skipped: 0 });
    expect((await contactsOf(target)).map(comparable)).toEqual(original.map(comparable));
  });

  it('into the same account: nothing changes (every card already up to date)', async () => {
    const response = await importFile(t.app, source.token, await exported('vcard'));
    expect(response.json<ImportReportJson>()).toMatchObject({ created: 0, updated: 0, skipped: 5 });
    expect(await contactsOf(source)).toEqual(original);
  });
});
