/**
 * What CardDAV does with the cards themselves: the 100-contact limit as 507, the size limit,
 * group cards, UID conflicts, birthdays without a year, and cards the API's rules would refuse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../test/helpers/accounts.js';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { type DavClient, davClient, simpleCard } from '../../../test/helpers/dav.js';
import { CARD, card, cs, d, hrefsIn, key, kid, NOT_FOUND, parseMultistatus, parseXmlTree, propOk } from '../../../test/helpers/dav-multistatus.js';
import { usingPostgres } from '../../../test/helpers/db.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const crlf = (lines: string[]) => [...lines, ''].join('\r\n');

/** Folds a content line at 75 octets, as clients write long lines (ASCII only here). */
const fold = (line: string) => {
  const parts = [line.slice(0, 75)];
  for (let i = 75; i < line.length; i += 74) parts.push(` ${line.slice(i, i + 74)}`);
  return parts.join('\r\n');
};

interface ContactJson {
  id: string;
  firstName: string;
  lastName: string | null;
  birthday: string | null;
  notes: string | null;
  phones: Array<{ value: string; label: string | null }>;
  emails: Array<{ value: string; label: string | null }>;
}

async function contactsOf(me: DavClient) {
  const response = await t.app.inject({ method: 'GET', url: '/api/contacts?limit=100', headers: bearer(me.accessToken) });
  expect(response.statusCode).toBe(200);
  return response.json<{ items: ContactJson[]; total: number }>();
}

async function bookToken(me: DavClient) {
  const response = await me.propfind(me.book, '0', '<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><d:sync-token/><cs:getctag/></d:prop></d:propfind>');
  const book = parseMultistatus(response.body).byHref(me.book);
  return { token: propOk(book, d('sync-token')).text, ctag: propOk(book, cs('getctag')).text };
}

const syncFrom = async (me: DavClient, token: string) =>
  parseMultistatus(
    (
      await me.report(
        `<d:sync-collection xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/><card:address-data/></d:prop></d:sync-collection>`,
      )
    ).body,
  );

/** The precondition element of a `<D:error>` body. */
function preconditionOf(body: string) {
  const error = parseXmlTree(body);
  expect(error.key).toBe(d('error'));
  return error.children.map((c) => c.key);
}

const group4 = (uid: string, member: string) =>
  crlf(['BEGIN:VCARD', 'VERSION:4.0', `UID:${uid}`, 'KIND:group', 'FN:Book club', `MEMBER:urn:uuid:${member}`, 'END:VCARD']);
const group3 = (uid: string, member: string) =>
  crlf([
    'BEGIN:VCARD',
    'VERSION:3.0',
    'PRODID:-//Apple Inc.//iPhone OS 17.4//EN',
    'N:Climbing;;;;',
    'FN:Climbing',
    'X-ADDRESSBOOKSERVER-KIND:group',
    `X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:${member}`,
    `UID:${uid}`,
    'END:VCARD',
  ]);

describe(`CardDAV cards (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('the 101st card is 507 with quota-not-exceeded and stores nothing; an update and a group at 100 still succeed', async () => {
    const me = await davClient(t);
    for (let i = 0; i < 100; i += 1) {
      const created = await t.app.inject({ method: 'POST', url: '/api/contacts', headers: bearer(me.accessToken), payload: { firstName: `Person ${i}` } });
      expect(created.statusCode).toBe(201);
    }
    const before = await bookToken(me);

    const refused = await me.put('one-too-many.vcf', simpleCard('one-too-many', 'Extra'), { 'if-none-match': '*' });
    expect(refused.statusCode).toBe(507);
    expect(refused.body).toMatch(/<(\w+:)?error[^>]*>.*<(\w+:)?quota-not-exceeded\/>.*<\/(\w+:)?error>/s);
    expect(preconditionOf(refused.body)).toEqual([d('quota-not-exceeded')]);
    expect((await me.request('GET', `${me.book}one-too-many.vcf`)).statusCode).toBe(404);
    expect((await contactsOf(me)).total).toBe(100);
    expect(await bookToken(me)).toEqual(before);

    const listing = parseMultistatus((await me.propfind(me.book, '1', '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>')).body);
    const existing = listing.responses.find((r) => r.href !== me.book)!;
    const text = (await me.request('GET', existing.href)).body;
    const edited = text.replace(/END:VCARD\r\n$/, 'NOTE:Edited at the limit\r\nEND:VCARD\r\n');
    const update = await me.put(decodeURIComponent(existing.href.slice(me.book.length)), edited, { 'if-match': propOk(existing, d('getetag')).text });
    expect(update.statusCode).toBe(204);
    expect((await me.request('GET', existing.href)).body).toBe(edited);

    // Groups are not contacts: they don't count toward the 100.
    expect((await me.put('group-at-limit.vcf', group4('group-at-limit', 'nobody'))).statusCode).toBe(201);
    expect((await contactsOf(me)).total).toBe(100);
  });

  it('a card over 1 MiB is refused with max-resource-size and not stored', async () => {
    const me = await davClient(t);
    for (const size of [1024 * 1024 + 10, 3 * 1024 * 1024]) {
      const big = simpleCard('big', 'Big', [fold(`NOTE:${'x'.repeat(size)}`)]);
      const response = await me.put('big.vcf', big);
      expect(response.statusCode, `${size} bytes`).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(preconditionOf(response.body)).toEqual([card('max-resource-size')]);
      expect((await me.request('GET', `${me.book}big.vcf`)).statusCode).toBe(404);
    }
    expect((await contactsOf(me)).total).toBe(0);
  });

  it('group cards (KIND:group in 4.0, X-ADDRESSBOOKSERVER-KIND:group in 3.0) are stored, served and synced, but are not contacts', async () => {
    const me = await davClient(t);
    expect((await me.put('member.vcf', simpleCard('member-uid', 'Member'))).statusCode).toBe(201);
    const { token } = await bookToken(me);
    const v4 = group4('group-v4', 'member-uid');
    const v3 = group3('group-v3', 'member-uid');
    const put4 = await me.put('group-v4.vcf', v4, { 'if-none-match': '*' });
    const put3 = await me.put('group-v3.vcf', v3, { 'if-none-match': '*' });
    expect([put4.statusCode, put3.statusCode]).toEqual([201, 201]);

    for (const [name, text, put] of [['group-v4.vcf', v4, put4], ['group-v3.vcf', v3, put3]] as const) {
      const get = await me.request('GET', `${me.book}${name}`);
      expect(get.statusCode).toBe(200);
      expect(get.body).toBe(text);
      expect(get.headers.etag).toBe(put.headers.etag);
    }
    const contacts = await contactsOf(me);
    expect(contacts.items.map((c) => c.firstName)).toEqual(['Member']);

    const listing = parseMultistatus((await me.propfind(me.book, '1', '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>')).body);
    expect(listing.responses.map((r) => r.href).sort()).toEqual([me.book, `${me.book}group-v3.vcf`, `${me.book}group-v4.vcf`, `${me.book}member.vcf`].sort());

    const sync = await syncFrom(me, token);
    expect(sync.responses.map((r) => r.href).sort()).toEqual([`${me.book}group-v3.vcf`, `${me.book}group-v4.vcf`]);
    expect(propOk(sync.byHref(`${me.book}group-v4.vcf`), card('address-data')).text).toBe(v4.replace(/\r\n/g, '\n'));

    const edited = v3.replace('FN:Climbing', 'FN:Climbing club');
    expect((await me.put('group-v3.vcf', edited, { 'if-match': put3.headers.etag as string })).statusCode).toBe(204);
    expect((await me.request('DELETE', `${me.book}group-v4.vcf`)).statusCode).toBe(204);
    const after = await syncFrom(me, sync.syncToken!);
    expect(after.byHref(`${me.book}group-v4.vcf`).status).toBe(NOT_FOUND);
    expect(propOk(after.byHref(`${me.book}group-v3.vcf`), card('address-data')).text).toContain('FN:Climbing club');
    expect((await contactsOf(me)).total).toBe(1);
    const trash = await t.app.inject({ method: 'GET', url: '/api/contacts/trash', headers: bearer(me.accessToken) });
    expect(trash.json().items).toEqual([]);
  });

  it('a UID already used by another href is 409 no-uid-conflict naming that href, and stores nothing', async () => {
    const me = await davClient(t);
    expect((await me.put('first.vcf', simpleCard('shared-uid', 'First'))).statusCode).toBe(201);
    const conflict = await me.put('second.vcf', simpleCard('shared-uid', 'Second'));
    expect(conflict.statusCode).toBe(409);
    const error = parseXmlTree(conflict.body);
    expect(error.key).toBe(d('error'));
    const condition = kid(error, key(CARD, 'no-uid-conflict'));
    expect(condition).toBeDefined();
    expect(hrefsIn(condition)).toHaveLength(1);
    expect((await me.request('GET', `${me.book}second.vcf`)).statusCode).toBe(404);
    expect((await contactsOf(me)).items.map((c) => c.firstName)).toEqual(['First']);
    // Once the first card is gone (in the trash), its UID is free again.
    expect((await me.request('DELETE', `${me.book}first.vcf`)).statusCode).toBe(204);
    expect((await me.put('second.vcf', simpleCard('shared-uid', 'Second'))).statusCode).toBe(201);
    expect((await contactsOf(me)).items.map((c) => c.firstName)).toEqual(['Second']);
  });

  // Fails today: the href inside no-uid-conflict is the bare card name (`first.vcf`), not the
  // card's URL path like every other href Kith gives out, and it is not percent-encoded.
  it('no-uid-conflict names the conflicting card by its URL path, percent-encoded', async () => {
    const me = await davClient(t);
    expect((await me.put('Ada%20Lovelace.vcf', simpleCard('uid-in-use', 'First'))).statusCode).toBe(201);
    const conflict = await me.put('other.vcf', simpleCard('uid-in-use', 'Second'));
    expect(conflict.statusCode).toBe(409);
    expect(hrefsIn(kid(parseXmlTree(conflict.body), key(CARD, 'no-uid-conflict')))).toEqual([`${me.book}Ada%20Lovelace.vcf`]);
  });

  it('a BDAY without a year (--0415 in 4.0, X-APPLE-OMIT-YEAR=1604 in 3.0) is the birthday --04-15', async () => {
    const me = await davClient(t);
    const v4 = crlf(['BEGIN:VCARD', 'VERSION:4.0', 'UID:bday-v4', 'FN:Four Digits', 'N:Digits;Four;;;', 'BDAY:--0415', 'END:VCARD']);
    const v3 = simpleCard('bday-v3', 'Apple', ['BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15']);
    const withYear = simpleCard('bday-year', 'Dated', ['BDAY:1990-04-15']);
    // iOS 12.4 sent the year 1604 without the parameter.
    const ios124 = simpleCard('bday-1604', 'Legacy', ['BDAY:1604-04-15']);
    for (const [name, text] of [['bday-v4.vcf', v4], ['bday-v3.vcf', v3], ['bday-year.vcf', withYear], ['bday-1604.vcf', ios124]]) {
      expect((await me.put(name!, text!)).statusCode).toBe(201);
      expect((await me.request('GET', `${me.book}${name}`)).body).toBe(text);
    }
    const byName = Object.fromEntries((await contactsOf(me)).items.map((c) => [c.firstName, c.birthday]));
    expect(byName).toEqual({ Four: '--04-15', Apple: '--04-15', Dated: '1990-04-15', Legacy: '--04-15' });
    const upcoming = await t.app.inject({ method: 'GET', url: '/api/contacts/birthdays?from=2026-04-10&days=10', headers: bearer(me.accessToken) });
    const items = upcoming.json<{ items: Array<{ contact: { firstName: string }; date: string; turning: number | null }> }>().items;
    expect(items.map((i) => [i.contact.firstName, i.date, i.turning]).sort()).toEqual([
      ['Apple', '2026-04-15', null],
      ['Dated', '2026-04-15', 36],
      ['Four', '2026-04-15', null],
      ['Legacy', '2026-04-15', null],
    ]);
  });

  it('a card with a number that can’t be read and a 3000-character note is stored whole; the API shows what it can', async () => {
    const me = await davClient(t);
    const note = Array.from({ length: 400 }, (_, i) => `line ${String(i).padStart(3, '0')}.`).join(' ').slice(0, 3000);
    expect(note).toHaveLength(3000);
    const text = simpleCard('messy', 'Messy', [
      'TEL;TYPE=HOME:call the front desk and ask',
      'TEL;TYPE=CELL:+380 50 123 4567',
      'EMAIL;TYPE=INTERNET:not an address',
      'EMAIL;TYPE=INTERNET:messy@example.com',
      fold(`NOTE:${note}`),
      'X-PHONETIC-FIRST-NAME:Messi',
    ]);
    const put = await me.put('messy.vcf', text);
    expect(put.statusCode).toBe(201);
    expect((await me.request('GET', `${me.book}messy.vcf`)).body).toBe(text);

    const [contact] = (await contactsOf(me)).items;
    expect(contact).toMatchObject({
      firstName: 'Messy',
      lastName: 'Test',
      phones: [{ value: '+380501234567', label: 'mobile' }],
      emails: [{ value: 'messy@example.com', label: null }],
    });
    expect(contact!.notes === null || contact!.notes.length <= 2000).toBe(true);
    if (contact!.notes !== null) expect(note.startsWith(contact!.notes)).toBe(true);
    expect((await t.app.inject({ method: 'GET', url: `/api/contacts/${contact!.id}`, headers: bearer(me.accessToken) })).statusCode).toBe(200);

    // An edit in the API rewrites only its own line: the unreadable number and the long note stay.
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/contacts/${contact!.id}`,
      headers: bearer(me.accessToken),
      payload: { jobTitle: 'Archivist' },
    });
    expect(patched.statusCode).toBe(200);
    const after = (await me.request('GET', `${me.book}messy.vcf`)).body;
    expect(after).toContain('\r\nTEL;TYPE=HOME:call the front desk and ask\r\n');
    expect(after).toContain('\r\nEMAIL;TYPE=INTERNET:not an address\r\n');
    expect(after).toContain(`\r\n${fold(`NOTE:${note}`)}\r\n`);
    expect(after).toMatch(/\r\nTITLE:Archivist\r\n/);
  });

  // Fails today: the name is decoded and re-encoded with encodeURIComponent, so a card PUT as
  // `user@example.com.vcf` is listed as `user%40example.com.vcf`. `@ + = ,` are allowed as they are
  // in a path segment (RFC 3986 pchar) and are reserved characters, whose encoded and plain forms are
  // not equivalent (§6.2.2.2); a client that keys its cards by the href it chose sees a stranger.
  it('a card PUT under an href with @ + = , is listed under that same href', async () => {
    const me = await davClient(t);
    for (const name of ['user@example.com.vcf', 'a+b=c,d.vcf']) expect((await me.put(name, simpleCard(name, 'Named'))).statusCode).toBe(201);
    const listing = parseMultistatus((await me.propfind(me.book, '1', '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>')).body);
    expect(listing.responses.map((r) => r.href).sort()).toEqual([me.book, `${me.book}a+b=c,d.vcf`, `${me.book}user@example.com.vcf`]);
  });

  it('a card PUT under an href with spaces and percent-escapes is served back under the same href', async () => {
    const me = await davClient(t);
    const put = await me.put('Ada%20Lovelace%2B1.vcf', simpleCard('ada-escaped', 'Escaped'));
    expect(put.statusCode).toBe(201);
    const listing = parseMultistatus((await me.propfind(me.book, '1', '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>')).body);
    const hrefs = listing.responses.map((r) => r.href).filter((h) => h !== me.book);
    expect(hrefs).toHaveLength(1);
    expect(decodeURIComponent(hrefs[0]!)).toBe(`${me.book}Ada Lovelace+1.vcf`);
    expect((await me.request('GET', hrefs[0]!)).statusCode).toBe(200);
  });
});
