import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../test/helpers/accounts.js';
import { TEST_APP_URL, type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { discPng } from '../../../test/helpers/avatar-uploads.js';
import { type ContactJson, type ContactsClient, type TrashedContactJson, signedInClient } from '../../../test/helpers/contacts.js';
import { usingPostgres } from '../../../test/helpers/db.js';

let t: TestApp;
let me: ContactsClient;
beforeAll(async () => {
  t = await createTestApp({ deps: { trash: { purgeOnStart: false } } });
  me = await signedInClient(t);
  expect((await me.patchMe({ region: 'UA' })).statusCode).toBe(200);
});
afterAll(() => t.close());

const unknownId = '3f1c2b9e-8a47-4d6b-9c0e-5b7a1d2e4f60';

const merge = (id: string, body: unknown, client = me) =>
  t.app.inject({
    method: 'POST',
    url: `/api/contacts/${id}/merge`,
    headers: { ...bearer(client.token), 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
const trashIds = async (client = me) => (await client.trash()).json<{ items: TrashedContactJson[] }>().items.map((c) => c.id);
const listedIds = async (client = me) => (await client.list({ limit: 100 })).json<{ items: ContactJson[] }>().items.map((c) => c.id);

describe(`POST /api/contacts/{id}/merge: what the merged contact holds (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  let kept: ContactJson;
  let second: ContactJson;
  let third: ContactJson;
  let merged: ContactJson;

  it('answers 200 with the merged contact, which GET and the list then show', async () => {
    kept = await me.add({
      firstName: 'Ada',
      emails: [{ value: 'ada@example.com', label: 'home' }],
      phones: [{ value: '+380 50 123 4567' }],
      addresses: [{ street: '12 St James’s Square', locality: 'London' }],
      websites: [{ value: 'https://ada.example.com/' }],
      organization: 'Analytical Engines',
      notes: 'Met at the Analytical Society',
    });
    second = await me.add({
      firstName: 'Augusta Ada',
      lastName: 'Lovelace',
      emails: [{ value: 'ADA@example.com', label: 'work' }, { value: 'countess@example.com', label: 'work' }],
      phones: [{ value: '050 123 45 67', label: 'mobile' }, { value: '+44 20 7946 0958', label: 'home' }],
      addresses: [{ label: 'home', street: '12 St  James’s Square', locality: 'london' }, { locality: 'Ockham', country: 'UK' }],
      websites: [{ value: 'https://ada.example.com' }, { value: 'https://lovelace.example' }],
      organization: 'Babbage & Co',
      birthday: '1815-12-10',
      notes: 'Poet’s daughter',
    });
    third = await me.add({
      firstName: 'A.',
      lastName: 'King',
      jobTitle: 'Countess',
      birthday: '--12-11',
      emails: [{ value: 'countess@example.com' }, { value: 'king@example.com' }],
      notes: '  Met at the Analytical Society  ',
    });
    // The list is read (and its snapshot cached) before the merge.
    expect(await listedIds()).toHaveLength(3);
    const response = await merge(kept.id, { from: [second.id, third.id] });
    expect(response.statusCode, response.body).toBe(200);
    merged = response.json<ContactJson>();
    expect((await me.get(kept.id)).json()).toEqual(merged);
    expect(await listedIds()).toEqual([kept.id]);
    expect((await me.list({ q: 'Ockham' })).json<{ items: ContactJson[] }>().items.map((c) => c.id)).toEqual([kept.id]);
  });

  it('keeps its id, first name and its own single fields', () => {
    expect(merged).toMatchObject({ id: kept.id, firstName: 'Ada', organization: 'Analytical Engines', createdAt: kept.createdAt });
    expect(Date.parse(merged.updatedAt)).toBeGreaterThanOrEqual(Date.parse(kept.updatedAt));
  });

  it('fills empty single fields from the first of `from` that has one, in order', () => {
    expect(merged.lastName).toBe('Lovelace'); // second, not third's King
    expect(merged.jobTitle).toBe('Countess'); // only third has one
    expect(merged.birthday).toBe('1815-12-10'); // second, not third's --12-11
  });

  it('unites the lists, its own entries first, each value once, taking a label where its own has none', () => {
    expect(merged.emails).toEqual([
      { value: 'ada@example.com', label: 'home' },
      { value: 'countess@example.com', label: 'work' },
      { value: 'king@example.com', label: null },
    ]);
    expect(merged.email).toBe('ada@example.com');
    expect(merged.phones).toEqual([
      { value: '+380501234567', label: 'mobile' },
      { value: '+442079460958', label: 'home' },
    ]);
    expect(merged.addresses).toEqual([
      { label: 'home', street: '12 St James’s Square', locality: 'London', region: null, postalCode: null, country: null },
      { label: null, street: null, locality: 'Ockham', region: null, postalCode: null, country: 'UK' },
    ]);
    expect(merged.websites).toEqual([
      { value: 'https://ada.example.com/', label: null },
      { value: 'https://lovelace.example', label: null },
    ]);
  });

  it('joins the notes with a blank line, a note already there once', () => {
    expect(merged.notes).toBe('Met at the Analytical Society\n\nPoet’s daughter');
  });

  it('moves the others to the trash, out of every read, and each can be restored as it was', async () => {
    expect((await trashIds()).sort()).toEqual([second.id, third.id].sort());
    for (const id of [second.id, third.id]) expect((await me.get(id)).statusCode).toBe(404);
    const restored = await me.restore(second.id);
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json()).toMatchObject({ ...second, updatedAt: expect.any(String) });
    expect((await listedIds()).sort()).toEqual([kept.id, second.id].sort());
  });

  it('a note an earlier merge joined in is not added again', async () => {
    const response = await merge(kept.id, { from: [second.id] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<ContactJson>().notes).toBe('Met at the Analytical Society\n\nPoet’s daughter');
    expect(response.json<ContactJson>().emails).toEqual(merged.emails);
  });

  it('an exact duplicate adds nothing and leaves the kept contact untouched', async () => {
    const a = await me.add({ firstName: 'Twin', email: 'twin@example.com' });
    const b = await me.add({ firstName: 'Twin', email: 'twin@example.com' });
    const response = await merge(a.id, { from: [b.id] });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(a);
    expect(await trashIds()).toContain(b.id);
  });
});

describe('merge refuses what would not fit, and writes nothing', () => {
  const emails = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => ({ value: `${prefix}${i}@example.com` }));

  async function unchanged(before: ContactJson[]) {
    for (const contact of before) expect((await me.get(contact.id)).json()).toEqual(contact);
    const trashed = await trashIds();
    for (const contact of before) expect(trashed).not.toContain(contact.id);
  }

  it('more than 10 emails: 409 MERGE_TOO_LARGE naming emails', async () => {
    const a = await me.add({ firstName: 'Many', emails: emails('a', 6) });
    const b = await me.add({ firstName: 'Many', emails: [...emails('a', 2), ...emails('b', 5)] });
    const response = await merge(a.id, { from: [b.id] });
    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'MERGE_TOO_LARGE', status: 409, errors: [{ path: 'emails', message: expect.stringContaining('11 email addresses') }] });
    expect(response.json().detail).toContain('at most 10');
    await unchanged([a, b]);
  });

  it('several limits at once are all named: phones, addresses, websites and notes', async () => {
    const phones = (start: number, count: number) => Array.from({ length: count }, (_, i) => ({ value: `+38050100${String(start + i).padStart(4, '0')}` }));
    const addresses = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => ({ locality: `${prefix} ${i}` }));
    const websites = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => ({ value: `https://${prefix}${i}.example` }));
    const a = await me.add({ firstName: 'Full', phones: phones(0, 6), addresses: addresses('A', 3), websites: websites('a', 3), notes: 'x'.repeat(1500) });
    const b = await me.add({ firstName: 'Fuller', phones: phones(6, 5), addresses: addresses('B', 3), websites: websites('b', 3), notes: 'y'.repeat(600) });
    const response = await merge(a.id, { from: [b.id] });
    expect(response.statusCode).toBe(409);
    expect(response.json().errors.map((e: { path: string }) => e.path)).toEqual(['phones', 'addresses', 'websites', 'notes']);
    await unchanged([a, b]);
  });

  it('notes just at 2000 characters fit', async () => {
    const a = await me.add({ firstName: 'Notes', notes: 'x'.repeat(1000) });
    const b = await me.add({ firstName: 'Notes', notes: 'y'.repeat(998) });
    const response = await merge(a.id, { from: [b.id] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<ContactJson>().notes).toHaveLength(2000);
  });
});

describe('merge: bad requests and other users (BOLA)', () => {
  let a: ContactJson;
  let b: ContactJson;
  let intruder: ContactsClient;
  let theirs: ContactJson;
  beforeAll(async () => {
    a = await me.add({ firstName: 'Keep', email: 'keep@example.com' });
    b = await me.add({ firstName: 'Fold', email: 'fold@example.com' });
    intruder = await signedInClient(t);
    theirs = await intruder.add({ firstName: 'Theirs', email: 'theirs@example.com', notes: 'private' });
  });

  it('400 for an empty, missing or too long `from`, a repeat, the contact itself, or unknown fields', async () => {
    const many = Array.from({ length: 21 }, (_, i) => `3f1c2b9e-8a47-4d6b-9c0e-${String(i).padStart(12, '0')}`);
    for (const body of [{ from: [] }, {}, { from: many }, { from: [b.id, b.id] }, { from: [b.id, b.id.toUpperCase()] }, { from: [a.id] }, { from: [b.id, a.id.toUpperCase()] }, { from: [b.id], userId: intruder.userId }, { from: 'x' }]) {
      const response = await merge(a.id, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
    }
    expect((await me.get(b.id)).statusCode).toBe(200);
  });

  it("404 NOT_FOUND for an unknown, malformed or another user's id, on either side, and nothing is written", async () => {
    const cases: Array<[string, string[]]> = [
      [unknownId, [b.id]],
      ['not-a-uuid', [b.id]],
      [a.id, [unknownId]],
      [a.id, [b.id, 'nope']],
      [theirs.id, [b.id]],
      [a.id, [theirs.id]],
      [a.id, [b.id, theirs.id]],
    ];
    for (const [id, from] of cases) {
      const response = await merge(id, { from });
      expect(response.statusCode, `${id} <- ${from.join(',')}`).toBe(404);
      expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
    }
    // The intruder can't merge my contacts either, not even into their own.
    expect((await merge(theirs.id, { from: [a.id] }, intruder)).statusCode).toBe(404);
    expect((await merge(a.id, { from: [b.id] }, intruder)).statusCode).toBe(404);
    expect((await me.get(a.id)).json()).toEqual(a);
    expect((await me.get(b.id)).json()).toEqual(b);
    expect((await intruder.get(theirs.id)).json()).toEqual(theirs);
    expect(await trashIds(intruder)).toEqual([]);
  });

  it('404 for a contact in the trash, on either side', async () => {
    const gone = await me.add({ firstName: 'Gone' });
    await me.remove(gone.id);
    expect((await merge(a.id, { from: [gone.id] })).statusCode).toBe(404);
    expect((await merge(gone.id, { from: [a.id] })).statusCode).toBe(404);
    expect((await me.get(a.id)).json()).toEqual(a);
  });

  it('401 without a sign-in', async () => {
    const response = await t.app.inject({ method: 'POST', url: `/api/contacts/${a.id}/merge`, payload: { from: [b.id] } });
    expect(response.statusCode).toBe(401);
  });
});

describe('merge moves the photo', () => {
  const storedFiles = (): string[] => {
    try {
      return readdirSync(path.join(t.config.dataDir, 'avatars')).sort();
    } catch {
      return [];
    }
  };
  const fetchPhoto = (photoUrl: string) => t.app.inject({ method: 'GET', url: new URL(photoUrl, TEST_APP_URL).pathname });

  it('a contact without a photo takes the first other’s; purging that one later keeps the file', async () => {
    const a = await me.add({ firstName: 'Faceless' });
    const b = await me.add({ firstName: 'Plain' });
    const c = await me.add({ firstName: 'Pictured' });
    const uploaded = await me.putPhoto(c.id, [{ data: await discPng(64, 64) }]);
    expect(uploaded.statusCode, uploaded.body).toBe(200);
    const photoUrl = uploaded.json<ContactJson>().photoUrl!;
    const response = await merge(a.id, { from: [b.id, c.id] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<ContactJson>().photoUrl).toBe(photoUrl);
    const trashed = (await me.trash()).json<{ items: TrashedContactJson[] }>().items.find((x) => x.id === c.id);
    expect(trashed?.photoUrl).toBeNull();
    const files = storedFiles();
    expect((await me.purge(c.id)).statusCode).toBe(204);
    expect(storedFiles()).toEqual(files);
    expect((await fetchPhoto(photoUrl)).statusCode).toBe(200);
    expect((await me.get(a.id)).json<ContactJson>().photoUrl).toBe(photoUrl);
  });

  it('a contact with a photo keeps its own; the other keeps its photo in the trash', async () => {
    const a = await me.add({ firstName: 'Mine' });
    const b = await me.add({ firstName: 'Yours' });
    const mine = (await me.putPhoto(a.id, [{ data: await discPng(64, 64) }])).json<ContactJson>().photoUrl;
    const yours = (await me.putPhoto(b.id, [{ data: await discPng(80, 64) }])).json<ContactJson>().photoUrl;
    const response = await merge(a.id, { from: [b.id] });
    expect(response.json<ContactJson>().photoUrl).toBe(mine);
    const trashed = (await me.trash()).json<{ items: TrashedContactJson[] }>().items.find((x) => x.id === b.id);
    expect(trashed?.photoUrl).toBe(yours);
  });
});

describe('merge ?dryRun=true', () => {
  it('answers the contact the merge would make and writes nothing; the merge then makes exactly that', async () => {
    const a = await me.add({ firstName: 'Preview', email: 'p@example.com', notes: 'one' });
    const b = await me.add({ firstName: 'Preview', lastName: 'Later', emails: [{ value: 'q@example.com' }], notes: 'two' });
    const dry = await t.app.inject({
      method: 'POST',
      url: `/api/contacts/${a.id}/merge?dryRun=true`,
      headers: { ...bearer(me.token), 'content-type': 'application/json' },
      payload: JSON.stringify({ from: [b.id] }),
    });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ id: a.id, lastName: 'Later', notes: 'one\n\ntwo', updatedAt: a.updatedAt });
    expect((await me.get(a.id)).json()).toEqual(a);
    expect((await me.get(b.id)).json()).toEqual(b);
    const real = await merge(a.id, { from: [b.id] });
    expect({ ...real.json(), updatedAt: a.updatedAt }).toEqual(dry.json());
  });

  it('gives the same refusals', async () => {
    const many = (p: string) => Array.from({ length: 6 }, (_, i) => ({ value: `${p}${i}@example.com` }));
    const a = await me.add({ firstName: 'Dry', emails: many('x') });
    const b = await me.add({ firstName: 'Dry', emails: many('y') });
    const url = (id: string) => `/api/contacts/${id}/merge?dryRun=true`;
    const post = (id: string, from: string[]) =>
      t.app.inject({ method: 'POST', url: url(id), headers: { ...bearer(me.token), 'content-type': 'application/json' }, payload: JSON.stringify({ from }) });
    expect((await post(a.id, [b.id])).json()).toMatchObject({ status: 409, code: 'MERGE_TOO_LARGE' });
    expect((await post(a.id, [unknownId])).statusCode).toBe(404);
    expect((await post(a.id, [a.id])).statusCode).toBe(400);
    expect(await trashIds()).not.toContain(b.id);
  });
});
