/**
 * Merging contacts that phones stored over CardDAV: the kept card gets the merged fields as
 * patched lines (everything else in it byte for byte), and a sync shows the kept card changed and
 * the merged-away cards gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../test/helpers/accounts.js';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { discPng } from '../../../test/helpers/avatar-uploads.js';
import { multipartBody } from '../../../test/helpers/avatar-uploads.js';
import type { ContactJson } from '../../../test/helpers/contacts.js';
import { card, d, NOT_FOUND, parseMultistatus, propOk } from '../../../test/helpers/dav-multistatus.js';
import { type DavClient, davClient } from '../../../test/helpers/dav.js';
import { usingPostgres } from '../../../test/helpers/db.js';

let t: TestApp;
let me: DavClient;
beforeAll(async () => {
  t = await createTestApp({ deps: { trash: { purgeOnStart: false } } });
  me = await davClient(t);
});
afterAll(() => t.close());

const BOOK_PROPS = '<d:propfind xmlns:d="DAV:"><d:prop><d:sync-token/></d:prop></d:propfind>';
const syncBody = (token: string) =>
  `<d:sync-collection xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/><card:address-data/></d:prop></d:sync-collection>`;

async function syncToken(): Promise<string> {
  const response = await me.propfind(me.book, '0', BOOK_PROPS);
  return propOk(parseMultistatus(response.body).byHref(me.book), d('sync-token')).text;
}
const api = (method: 'GET' | 'POST', url: string, body?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: { ...bearer(me.accessToken), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
const contactNamed = async (firstName: string) => {
  const items = (await api('GET', '/api/contacts?limit=100')).json<{ items: ContactJson[] }>().items;
  const found = items.find((c) => c.firstName === firstName);
  if (!found) throw new Error(`no contact ${firstName}`);
  return found;
};

const kept = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'PRODID:-//Apple Inc.//iPhone OS 17.0//EN',
  'UID:merge-kept',
  'N:Curie;Marie;;;',
  'FN:Marie Curie',
  'item1.TEL;type=pref:+33 1 23 45 67 89',
  'item1.X-ABLabel:_$!<Mobile>!$_',
  'X-CUSTOM;x-param=1:keep me exactly',
  'NOTE:Two Nobel prizes',
  'REV:2024-01-01T00:00:00Z',
  'END:VCARD',
  '',
].join('\r\n');
const other = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'UID:merge-other',
  'N:Skłodowska;Maria;;;',
  'FN:Maria Skłodowska',
  'EMAIL;type=INTERNET;type=WORK:marie@radium.example',
  'TEL;type=CELL:+33123456789',
  'ORG:Institut du Radium',
  'BDAY:1867-11-07',
  'NOTE:Born in Warsaw',
  'X-OTHER:only on the other card',
  'END:VCARD',
  '',
].join('\r\n');

describe(`merging contacts with stored cards (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  let keptContact: ContactJson;
  let otherContact: ContactJson;
  let token: string;

  it('merges a card PUT over CardDAV with another and answers the merged contact', async () => {
    expect((await me.put('merge-kept.vcf', kept)).statusCode).toBe(201);
    expect((await me.put('merge-other.vcf', other)).statusCode).toBe(201);
    keptContact = await contactNamed('Marie');
    otherContact = await contactNamed('Maria');
    token = await syncToken();
    const response = await api('POST', `/api/contacts/${keptContact.id}/merge`, { from: [otherContact.id] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      id: keptContact.id,
      firstName: 'Marie',
      lastName: 'Curie',
      emails: [{ value: 'marie@radium.example', label: 'work' }],
      phones: [{ value: '+33123456789', label: 'mobile' }],
      organization: 'Institut du Radium',
      birthday: '1867-11-07',
      notes: 'Two Nobel prizes\n\nBorn in Warsaw',
    });
  });

  it('the kept card keeps every line it had, byte for byte, and shows the merged fields', async () => {
    const served = await me.request('GET', `${me.book}merge-kept.vcf`);
    expect(served.statusCode).toBe(200);
    const text = served.body;
    for (const line of ['PRODID:-//Apple Inc.//iPhone OS 17.0//EN', 'UID:merge-kept', 'N:Curie;Marie;;;', 'FN:Marie Curie', 'item1.TEL;type=pref:+33 1 23 45 67 89', 'item1.X-ABLabel:_$!<Mobile>!$_', 'X-CUSTOM;x-param=1:keep me exactly']) {
      expect(text).toContain(`\r\n${line}\r\n`);
    }
    expect(text).toMatch(/\r\nEMAIL[^:\r\n]*:marie@radium\.example\r\n/);
    expect(text).toContain('\r\nORG:Institut du Radium\r\n');
    expect(text).toMatch(/\r\nBDAY[^:\r\n]*:1867-?11-?07\r\n/);
    expect(text).toContain('\r\nNOTE:Two Nobel prizes\\n\\nBorn in Warsaw\r\n');
    expect(text).not.toContain('REV:2024-01-01T00:00:00Z');
    // The other card's own extras stay with it, in the trash.
    expect(text).not.toContain('X-OTHER');
    // Read back as a contact, the card says what the API says.
    expect((await api('GET', `/api/contacts/${keptContact.id}`)).json()).toMatchObject({ notes: 'Two Nobel prizes\n\nBorn in Warsaw', organization: 'Institut du Radium' });
  });

  it('a sync shows the kept card changed and the merged-away card gone', async () => {
    const response = await me.report(syncBody(token));
    expect(response.statusCode).toBe(207);
    const sync = parseMultistatus(response.body);
    const byHref = new Map(sync.responses.map((r) => [r.href, r]));
    expect([...byHref.keys()].sort()).toEqual([`${me.book}merge-kept.vcf`, `${me.book}merge-other.vcf`]);
    expect(byHref.get(`${me.book}merge-other.vcf`)!.status).toBe(NOT_FOUND);
    const keptEntry = byHref.get(`${me.book}merge-kept.vcf`)!;
    expect(propOk(keptEntry, card('address-data')).text).toContain('ORG:Institut du Radium');
    expect(propOk(keptEntry, d('getetag')).text).toBe((await me.request('GET', `${me.book}merge-kept.vcf`)).headers.etag);
    expect((await me.request('GET', `${me.book}merge-other.vcf`)).statusCode).toBe(404);
  });

  it('restoring the merged-away contact brings its card back as it was', async () => {
    const restoreToken = await syncToken();
    expect((await api('POST', `/api/contacts/${otherContact.id}/restore`)).statusCode).toBe(200);
    const served = await me.request('GET', `${me.book}merge-other.vcf`);
    expect(served.statusCode).toBe(200);
    expect(served.body).toBe(other);
    const sync = parseMultistatus((await me.report(syncBody(restoreToken))).body);
    expect(sync.responses.map((r) => [r.href, r.status])).toEqual([[`${me.book}merge-other.vcf`, undefined]]);
  });

  it('a photo taken over from another contact is written into the kept card', async () => {
    const photoCard = kept.replace('UID:merge-kept', 'UID:merge-photo').replace('Marie', 'Irène').replace('Marie Curie', 'Irène Curie');
    expect((await me.put('merge-photo.vcf', photoCard)).statusCode).toBe(201);
    const target = await contactNamed('Irène');
    const donor = (await api('POST', '/api/contacts', { firstName: 'Frédéric' })).json<ContactJson>();
    const form = multipartBody([{ data: await discPng(64, 64) }]);
    const uploaded = await t.app.inject({
      method: 'PUT',
      url: `/api/contacts/${donor.id}/photo`,
      headers: { ...form.headers, ...bearer(me.accessToken) },
      payload: form.payload,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(200);
    const photoUrl = uploaded.json<ContactJson>().photoUrl!;
    const response = await api('POST', `/api/contacts/${target.id}/merge`, { from: [donor.id] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<ContactJson>().photoUrl).toBe(photoUrl);
    const served = (await me.request('GET', `${me.book}merge-photo.vcf`)).body;
    expect(served).toMatch(/\r\nPHOTO[^:\r\n]*:/);
    expect(served.replace(/\r\n[ \t]/g, '')).toContain(photoUrl);
    expect(served).toContain('\r\nX-CUSTOM;x-param=1:keep me exactly\r\n');
  });
});
