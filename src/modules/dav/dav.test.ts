import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../test/helpers/accounts.js';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { type DavClient, davClient, simpleCard } from '../../../test/helpers/dav.js';
import { usingPostgres } from '../../../test/helpers/db.js';

let t: TestApp;
let me: DavClient;
beforeAll(async () => {
  t = await createTestApp();
  me = await davClient(t);
});
afterAll(async () => t.close());

const PROPFIND_BOOK = `<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><d:getctag/><cs:getctag/><d:sync-token/><d:getetag/><d:resourcetype/></d:prop></d:propfind>`;

describe(`CardDAV basics (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('discovers the principal and the address book', async () => {
    const wellKnown = await t.app.inject({ method: 'PROPFIND', url: '/.well-known/carddav' });
    expect(wellKnown.statusCode).toBe(301);
    expect(wellKnown.headers.location).toBe('/dav/');
    const root = await me.propfind('/dav/', '0', '<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>');
    expect(root.statusCode).toBe(207);
    expect(root.body).toContain(`<d:href>/dav/principals/${me.userId}/</d:href>`);
    expect(root.body).toContain('<d:status>HTTP/1.1 200 OK</d:status>');
    const principal = await me.propfind(
      `/dav/principals/${me.userId}/`,
      '0',
      '<d:propfind xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"><d:prop><card:addressbook-home-set/></d:prop></d:propfind>',
    );
    expect(principal.body).toContain(`/dav/addressbooks/${me.userId}/`);
    const home = await me.propfind(`/dav/addressbooks/${me.userId}/`, '1', PROPFIND_BOOK);
    expect(home.body).toContain(`<d:href>${me.book}</d:href>`);
    expect(home.body).toContain('<card:addressbook/>');
  });

  it('stores a card byte for byte, shows it as a contact, and moves the sync token', async () => {
    const before = await me.propfind(me.book, '0', PROPFIND_BOOK);
    const token = /<d:sync-token>([^<]+)<\/d:sync-token>/.exec(before.body)![1]!;
    const card = simpleCard('uid-1', 'Ada', ['item1.TEL:+44 20 7946 0958', 'item1.X-ABLabel:_$!<Mobile>!$_', 'X-SOCIALPROFILE;type=twitter:x-apple:ada']);
    const put = await me.put('uid-1.vcf', card, { 'if-none-match': '*' });
    expect(put.statusCode).toBe(201);
    const etag = put.headers.etag;
    const get = await me.request('GET', `${me.book}uid-1.vcf`);
    expect(get.body).toBe(card);
    expect(get.headers.etag).toBe(etag);
    const list = await t.app.inject({ method: 'GET', url: '/api/contacts', headers: bearer(me.accessToken) });
    expect(list.json().items).toEqual([expect.objectContaining({ firstName: 'Ada', phone: '+442079460958', phones: [{ value: '+442079460958', label: 'mobile' }] })]);
    const sync = await me.report(
      `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`,
    );
    expect(sync.statusCode).toBe(207);
    expect(sync.body).toContain(`${me.book}uid-1.vcf`);
    expect(sync.body).toContain(etag);
  });

  it('an API edit rewrites only that line; the unknown ones survive', async () => {
    const [contact] = (await t.app.inject({ method: 'GET', url: '/api/contacts', headers: bearer(me.accessToken) })).json().items;
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/contacts/${contact.id}`,
      headers: bearer(me.accessToken),
      payload: { notes: 'Edited in the API' },
    });
    expect(patched.statusCode).toBe(200);
    const get = await me.request('GET', `${me.book}uid-1.vcf`);
    expect(get.body).toContain('\r\nNOTE:Edited in the API\r\n');
    expect(get.body).toContain('\r\nitem1.X-ABLabel:_$!<Mobile>!$_\r\n');
    expect(get.body).toContain('\r\nX-SOCIALPROFILE;type=twitter:x-apple:ada\r\n');
  });

  it('refuses XML with a DOCTYPE, a wrong password and a bearer token', async () => {
    const evil = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&a;</d:displayname></d:prop></d:propfind>';
    expect((await me.propfind(me.book, '0', evil)).statusCode).toBe(400);
    const wrong = await t.app.inject({ method: 'PROPFIND', url: me.book, headers: { authorization: `Basic ${Buffer.from(`${me.email}:nope`).toString('base64')}` } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Basic realm="Kith", charset="UTF-8"');
    const token = await t.app.inject({ method: 'PROPFIND', url: me.book, headers: bearer(me.accessToken) });
    expect(token.statusCode).toBe(401);
  });
});
