/**
 * POST /api/contacts/import: dry runs, the all-or-nothing rule and the 100-contact limit (also
 * with two instances on one database), updates by UID, bad files, and CardDAV serving what came
 * in. The vendor files are checked field by field in import.fixtures.test.ts; the export → import
 * round trip in import.round-trip.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../test/helpers/accounts.js';
import { type TestApp, createSecondInstance, createTestApp } from '../../../test/helpers/app.js';
import { type ContactJson, type ContactsClient, signedInClient } from '../../../test/helpers/contacts.js';
import { davClient } from '../../../test/helpers/dav.js';
import { type ImportReportJson, importFile } from '../../../test/helpers/imports.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const card = (uid: string | null, name: string, extra: string[] = []) =>
  ['BEGIN:VCARD', 'VERSION:3.0', ...(uid ? [`UID:${uid}`] : []), `FN:${name}`, `N:;${name};;;`, ...extra, 'END:VCARD', ''].join('\r\n');
const cards = (count: number, prefix = 'card') => Array.from({ length: count }, (_, i) => card(`${prefix}-${i}`, `Person ${i}`)).join('');

async function contactsOf(client: ContactsClient): Promise<ContactJson[]> {
  const response = await client.list({ limit: 100 });
  expect(response.statusCode).toBe(200);
  return response.json<{ items: ContactJson[] }>().items;
}

async function fill(client: ContactsClient, count: number) {
  const response = await importFile(t.app, client.token, cards(count, `fill-${client.userId}`));
  expect(response.statusCode, response.body).toBe(200);
}

describe('a dry run', () => {
  it('reports what the import would do, writes nothing, and the real run then does exactly that', async () => {
    const me = await signedInClient(t);
    const existing = await importFile(t.app, me.token, card('ada', 'Ada'));
    expect(existing.statusCode).toBe(200);
    const before = await contactsOf(me);

    const file = [
      card('ada', 'Ada', ['EMAIL:ada@example.com']),
      card('grace', 'Grace'),
      card('grace', 'Grace again'),
      'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:friends\r\nFN:Friends\r\nX-ADDRESSBOOKSERVER-KIND:group\r\nEND:VCARD\r\n',
      'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:nothing\r\nEND:VCARD\r\n',
    ].join('');
    const dry = await importFile(t.app, me.token, file, { dryRun: true });
    expect(dry.statusCode, dry.body).toBe(200);
    const report = dry.json<ImportReportJson>();
    expect(report).toMatchObject({ dryRun: true, format: 'vcard', created: 1, updated: 1, skipped: 3 });
    expect(report.items.map((item) => [item.index, item.name, item.action])).toEqual([
      [1, 'Ada', 'update'],
      [2, 'Grace', 'create'],
      [3, 'Grace again', 'skip'],
      [4, 'Friends', 'skip'],
      [5, 'Unnamed', 'skip'],
    ]);
    expect(report.items[0]!.contactId).toBe(before[0]!.id);
    expect(report.items[2]!.reason).toMatch(/same UID as item 2/);
    expect(report.items[3]!.reason).toMatch(/group/);
    expect(report.items[4]!.reason).toMatch(/empty card/);
    expect(await contactsOf(me)).toEqual(before);

    const real = await importFile(t.app, me.token, file);
    expect(real.statusCode, real.body).toBe(200);
    const done = real.json<ImportReportJson>();
    expect({ ...done, items: done.items.map(({ contactId: _, ...item }) => item) }).toEqual({
      ...report,
      dryRun: false,
      items: report.items.map(({ contactId: _, ...item }) => item),
    });
    const after = await contactsOf(me);
    expect(after.map((c) => [c.firstName, c.email])).toEqual([
      ['Ada', 'ada@example.com'],
      ['Grace', null],
    ]);
    expect(after[1]!.id).toBe(done.items[1]!.contactId);
  });

  it('of a file that is already in: every card up to date, nothing changed', async () => {
    const me = await signedInClient(t);
    const file = cards(3, 'same');
    expect((await importFile(t.app, me.token, file)).statusCode).toBe(200);
    const before = await contactsOf(me);
    const again = await importFile(t.app, me.token, file);
    expect(again.json<ImportReportJson>()).toMatchObject({ created: 0, updated: 0, skipped: 3 });
    expect(again.json<ImportReportJson>().items.every((item) => item.reason === 'already up to date')).toBe(true);
    expect(await contactsOf(me)).toEqual(before);
  });
});

describe('updates by UID', () => {
  it('replace the card (its unknown properties with it) and keep the contact, its id and its CardDAV name', async () => {
    const me = await davClient(t);
    expect((await me.put('phone-made.vcf', card('phone-1', 'Grace', ['TEL:+1 212 555 0100', 'X-OLD:kept until replaced']))).statusCode).toBe(201);
    const [before] = (await t.app.inject({ method: 'GET', url: '/api/contacts', headers: bearer(me.accessToken) })).json<{ items: ContactJson[] }>().items;
    const updated = card('phone-1', 'Grace', ['TEL;TYPE=WORK:+1 212 555 0199', 'X-SOCIALPROFILE;type=mastodon:https://example.social/@grace']);
    const response = await importFile(t.app, me.accessToken, updated);
    expect(response.json<ImportReportJson>().items).toEqual([
      { index: 1, name: 'Grace', action: 'update', contactId: before!.id, reason: 'same UID as this contact' },
    ]);
    const served = await me.request('GET', `${me.book}phone-made.vcf`);
    expect(served.statusCode).toBe(200);
    expect(served.body).toBe(updated);
    const contact = (await t.app.inject({ method: 'GET', url: `/api/contacts/${before!.id}`, headers: bearer(me.accessToken) })).json<ContactJson>();
    expect(contact.phones).toEqual([{ value: '+12125550199', label: 'work' }]);
  });

  it('do not reach a contact in the trash: the card makes a new contact, and the trashed one stays restorable', async () => {
    const me = await signedInClient(t);
    const first = (await importFile(t.app, me.token, card('back-again', 'Lin'))).json<ImportReportJson>();
    const trashedId = first.items[0]!.contactId!;
    expect((await me.remove(trashedId)).statusCode).toBe(204);
    const again = (await importFile(t.app, me.token, card('back-again', 'Lin'))).json<ImportReportJson>();
    expect(again.items[0]).toMatchObject({ action: 'create' });
    expect(again.items[0]!.contactId).not.toBe(trashedId);
    expect((await me.restore(trashedId)).statusCode).toBe(200);
    expect((await contactsOf(me)).map((c) => c.firstName)).toEqual(['Lin', 'Lin']);
  });
});

describe('the 100-contact limit', () => {
  it('makes an import all or nothing: one that would make 101 writes nothing and says how many fit (dry run too)', async () => {
    const me = await signedInClient(t);
    await fill(me, 98);
    const before = await contactsOf(me);
    for (const dryRun of [true, false]) {
      const response = await importFile(t.app, me.token, cards(3, 'over'), { dryRun });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: 'CONTACT_LIMIT_REACHED' });
      expect(response.json<{ detail: string }>().detail).toMatch(/would add 3 contacts, but you have 98 of 100, so only 2 more fit\. Nothing was imported/);
    }
    expect(await contactsOf(me)).toEqual(before);
    expect((await me.trash()).json<{ items: unknown[] }>().items).toEqual([]);

    // Updates don't take a slot: the same file with one of the 98 in it and two new cards fits.
    const mixed = card(`fill-${me.userId}-0`, 'Person 0 renamed') + cards(2, 'fits');
    const fits = await importFile(t.app, me.token, mixed);
    expect(fits.statusCode, fits.body).toBe(200);
    expect(fits.json<ImportReportJson>()).toMatchObject({ created: 2, updated: 1 });
    expect(await contactsOf(me)).toHaveLength(100);
    const full = await importFile(t.app, me.token, card('one-more', 'One more'));
    expect(full.json<{ detail: string }>().detail).toMatch(/you have 100 of 100, so none more fit/);
  });

  it('holds with parallel imports and creates on two instances: exactly what fits is written, each import whole or not at all', async () => {
    const second = await createSecondInstance(t);
    try {
      const me = await signedInClient(t);
      await fill(me, 95);
      const named = (prefix: string) => Array.from({ length: 3 }, (_, i) => card(`${prefix}-${i}`, `${prefix} ${i}`)).join('');
      const results = await Promise.all([
        importFile(t.app, me.token, named('Left')),
        importFile(second.app, me.token, named('Right')),
        me.create({ firstName: 'Solo' }, second.app),
        me.create({ firstName: 'Duo' }, t.app),
      ]);
      // 5 slots free: whatever the order, both creates fit and exactly one import of 3 does.
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 201, 201, 409]);
      const contacts = await contactsOf(me);
      expect(contacts).toHaveLength(100);
      const winner = results[0].statusCode === 200 ? 'Left' : 'Right';
      const loser = winner === 'Left' ? 'Right' : 'Left';
      expect(contacts.filter((c) => c.firstName.startsWith(winner))).toHaveLength(3);
      expect(contacts.filter((c) => c.firstName.startsWith(loser))).toHaveLength(0);
      expect(results[winner === 'Left' ? 1 : 0].json<{ detail: string }>().detail).toMatch(/only 2 more fit|none more fit|only 1 more fits/);
    } finally {
      await second.close();
    }
  });
});

describe('bad files get a clear 4xx and write nothing', () => {
  const cases: Array<[string, Buffer | string, number, RegExp]> = [
    ['an empty file', '', 400, /the file is empty/],
    ['only blank lines', '\r\n\r\n  \r\n', 400, /the file is empty/],
    ['binary bytes', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]), Buffer.alloc(200, 7)]), 400, /not a text file/],
    ['a CSV with unknown columns', 'Foo,Bar,Baz\r\n1,2,3\r\n', 400, /line 1: these columns are not a Google Contacts or Outlook export \(Foo, Bar, Baz\)/],
    ['a CSV with an unclosed quote', 'First Name,Last Name,E-mail 1 - Value\r\n"Ada,Lovelace,ada@example.com\r\n', 400, /line \d+: this CSV could not be read/],
    ['a vCard with a broken line', `${card('ok', 'Fine')}BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken\r\nthis is not a property\r\nEND:VCARD\r\n`, 400, /line 10: not a vCard content line/],
    ['a card without END:VCARD', `${card('ok', 'Fine')}BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Open\r\n`, 400, /line 7: the card that starts here has no END:VCARD/],
    ['text between cards', `${card('ok', 'Fine')}hello\r\n${card('ok2', 'Also fine')}`, 400, /line 7: text outside a card/],
    ['a card inside a card', 'BEGIN:VCARD\r\nVERSION:3.0\r\nBEGIN:VCARD\r\nEND:VCARD\r\n', 400, /line 3: a new BEGIN:VCARD/],
    ['a 6 MiB file', `${card('big', 'Big')}${'X'.repeat(6 * 1024 * 1024)}`, 413, /at most 5 MiB/],
  ];
  for (const [what, data, status, detail] of cases) {
    it(what, async () => {
      const me = await signedInClient(t);
      for (const dryRun of [true, false]) {
        const response = await importFile(t.app, me.token, data, { dryRun });
        expect(response.statusCode, response.body).toBe(status);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.json<{ detail: string }>().detail).toMatch(detail);
      }
      expect(await contactsOf(me)).toEqual([]);
    });
  }

  it('a body that is not multipart is 415; no file field is 400; no token is 401', async () => {
    const me = await signedInClient(t);
    const json = await t.app.inject({ method: 'POST', url: '/api/contacts/import', headers: { ...bearer(me.token), 'content-type': 'text/vcard' }, payload: card('x', 'X') });
    expect(json.statusCode).toBe(415);
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/contacts/import', payload: {} });
    expect(anonymous.statusCode).toBe(401);
    const badQuery = await t.app.inject({ method: 'POST', url: '/api/contacts/import?dryRun=maybe', headers: bearer(me.token) });
    expect(badQuery.statusCode).toBe(400);
    expect(await contactsOf(me)).toEqual([]);
  });
});

describe('what came in is kept', () => {
  it('a vCard 3.0 card is served over CardDAV byte for byte (a UID added when it had none)', async () => {
    const me = await davClient(t);
    const original = card(null, 'Noor', ['item1.TEL;type=CELL:+31 6 12345678', 'item1.X-ABLabel:_$!<Mobile>!$_', 'X-PHONETIC-FIRST-NAME:noor']);
    const report = (await importFile(t.app, me.accessToken, original)).json<ImportReportJson>();
    expect(report.created).toBe(1);
    const listing = await me.propfind(me.book, '1');
    const href = /<d:href>([^<]+\.vcf)<\/d:href>/i.exec(listing.body)?.[1] ?? /<href>([^<]+\.vcf)<\/href>/i.exec(listing.body)?.[1];
    expect(href).toBeDefined();
    const served = await me.request('GET', href!);
    const uid = /^UID:(.+)\r$/m.exec(served.body)?.[1];
    expect(uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(served.body).toBe(original.replace('VERSION:3.0\r\n', `VERSION:3.0\r\nUID:${uid}\r\n`));
  });
});
