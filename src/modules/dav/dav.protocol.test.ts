/**
 * CardDAV as the contract describes it, method by method: OPTIONS, the three forms of PROPFIND,
 * preconditions, PUT/GET/HEAD/DELETE, sync-collection after changes from the API, PROPPATCH, and
 * two instances on one database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../test/helpers/accounts.js';
import { type TestApp, createSecondInstance, createTestApp } from '../../../test/helpers/app.js';
import { type DavClient, davClient, simpleCard } from '../../../test/helpers/dav.js';
import { card, cs, d, kid, NOT_FOUND, OK, parseMultistatus, parseXmlTree, propOk } from '../../../test/helpers/dav-multistatus.js';
import { usingPostgres } from '../../../test/helpers/db.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const BOOK_PROPS = '<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><cs:getctag/><d:sync-token/><d:displayname/></d:prop></d:propfind>';
const syncBody = (token: string, props = '<d:getetag/><card:address-data/>') =>
  `<d:sync-collection xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop>${props}</d:prop></d:sync-collection>`;

async function bookState(me: DavClient, app = t.app) {
  const response = await me.request('PROPFIND', me.book, { body: BOOK_PROPS, headers: { depth: '0' }, app });
  expect(response.statusCode).toBe(207);
  const book = parseMultistatus(response.body).byHref(me.book);
  return { token: propOk(book, d('sync-token')).text, ctag: propOk(book, cs('getctag')).text, name: propOk(book, d('displayname')).text };
}

async function syncFrom(me: DavClient, token: string, app = t.app) {
  const response = await me.report(syncBody(token), app);
  expect(response.statusCode, response.body).toBe(207);
  return parseMultistatus(response.body);
}

const apiCall = (me: DavClient, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
  t.app.inject({ method, url, headers: bearer(me.accessToken), ...(payload ? { payload } : {}) });

async function contactsOf(me: DavClient) {
  const response = await apiCall(me, 'GET', '/api/contacts?limit=100');
  expect(response.statusCode).toBe(200);
  return response.json<{ items: Array<{ id: string; firstName: string; notes: string | null }>; total: number }>();
}

describe(`CardDAV protocol (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  let me: DavClient;
  beforeAll(async () => {
    me = await davClient(t);
  });

  // Fails today: @fastify/cors takes every OPTIONS as a CORS preflight and answers 400 "Invalid
  // Preflight Request" to a DAV client's plain OPTIONS (no Origin, no Access-Control-Request-Method).
  it('OPTIONS names DAV classes 1, 3 and addressbook, and the methods', async () => {
    for (const url of ['/dav/', me.book]) {
      const response = await me.request('OPTIONS', url);
      expect(response.statusCode).toBe(200);
      const classes = String(response.headers.dav).split(',').map((c) => c.trim());
      expect(classes).toEqual(expect.arrayContaining(['1', '3', 'addressbook']));
      const allow = String(response.headers.allow).split(',').map((m) => m.trim());
      expect(allow).toEqual(expect.arrayContaining(['OPTIONS', 'GET', 'HEAD', 'PUT', 'DELETE', 'PROPFIND', 'PROPPATCH', 'REPORT']));
    }
  });

  it('PROPFIND allprop (and an empty body) and propname', async () => {
    for (const body of ['<d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>', undefined]) {
      const response = await me.propfind(me.book, '0', body);
      expect(response.statusCode).toBe(207);
      const book = parseMultistatus(response.body).byHref(me.book);
      for (const name of [d('resourcetype'), d('displayname'), d('sync-token'), cs('getctag')]) propOk(book, name);
      expect([...book.props.values()].every((p) => p.status === OK)).toBe(true);
    }
    const names = await me.propfind(me.book, '0', '<d:propfind xmlns:d="DAV:"><d:propname/></d:propfind>');
    expect(names.statusCode).toBe(207);
    const book = parseMultistatus(names.body).byHref(me.book);
    for (const name of [d('resourcetype'), d('sync-token'), cs('getctag'), d('supported-report-set')]) {
      const node = propOk(book, name);
      expect(node.children).toEqual([]);
      expect(node.text).toBe('');
    }
  });

  it('PUT answers 201 then 204 with the ETag GET gives; GET returns the exact bytes; HEAD the same headers', async () => {
    const text = simpleCard('bytes-1', 'Bytes', ['NOTE:Ünïcödé \\, escaped\\; kept', 'X-CUSTOM1:whatever']);
    const created = await me.put('bytes-1.vcf', text);
    expect(created.statusCode).toBe(201);
    const get = await me.request('GET', `${me.book}bytes-1.vcf`);
    expect(get.statusCode).toBe(200);
    expect(get.rawPayload.equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(get.headers['content-type']).toContain('text/vcard');
    expect(get.headers.etag).toBe(created.headers.etag);
    expect(get.headers.etag).toMatch(/^"[^"]+"$/);

    const head = await me.request('HEAD', `${me.book}bytes-1.vcf`);
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers.etag).toBe(get.headers.etag);
    expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(text));

    const changed = text.replace('X-CUSTOM1:whatever', 'X-CUSTOM1:changed');
    const updated = await me.put('bytes-1.vcf', changed);
    expect(updated.statusCode).toBe(204);
    expect(updated.headers.etag).not.toBe(created.headers.etag);
    expect((await me.request('GET', `${me.book}bytes-1.vcf`)).headers.etag).toBe(updated.headers.etag);
  });

  it('If-Match and If-None-Match are honoured (412 on a mismatch) and neither is required', async () => {
    const text = simpleCard('pre-1', 'Pre');
    const first = await me.put('pre-1.vcf', text, { 'if-none-match': '*' });
    expect(first.statusCode).toBe(201);
    const etag = first.headers.etag as string;

    const exists = await me.put('pre-1.vcf', simpleCard('pre-1', 'Overwritten'), { 'if-none-match': '*' });
    expect(exists.statusCode).toBe(412);
    const stale = await me.put('pre-1.vcf', simpleCard('pre-1', 'Overwritten'), { 'if-match': '"not-the-etag"' });
    expect(stale.statusCode).toBe(412);
    expect((await me.request('GET', `${me.book}pre-1.vcf`)).body).toBe(text);
    expect((await me.put('nobody-here.vcf', simpleCard('nobody', 'Nobody'), { 'if-match': etag })).statusCode).toBe(412);
    expect((await me.request('GET', `${me.book}nobody-here.vcf`)).statusCode).toBe(404);
    expect((await me.request('DELETE', `${me.book}pre-1.vcf`, { headers: { 'if-match': '"not-the-etag"' } })).statusCode).toBe(412);

    const matching = await me.put('pre-1.vcf', simpleCard('pre-1', 'Matched'), { 'if-match': etag });
    expect(matching.statusCode).toBe(204);
    const unconditional = await me.put('pre-1.vcf', simpleCard('pre-1', 'Plain'));
    expect(unconditional.statusCode).toBe(204);
    expect((await me.request('DELETE', `${me.book}pre-1.vcf`, { headers: { 'if-match': unconditional.headers.etag as string } })).statusCode).toBe(204);
  });

  it('a retried PUT (same href, same body) creates no second contact, also when both tries arrive at once', async () => {
    const other = await davClient(t);
    const text = simpleCard('retry-1', 'Retried');
    expect((await other.put('retry-1.vcf', text)).statusCode).toBe(201);
    const again = await other.put('retry-1.vcf', text);
    expect(again.statusCode).toBe(204);
    expect((await contactsOf(other)).items.map((c) => c.firstName)).toEqual(['Retried']);

    const both = await Promise.all([other.put('retry-2.vcf', simpleCard('retry-2', 'Twice')), other.put('retry-2.vcf', simpleCard('retry-2', 'Twice'))]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 204]);
    expect(both[0].headers.etag).toBe(both[1].headers.etag);
    expect((await contactsOf(other)).total).toBe(2);
  });

  it('DELETE answers 204, the contact is in the trash and the card is gone', async () => {
    const other = await davClient(t);
    expect((await other.put('gone.vcf', simpleCard('gone', 'Gone'))).statusCode).toBe(201);
    const [contact] = (await contactsOf(other)).items;
    const { token } = await bookState(other);
    expect((await other.request('DELETE', `${other.book}gone.vcf`)).statusCode).toBe(204);
    expect((await other.request('GET', `${other.book}gone.vcf`)).statusCode).toBe(404);
    expect((await other.propfind(`${other.book}gone.vcf`, '0')).statusCode).toBe(404);
    expect((await other.request('DELETE', `${other.book}gone.vcf`)).statusCode).toBe(404);
    expect((await contactsOf(other)).total).toBe(0);
    const trash = (await apiCall(other, 'GET', '/api/contacts/trash')).json<{ items: Array<{ id: string; firstName: string }> }>();
    expect(trash.items).toEqual([expect.objectContaining({ id: contact!.id, firstName: 'Gone' })]);
    const sync = await syncFrom(other, token);
    expect(sync.responses).toEqual([expect.objectContaining({ href: `${other.book}gone.vcf`, status: NOT_FOUND })]);
    const listing = parseMultistatus((await other.propfind(other.book, '1', '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>')).body);
    expect(listing.responses.map((r) => r.href)).toEqual([other.book]);
  });

  it('a card deleted over CardDAV and restored in the API comes back under its href with its bytes and ETag', async () => {
    const other = await davClient(t);
    const text = simpleCard('comeback', 'Comeback', ['item1.TEL:+44 20 7946 0000', 'item1.X-ABLabel:Studio', 'X-ABShowAs:PERSON']);
    const put = await other.put('comeback.vcf', text);
    expect(put.statusCode).toBe(201);
    const [contact] = (await contactsOf(other)).items;
    expect((await other.request('DELETE', `${other.book}comeback.vcf`)).statusCode).toBe(204);
    const { token } = await bookState(other);
    expect((await apiCall(other, 'POST', `/api/contacts/${contact!.id}/restore`)).statusCode).toBe(200);
    const got = await other.request('GET', `${other.book}comeback.vcf`);
    expect(got.statusCode).toBe(200);
    expect(got.body).toBe(text);
    expect(got.headers.etag).toBe(put.headers.etag);
    const sync = await syncFrom(other, token);
    expect(sync.responses.map((r) => [r.href, r.status])).toEqual([[`${other.book}comeback.vcf`, undefined]]);
  });

  it('a name whose contact is in the trash is free: If-None-Match: * succeeds there', async () => {
    const other = await davClient(t);
    expect((await other.put('reused.vcf', simpleCard('reused', 'Before'))).statusCode).toBe(201);
    expect((await other.request('DELETE', `${other.book}reused.vcf`)).statusCode).toBe(204);
    const again = await other.put('reused.vcf', simpleCard('reused', 'After'), { 'if-none-match': '*' });
    expect(again.statusCode).toBe(201);
    expect((await contactsOf(other)).items.map((c) => c.firstName)).toEqual(['After']);
    const trash = (await apiCall(other, 'GET', '/api/contacts/trash')).json<{ items: Array<{ firstName: string }> }>();
    expect(trash.items.map((c) => c.firstName)).toEqual(['Before']);
  });

  it('what isn’t a card to store is refused: not a vCard, an empty body, a PUT on a collection', async () => {
    const notCard = await me.put('not-a-card.vcf', 'hello, this is not a vCard\r\n');
    expect(notCard.statusCode).toBe(400);
    expect((await me.put('empty.vcf', '')).statusCode).toBe(400);
    expect((await me.request('PUT', me.book, { body: simpleCard('x', 'X'), headers: { 'content-type': 'text/vcard' } })).statusCode).toBeGreaterThanOrEqual(400);
    for (const name of ['not-a-card.vcf', 'empty.vcf']) expect((await me.request('GET', `${me.book}${name}`)).statusCode).toBe(404);
  });

  it('sync-collection from an old token returns exactly what the API changed: create, edit, delete, restore, purge', async () => {
    const other = await davClient(t);
    const start = await bookState(other);
    const t0 = start.token;
    // The ctag moves with every change too (iOS and macOS look only at it).
    const ctags = [start.ctag];

    const created = await apiCall(other, 'POST', '/api/contacts', { firstName: 'Api', lastName: 'Made', email: 'api@example.com' });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string }>().id;
    const ctagMoved = async () => {
      const { ctag } = await bookState(other);
      expect(ctags).not.toContain(ctag);
      ctags.push(ctag);
    };
    await ctagMoved();
    const afterCreate = await syncFrom(other, t0);
    expect(afterCreate.responses).toHaveLength(1);
    const member = afterCreate.responses[0]!;
    const href = member.href;
    expect(href.startsWith(other.book)).toBe(true);
    const generated = propOk(member, card('address-data')).text;
    expect(generated).toMatch(/^BEGIN:VCARD\r?\nVERSION:3\.0\r?\n/);
    expect(generated).toMatch(/\nFN:Api Made\r?\n/);
    expect(generated).toMatch(/\nEMAIL[^:\n]*:api@example\.com\r?\n/);
    expect(generated).toMatch(/\nUID:[^\r\n]+\r?\n/);
    const etag1 = propOk(member, d('getetag')).text;
    expect(etag1).toBe((await other.request('GET', href)).headers.etag);
    const t1 = afterCreate.syncToken!;
    expect(t1).toBe((await bookState(other)).token);

    expect((await apiCall(other, 'PATCH', `/api/contacts/${id}`, { jobTitle: 'Tester' })).statusCode).toBe(200);
    await ctagMoved();
    const afterPatch = await syncFrom(other, t1);
    expect(afterPatch.responses.map((r) => r.href)).toEqual([href]);
    const etag2 = propOk(afterPatch.responses[0]!, d('getetag')).text;
    expect(etag2).not.toBe(etag1);
    expect(propOk(afterPatch.responses[0]!, card('address-data')).text).toMatch(/\nTITLE:Tester\r?\n/);
    const t2 = afterPatch.syncToken!;

    expect((await apiCall(other, 'DELETE', `/api/contacts/${id}`)).statusCode).toBe(204);
    await ctagMoved();
    const afterDelete = await syncFrom(other, t2);
    expect(afterDelete.responses).toEqual([expect.objectContaining({ href, status: NOT_FOUND })]);
    expect(afterDelete.responses[0]!.props.size).toBe(0);
    const t3 = afterDelete.syncToken!;
    expect((await other.request('GET', href)).statusCode).toBe(404);

    expect((await apiCall(other, 'POST', `/api/contacts/${id}/restore`)).statusCode).toBe(200);
    await ctagMoved();
    const afterRestore = await syncFrom(other, t3);
    expect(afterRestore.responses.map((r) => [r.href, r.status])).toEqual([[href, undefined]]);
    expect(propOk(afterRestore.responses[0]!, d('getetag')).text).toBe((await other.request('GET', href)).headers.etag);
    const t4 = afterRestore.syncToken!;

    expect((await apiCall(other, 'DELETE', `/api/contacts/${id}`)).statusCode).toBe(204);
    const t5 = (await syncFrom(other, t4)).syncToken!;
    expect((await apiCall(other, 'DELETE', `/api/contacts/trash/${id}`)).statusCode).toBe(204);
    await ctagMoved();
    // A purge is not a resurrection: from before the purge, from before the delete, the card stays removed.
    for (const token of [t5, t4, t2]) {
      const sync = await syncFrom(other, token);
      expect(sync.responses.filter((r) => r.status !== NOT_FOUND)).toEqual([]);
    }
    const initial = await syncFrom(other, '');
    expect(initial.responses).toEqual([]);
    expect((await other.request('GET', href)).statusCode).toBe(404);
  });

  it('a token the book never gave out is 403 with valid-sync-token; an old one keeps working', async () => {
    const { token } = await bookState(me);
    const version = Number(/(\d+)$/.exec(token)![1]);
    for (const bad of ['http://example.com/sync/1', 'not-a-token', `http://kith.invalid/sync/${version + 1000}`, 'http://kith.invalid/sync/-1']) {
      const response = await me.report(syncBody(bad, '<d:getetag/>'));
      expect(response.statusCode, bad).toBe(403);
      const error = parseXmlTree(response.body);
      expect(error.key).toBe(d('error'));
      expect(kid(error, d('valid-sync-token')), response.body).toBeDefined();
    }
    expect((await me.report(syncBody('http://kith.invalid/sync/0', '<d:getetag/>'))).statusCode).toBe(207);
  });

  it('PROPPATCH of displayname: 207 and PROPFIND shows the new name; the ctag stays a ctag', async () => {
    const other = await davClient(t);
    const response = await other.request('PROPPATCH', other.book, {
      body: '<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>Family &amp; friends</d:displayname></d:prop></d:set></d:propertyupdate>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(response.statusCode).toBe(207);
    const answer = parseMultistatus(response.body).byHref(other.book);
    expect(answer.props.get(d('displayname'))?.status).toBe(OK);
    expect((await bookState(other)).name).toBe('Family & friends');
    const home = parseMultistatus((await other.propfind(`/dav/addressbooks/${other.userId}/`, '1', BOOK_PROPS)).body);
    expect(propOk(home.byHref(other.book), d('displayname')).text).toBe('Family & friends');
  });

  it('two instances on one database: a PUT through one is in the other’s sync with the same token and ETag', async () => {
    const second = await createSecondInstance(t);
    try {
      const other = await davClient(t);
      const before = await bookState(other, second.app);
      expect(before).toEqual(await bookState(other, t.app));
      const put = await other.put('two-instances.vcf', simpleCard('two-instances', 'Twin'), {}, t.app);
      expect(put.statusCode).toBe(201);
      const viaFirst = await syncFrom(other, before.token, t.app);
      const viaSecond = await syncFrom(other, before.token, second.app);
      expect(viaSecond.syncToken).toBe(viaFirst.syncToken);
      expect(viaSecond.responses.map((r) => r.href)).toEqual([`${other.book}two-instances.vcf`]);
      expect(propOk(viaSecond.responses[0]!, d('getetag')).text).toBe(put.headers.etag);
      expect(propOk(viaSecond.responses[0]!, d('getetag')).text).toBe(propOk(viaFirst.responses[0]!, d('getetag')).text);
      expect((await bookState(other, second.app)).ctag).toBe((await bookState(other, t.app)).ctag);
      // And the other way round.
      const back = await other.put('two-instances.vcf', simpleCard('two-instances', 'Twin', ['NOTE:via two']), {}, second.app);
      expect(back.statusCode).toBe(204);
      const got = await other.request('GET', `${other.book}two-instances.vcf`, { app: t.app });
      expect(got.headers.etag).toBe(back.headers.etag);
      // A card Kith generates for a contact made in the API is the same card, and ETag, on both.
      const made = await apiCall(other, 'POST', '/api/contacts', { firstName: 'Generated', birthday: '--02-29' });
      expect(made.statusCode).toBe(201);
      const all = await syncFrom(other, before.token, second.app);
      for (const response of all.responses) {
        const [one, two] = await Promise.all([t.app, second.app].map((app) => other.request('GET', response.href, { app })));
        expect(one!.body).toBe(two!.body);
        expect(one!.headers.etag).toBe(two!.headers.etag);
        expect(propOk(response, d('getetag')).text).toBe(one!.headers.etag);
      }
      // A client retrying through the other instance while the first try is still running.
      const racing = simpleCard('racing', 'Racer');
      const both = await Promise.all([other.put('racing.vcf', racing, {}, t.app), other.put('racing.vcf', racing, {}, second.app)]);
      expect(both.map((r) => r.statusCode).sort()).toEqual([201, 204]);
      const listed = (await contactsOf(other)).items.map((c) => c.firstName).sort();
      expect(listed).toEqual(['Generated', 'Racer', 'Twin']);
    } finally {
      await second.close();
    }
  });
});
