/**
 * Client conversations replayed through app.inject: each request of test/fixtures/dav/<client>/
 * in the order that client sends them, and each answer checked the way that client reads it
 * (status strings compared as text, hrefs, etags, address-data).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../test/helpers/accounts.js';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { type DavClient, davClient, simpleCard } from '../../../test/helpers/dav.js';
import {
  card,
  childKeys,
  cs,
  d,
  hrefsIn,
  kid,
  loadFixture,
  NOT_FOUND,
  OK,
  parseMultistatus,
  propOk,
} from '../../../test/helpers/dav-multistatus.js';
import { usingPostgres } from '../../../test/helpers/db.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function replay(me: DavClient, client: string, file: string, vars: Record<string, string> = {}) {
  const request = loadFixture(client, file, { userId: me.userId, ...vars });
  return t.app.inject({
    method: request.method as 'GET',
    url: request.url,
    headers: { ...request.headers, authorization: me.basic },
    ...(request.body !== '' ? { payload: request.body } : {}),
  });
}

const api = (me: DavClient) => ({
  create: (body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/contacts', headers: bearer(me.accessToken), payload: body }),
  patch: (id: string, body: Record<string, unknown>) =>
    t.app.inject({ method: 'PATCH', url: `/api/contacts/${id}`, headers: bearer(me.accessToken), payload: body }),
  list: async () =>
    (await t.app.inject({ method: 'GET', url: '/api/contacts?limit=100&sort=firstName', headers: bearer(me.accessToken) })).json<{
      items: Array<Record<string, unknown> & { id: string; firstName: string }>;
    }>().items,
});

/** Every status line in the body is one of the two clients compare against. */
function expectOnlyExactStatusLines(body: string) {
  const lines = [...body.matchAll(/<(?:\w+:)?status>([^<]*)</g)].map((m) => m[1]);
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect([OK, NOT_FOUND]).toContain(line);
}

/** The card as a client reads it: GET's body and ETag. */
async function fetchCard(me: DavClient, href: string) {
  const response = await me.request('GET', href);
  expect(response.statusCode).toBe(200);
  return { body: response.body, etag: response.headers.etag as string };
}

/**
 * XML parsers turn a CRLF in text into LF (XML 1.0 §2.11) unless the CR is written as a
 * character reference, so this is the card a conforming client gets out of address-data.
 */
const asXmlText = (cardText: string) => cardText.replace(/\r\n/g, '\n');

const hrefOf = (me: DavClient, name: string) => `${me.book}${name}`;

describe(`replayed client conversations (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('iOS and macOS: discovery, ctag, the etag listing, multiget, a new card and the next sync', async () => {
    const me = await davClient(t);
    expect((await api(me).create({ firstName: 'Charles', lastName: 'Babbage', email: 'charles@example.com' })).statusCode).toBe(201);
    expect((await api(me).create({ firstName: 'Mary', lastName: 'Somerville' })).statusCode).toBe(201);

    const wellKnown = await replay(me, 'ios', '01-propfind-well-known.http');
    expect(wellKnown.statusCode).toBe(301);
    expect(wellKnown.headers.location).toBe('/dav/');

    const root = await replay(me, 'ios', '02-propfind-root.http');
    expect(root.statusCode).toBe(207);
    expectOnlyExactStatusLines(root.body);
    const rootAnswer = parseMultistatus(root.body).byHref('/dav/');
    expect(hrefsIn(propOk(rootAnswer, d('current-user-principal')))).toEqual([`/dav/principals/${me.userId}/`]);

    const principal = await replay(me, 'ios', '03-propfind-principal.http');
    expect(principal.statusCode).toBe(207);
    expectOnlyExactStatusLines(principal.body);
    const principalAnswer = parseMultistatus(principal.body).byHref(`/dav/principals/${me.userId}/`);
    expect(hrefsIn(propOk(principalAnswer, card('addressbook-home-set')))).toEqual([`/dav/addressbooks/${me.userId}/`]);
    expect(hrefsIn(propOk(principalAnswer, d('principal-URL')))).toEqual([`/dav/principals/${me.userId}/`]);
    expect(principalAnswer.props.get(card('directory-gateway'))?.status).toBe(NOT_FOUND);
    expect(principalAnswer.props.get(cs('email-address-set'))?.status).toBe(NOT_FOUND);

    const home = await replay(me, 'ios', '04-propfind-home.http');
    expect(home.statusCode).toBe(207);
    expectOnlyExactStatusLines(home.body);
    const homeListing = parseMultistatus(home.body);
    // One address book: macOS uses only the first collection it finds.
    expect(homeListing.responses.map((r) => r.href)).toEqual([`/dav/addressbooks/${me.userId}/`, me.book]);
    const book = homeListing.byHref(me.book);
    const ctag = propOk(book, cs('getctag')).text;
    const syncToken = propOk(book, d('sync-token')).text;
    expect(ctag).not.toBe('');
    expect(syncToken).toMatch(/^http:\/\/kith\.invalid\/sync\/\d+$/);
    expect(childKeys(propOk(book, d('resourcetype')))).toEqual(expect.arrayContaining([d('collection'), card('addressbook')]));
    const reports = propOk(book, d('supported-report-set'))
      .children.map((supported) => childKeys(kid(supported, d('report')))[0]);
    expect(reports).toEqual(expect.arrayContaining([card('addressbook-multiget'), card('addressbook-query'), d('sync-collection')]));
    const privileges = propOk(book, d('current-user-privilege-set')).children.flatMap((p) => childKeys(p));
    expect(privileges).toEqual(expect.arrayContaining([d('read'), d('write')]));
    expect(propOk(book, card('max-resource-size')).text).toBe(String(1024 * 1024));
    for (const extra of [
      d('add-member'),
      '{http://me.com/_namespace/}bulk-requests',
      card('max-image-size'),
      cs('me-card'),
      cs('push-transports'),
      cs('pushkey'),
      d('quota-available-bytes'),
      d('quota-used-bytes'),
      d('resource-id'),
    ]) {
      expect(book.props.get(extra)?.status, extra).toBe(NOT_FOUND);
    }

    const listing = await replay(me, 'ios', '05-propfind-book-etags.http');
    expect(listing.statusCode).toBe(207);
    expectOnlyExactStatusLines(listing.body);
    const members = parseMultistatus(listing.body).responses.filter((r) => r.href !== me.book);
    expect(members).toHaveLength(2);
    for (const member of members) {
      expect(propOk(member, d('getcontenttype')).text).toContain('vcard');
      expect(propOk(member, d('getetag')).text).toBe((await fetchCard(me, member.href)).etag);
    }

    const [href1, href2] = members.map((m) => m.href) as [string, string];
    const missingHref = hrefOf(me, 'never-stored.vcf');
    const multiget = await replay(me, 'ios', '06-multiget.http', { href1, href2, missingHref });
    expect(multiget.statusCode).toBe(207);
    expectOnlyExactStatusLines(multiget.body);
    const got = parseMultistatus(multiget.body);
    expect(got.responses.map((r) => r.href)).toEqual([href1, href2, missingHref]);
    expect(got.byHref(missingHref).status).toBe(NOT_FOUND);
    const names = [];
    for (const href of [href1, href2]) {
      const stored = await fetchCard(me, href);
      const answer = got.byHref(href);
      expect(propOk(answer, d('getetag')).text).toBe(stored.etag);
      const data = propOk(answer, card('address-data')).text;
      expect(data).toBe(asXmlText(stored.body));
      // Cards Kith writes for contacts made in the API are vCard 3.0 (macOS drops 4.0 cards).
      expect(data).toMatch(/^BEGIN:VCARD\nVERSION:3\.0\n/);
      names.push(/\nFN:([^\n]*)\n/.exec(data)?.[1]);
    }
    expect(names.sort()).toEqual(['Charles Babbage', 'Mary Somerville']);

    const uid = 'E7B7C0B2-5E1C-4C57-9C43-0F5C3F1D2A11';
    const put = await replay(me, 'ios', '07-put-new-card.http', { name: `${uid}.vcf`, uid });
    expect(put.statusCode).toBe(201);
    expect(put.headers.etag).toMatch(/^"[^"]+"$/);
    const sent = loadFixture('ios', '07-put-new-card.http', { userId: me.userId, name: `${uid}.vcf`, uid }).body;
    const stored = await fetchCard(me, hrefOf(me, `${uid}.vcf`));
    expect(stored.body).toBe(sent);
    expect(stored.etag).toBe(put.headers.etag);

    // The ctag and the sync token moved: this is what makes iOS look again.
    const homeAgain = parseMultistatus((await replay(me, 'ios', '04-propfind-home.http')).body).byHref(me.book);
    expect(propOk(homeAgain, cs('getctag')).text).not.toBe(ctag);
    const newToken = propOk(homeAgain, d('sync-token')).text;
    expect(newToken).not.toBe(syncToken);

    const sync = await replay(me, 'ios', '08-sync-collection.http', { syncToken });
    expect(sync.statusCode).toBe(207);
    expectOnlyExactStatusLines(sync.body);
    const changes = parseMultistatus(sync.body);
    expect(changes.syncToken).toBe(newToken);
    expect(changes.responses.map((r) => r.href)).toEqual([hrefOf(me, `${uid}.vcf`)]);
    expect(propOk(changes.responses[0]!, d('getetag')).text).toBe(put.headers.etag);

    const ada = (await api(me).list()).find((c) => c.firstName === 'Ada');
    expect(ada).toMatchObject({
      lastName: 'Lovelace',
      organization: 'Analytical Engines',
      birthday: '--12-10',
      email: 'ada@example.com',
      phones: [{ value: '+442079460958', label: 'mobile' }],
    });
  });

  it('DAVx⁵: the collection, an initial sync with an empty token, multiget, then incremental syncs and a vCard 4.0 PUT', async () => {
    const me = await davClient(t);
    const babbage = (await api(me).create({ firstName: 'Charles', lastName: 'Babbage' })).json<{ id: string }>();
    expect((await me.put('other-client.vcf', simpleCard('other-client', 'Ada'))).statusCode).toBe(201);

    const collection = await replay(me, 'davx5', '01-propfind-book.http');
    expect(collection.statusCode).toBe(207);
    expectOnlyExactStatusLines(collection.body);
    const book = parseMultistatus(collection.body).byHref(me.book);
    const versions = propOk(book, card('supported-address-data')).children.map((c) => c.attrs.version);
    expect(versions).toEqual(expect.arrayContaining(['3.0', '4.0']));
    expect(propOk(book, d('supported-report-set')).children.flatMap((s) => childKeys(kid(s, d('report'))))).toContain(d('sync-collection'));
    const bookToken = propOk(book, d('sync-token')).text;

    const initial = await replay(me, 'davx5', '02-sync-initial.http');
    expect(initial.statusCode).toBe(207);
    expectOnlyExactStatusLines(initial.body);
    const first = parseMultistatus(initial.body);
    expect(first.syncToken).toBe(bookToken);
    // An initial sync lists every member and no removals.
    expect(first.responses.every((r) => r.status === undefined)).toBe(true);
    const hrefs = first.responses.map((r) => r.href).sort();
    expect(hrefs).toHaveLength(2);
    expect(hrefs).toContain(hrefOf(me, 'other-client.vcf'));
    const etags = new Map(first.responses.map((r) => [r.href, propOk(r, d('getetag')).text]));

    const [href1, href2] = hrefs as [string, string];
    const multiget = await replay(me, 'davx5', '03-multiget.http', { href1, href2 });
    expect(multiget.statusCode).toBe(207);
    expectOnlyExactStatusLines(multiget.body);
    const got = parseMultistatus(multiget.body);
    for (const href of hrefs) {
      const stored = await fetchCard(me, href);
      expect(propOk(got.byHref(href), d('getetag')).text).toBe(stored.etag);
      expect(propOk(got.byHref(href), d('getetag')).text).toBe(etags.get(href));
      expect(propOk(got.byHref(href), card('address-data')).text).toBe(asXmlText(stored.body));
    }

    // Edited in the web app: the next sync brings exactly that card, with a new etag.
    expect((await api(me).patch(babbage.id, { notes: 'Difference engine' })).statusCode).toBe(200);
    const afterEdit = parseMultistatus((await replay(me, 'davx5', '05-sync-incremental.http', { syncToken: first.syncToken! })).body);
    expect(afterEdit.responses).toHaveLength(1);
    const edited = afterEdit.responses[0]!;
    expect(hrefs).toContain(edited.href);
    expect(edited.href).not.toBe(hrefOf(me, 'other-client.vcf'));
    const editedEtag = propOk(edited, d('getetag')).text;
    expect(editedEtag).not.toBe(etags.get(edited.href));
    expect(editedEtag).toBe((await fetchCard(me, edited.href)).etag);
    expect(afterEdit.syncToken).not.toBe(first.syncToken);

    const uid = 'c3a4b9e2-7d0f-4b61-9a51-5b8f0e9d1c22';
    const vars = { name: `${uid}.vcf`, uid };
    const put = await replay(me, 'davx5', '04-put-new-card.http', vars);
    expect(put.statusCode).toBe(201);
    const sent = loadFixture('davx5', '04-put-new-card.http', { userId: me.userId, ...vars }).body;
    expect((await fetchCard(me, hrefOf(me, `${uid}.vcf`))).body).toBe(sent);
    // DAVx⁵ repeats a PUT whose answer it lost; If-None-Match: * keeps it from overwriting.
    expect((await replay(me, 'davx5', '04-put-new-card.http', vars)).statusCode).toBe(412);

    const afterPut = parseMultistatus((await replay(me, 'davx5', '05-sync-incremental.http', { syncToken: afterEdit.syncToken! })).body);
    expect(afterPut.responses.map((r) => r.href)).toEqual([hrefOf(me, `${uid}.vcf`)]);
    expect(propOk(afterPut.responses[0]!, d('getetag')).text).toBe(put.headers.etag);
    // Nothing changed since: an empty answer with the same token.
    const quiet = parseMultistatus((await replay(me, 'davx5', '05-sync-incremental.http', { syncToken: afterPut.syncToken! })).body);
    expect(quiet.responses).toEqual([]);
    expect(quiet.syncToken).toBe(afterPut.syncToken);

    const grace = (await api(me).list()).find((c) => c.firstName === 'Grace');
    expect(grace).toMatchObject({
      lastName: 'Hopper',
      birthday: '--12-09',
      notes: 'Wrote the first compiler.',
      phones: [
        { value: '+12025550143', label: 'Boat phone' },
        { value: '+12025550199', label: 'work' },
      ],
      emails: [{ value: 'grace@navy.example', label: 'Navy' }],
    });
  });

  it('Thunderbird: vCard 4.0 PUTs without preconditions, sync-collection and multiget with Depth: 1', async () => {
    const me = await davClient(t);
    const collection = await replay(me, 'thunderbird', '01-propfind-book.http');
    expect(collection.statusCode).toBe(207);
    expectOnlyExactStatusLines(collection.body);
    const book = parseMultistatus(collection.body).byHref(me.book);
    expect(childKeys(propOk(book, d('resourcetype')))).toEqual(expect.arrayContaining([d('collection'), card('addressbook')]));
    const token0 = propOk(book, d('sync-token')).text;

    const uid = '9a0b4d8e-3f51-4c2e-8f7a-1d2e3f4a5b6c';
    const vars = { name: `${uid}.vcf`, uid };
    const put = await replay(me, 'thunderbird', '02-put-new-card.http', vars);
    expect(put.statusCode).toBe(201);
    const etag = put.headers.etag as string;
    expect(etag).toMatch(/^"[^"]+"$/);
    const sent = loadFixture('thunderbird', '02-put-new-card.http', { userId: me.userId, ...vars }).body;
    const href = hrefOf(me, `${uid}.vcf`);

    const sync = await replay(me, 'thunderbird', '04-sync-collection.http', { syncToken: token0 });
    expect(sync.statusCode).toBe(207);
    expectOnlyExactStatusLines(sync.body);
    const changes = parseMultistatus(sync.body);
    expect(changes.responses.map((r) => r.href)).toEqual([href]);
    expect(propOk(changes.responses[0]!, d('getetag')).text).toBe(etag);
    expect(propOk(changes.responses[0]!, card('address-data')).text).toBe(asXmlText(sent));

    const multiget = await replay(me, 'thunderbird', '03-multiget.http', { href1: href });
    expect(multiget.statusCode).toBe(207);
    expect(multiget.body).toContain(`<d:status>${OK}</d:status>`);
    const got = parseMultistatus(multiget.body).byHref(href);
    expect(propOk(got, d('getetag')).text).toBe(etag);
    expect(propOk(got, card('address-data')).text).toBe(asXmlText(sent));

    const edit = await replay(me, 'thunderbird', '05-put-edit.http', vars);
    expect(edit.statusCode).toBe(204);
    expect(edit.headers.etag).not.toBe(etag);
    const again = parseMultistatus((await replay(me, 'thunderbird', '04-sync-collection.http', { syncToken: changes.syncToken! })).body);
    expect(again.responses.map((r) => r.href)).toEqual([href]);
    expect(propOk(again.responses[0]!, d('getetag')).text).toBe(edit.headers.etag);
    expect(propOk(again.responses[0]!, card('address-data')).text).toContain('NOTE:Orbital mechanics. Hidden figure.');

    const contacts = await api(me).list();
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({
      firstName: 'Katherine',
      lastName: 'Johnson',
      email: 'katherine@nasa.example',
      phone: '+17575550100',
      notes: 'Orbital mechanics. Hidden figure.',
    });
  });

  it('Evolution: addressbook-query with Depth: 0 on the collection, with a text-match and without a filter', async () => {
    const me = await davClient(t);
    const collection = await replay(me, 'evolution', '01-propfind-book.http');
    expect(collection.statusCode).toBe(207);
    expectOnlyExactStatusLines(collection.body);
    const book = parseMultistatus(collection.body).byHref(me.book);
    expect(propOk(book, cs('getctag')).text).not.toBe('');
    const privileges = propOk(book, d('current-user-privilege-set')).children.flatMap((p) => childKeys(p));
    expect(privileges).toContain(d('write'));

    const uid = 'pas-id-6678A1B2C3D4E5F6';
    const put = await replay(me, 'evolution', '02-put-new-card.http', { name: `${uid}.vcf`, uid });
    expect(put.statusCode).toBe(201);
    const sent = loadFixture('evolution', '02-put-new-card.http', { userId: me.userId, name: `${uid}.vcf`, uid }).body;
    expect((await fetchCard(me, hrefOf(me, `${uid}.vcf`))).body).toBe(sent);
    await api(me).create({ firstName: 'Ada', lastName: 'Byron', email: 'ada@example.com' });
    expect((await me.put('bob.vcf', simpleCard('bob', 'Bob'))).statusCode).toBe(201);
    const everyone = (await me.propfind(me.book, '1', '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>')).body;
    const allHrefs = parseMultistatus(everyone).responses.map((r) => r.href).filter((h) => h !== me.book).sort();
    expect(allHrefs).toHaveLength(3);
    const adaHref = allHrefs.find((h) => h !== hrefOf(me, `${uid}.vcf`) && h !== hrefOf(me, 'bob.vcf'))!;

    const search = async (needle: string) => {
      const response = await replay(me, 'evolution', '03-query-text-match.http', { needle });
      expect(response.statusCode).toBe(207);
      const answer = parseMultistatus(response.body);
      if (answer.responses.length > 0) expectOnlyExactStatusLines(response.body);
      return answer;
    };
    // By FN, whatever the case (i;unicode-casemap).
    const turing = await search('TURING');
    expect(turing.responses.map((r) => r.href)).toEqual([hrefOf(me, `${uid}.vcf`)]);
    expect(propOk(turing.responses[0]!, d('getetag')).text).toBe(put.headers.etag);
    expect(propOk(turing.responses[0]!, card('address-data')).text).toBe(asXmlText(sent));
    // By EMAIL (anyof).
    expect((await search('bletchley')).responses.map((r) => r.href)).toEqual([hrefOf(me, `${uid}.vcf`)]);
    // A contact made in the API is found through its generated card.
    expect((await search('byron')).responses.map((r) => r.href)).toEqual([adaHref]);
    expect((await search('nobody-has-this')).responses).toEqual([]);

    const all = await replay(me, 'evolution', '04-query-all.http');
    expect(all.statusCode).toBe(207);
    expectOnlyExactStatusLines(all.body);
    const listed = parseMultistatus(all.body).responses;
    expect(listed.map((r) => r.href).sort()).toEqual(allHrefs);
    for (const member of listed) expect(propOk(member, d('getetag')).text).toBe((await fetchCard(me, member.href)).etag);
  });
});
