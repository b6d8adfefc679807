import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../test/helpers/accounts.js';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { type DavClient, davClient, simpleCard } from '../../../test/helpers/dav.js';
import { usingPostgres } from '../../../test/helpers/db.js';
import { readCard } from '../dav/vcard/read-card.js';

let t: TestApp;
let me: DavClient;
const PHONE_CARD = simpleCard('iphone-1', 'Grace', [
  'item1.TEL;type=CELL:+1 212 555 0100',
  'item1.X-ABLabel:_$!<Mobile>!$_',
  'X-SOCIALPROFILE;type=twitter:x-apple:grace',
  'BDAY;X-APPLE-OMIT-YEAR=1604:1604-12-09',
]);

beforeAll(async () => {
  t = await createTestApp();
  me = await davClient(t);
  expect((await me.put('iphone-1.vcf', PHONE_CARD)).statusCode).toBe(201);
  const api = (method: 'POST' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: bearer(me.accessToken), ...(payload ? { payload } : {}) });
  expect(
    (
      await api('POST', '/api/contacts', {
        firstName: 'Ada',
        lastName: 'Lovelace, Countess',
        emails: [
          { value: 'ada@example.com', label: 'home' },
          { value: 'ada@engines.example', label: 'Lab' },
        ],
        phones: [{ value: '+44 20 7946 0958', label: 'mobile' }],
        addresses: [{ label: 'home', street: '12 St James’s Square', locality: 'London', country: 'United Kingdom' }],
        organization: 'Engines; Ltd',
        birthday: '1815-12-10',
        notes: 'Line one\nline "two"',
      })
    ).statusCode,
  ).toBe(201);
  const gone = await api('POST', '/api/contacts', { firstName: 'In the trash' });
  expect((await api('DELETE', `/api/contacts/${gone.json<{ id: string }>().id}`)).statusCode).toBe(204);
});
afterAll(async () => t.close());

const download = (format?: string) =>
  t.app.inject({ method: 'GET', url: `/api/contacts/export${format ? `?format=${format}` : ''}`, headers: bearer(me.accessToken) });

describe(`export (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('gives every contact as a vCard file: a stored card byte for byte, and the others as vCard 3.0', async () => {
    const response = await download();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/vcard; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="kith-contacts-\d{4}-\d{2}-\d{2}\.vcf"$/);
    expect(response.body).toContain(PHONE_CARD);
    const cards = response.body.split(/(?<=END:VCARD\r?\n)/).filter((card) => card.trim() !== '');
    expect(cards).toHaveLength(2);
    const read = cards.map((card) => readCard(card, null));
    const ada = read.find((card) => !('error' in card) && card.values.firstName === 'Ada');
    if (!ada || 'error' in ada) throw new Error('no card for Ada');
    expect(ada.version).toBe('3.0');
    expect(ada.values).toMatchObject({
      lastName: 'Lovelace, Countess',
      organization: 'Engines; Ltd',
      notes: 'Line one\nline "two"',
      birthdayYear: 1815,
      emails: [
        { value: 'ada@example.com', label: 'home' },
        { value: 'ada@engines.example', label: 'Lab' },
      ],
      phones: [{ value: '+442079460958', label: 'mobile' }],
    });
    expect(response.body).not.toContain('In the trash');
  });

  it("gives a CSV with Google Contacts' columns, one row per contact", async () => {
    const response = await download('csv');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows: Array<Record<string, string>> = parse(response.body, { bom: true, columns: true });
    expect(rows).toHaveLength(2);
    const ada = rows.find((row) => row['First Name'] === 'Ada')!;
    expect(ada).toMatchObject({
      'Last Name': 'Lovelace, Countess',
      'Organization Name': 'Engines; Ltd',
      Birthday: '1815-12-10',
      Notes: 'Line one\nline "two"',
      'E-mail 1 - Label': 'Home',
      'E-mail 1 - Value': 'ada@example.com',
      'E-mail 2 - Label': 'Lab',
      'E-mail 2 - Value': 'ada@engines.example',
      'Phone 1 - Label': 'Mobile',
      'Phone 1 - Value': '+442079460958',
      'Address 1 - Street': '12 St James’s Square',
      'Address 1 - City': 'London',
      'Address 1 - Country': 'United Kingdom',
    });
    const grace = rows.find((row) => row['First Name'] === 'Grace')!;
    expect(grace).toMatchObject({ Birthday: '--12-09', 'Phone 1 - Label': 'Mobile', 'Phone 1 - Value': '+12125550100', 'E-mail 2 - Value': '' });
  });

  it('needs a sign-in and a known format', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/contacts/export' })).statusCode).toBe(401);
    expect((await download('xml')).statusCode).toBe(400);
  });
});
