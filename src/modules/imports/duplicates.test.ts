import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearer } from '../../../test/helpers/accounts.js';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { type ContactJson, type ContactsClient, signedInClient } from '../../../test/helpers/contacts.js';
import { usingPostgres } from '../../../test/helpers/db.js';

interface GroupJson {
  reason: 'email' | 'phone' | 'name';
  value: string;
  contacts: ContactJson[];
}

let t: TestApp;
let me: ContactsClient;
beforeAll(async () => {
  t = await createTestApp({ deps: { trash: { purgeOnStart: false } } });
  me = await signedInClient(t);
  expect((await me.patchMe({ region: 'UA' })).statusCode).toBe(200);
});
afterAll(() => t.close());

// Each test starts from an empty address book.
beforeEach(async () => {
  const listed = (await me.list({ limit: 100 })).json<{ items: ContactJson[] }>().items;
  for (const contact of listed) await me.remove(contact.id);
  await me.emptyTrash();
});

async function groups(client = me): Promise<GroupJson[]> {
  const response = await t.app.inject({ method: 'GET', url: '/api/contacts/duplicates', headers: bearer(client.token) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ groups: GroupJson[] }>().groups;
}
const summary = (found: GroupJson[]) => found.map((g) => ({ reason: g.reason, value: g.value, ids: g.contacts.map((c) => c.id) }));

describe(`GET /api/contacts/duplicates (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('answers { groups: [] } with no contacts, and with contacts that share nothing', async () => {
    expect(await groups()).toEqual([]);
    await me.add({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '+380501234567' });
    await me.add({ firstName: 'Ada', lastName: 'Byron', email: 'ada@byron.example', phone: '+380501234568' });
    await me.add({ firstName: 'Lovelace', notes: 'ada@example.com +380501234567' });
    expect(await groups()).toEqual([]);
  });

  it('groups emails that differ only in case, however they were stored', async () => {
    const a = await me.add({ firstName: 'Ada', emails: [{ value: 'other@example.com' }, { value: 'Ada@Example.COM' }] });
    const b = await me.add({ firstName: 'Augusta', email: 'ada@example.com' });
    expect(summary(await groups())).toEqual([{ reason: 'email', value: 'ada@example.com', ids: [a.id, b.id] }]);
  });

  it('groups phone numbers written differently with the same E.164 number', async () => {
    const a = await me.add({ firstName: 'Taras', phone: '+380 50 123 4567' });
    const b = await me.add({ firstName: 'Shevchenko', phones: [{ value: '(050) 123-45-67', label: 'work' }] });
    const c = await me.add({ firstName: 'Kobzar', phone: '0501234567' });
    await me.add({ firstName: 'Someone', phone: '050 123 4568' });
    expect(summary(await groups())).toEqual([{ reason: 'phone', value: '+380501234567', ids: [c.id, b.id, a.id] }]);
  });

  it('groups full names ignoring case, accents and extra spaces', async () => {
    const a = await me.add({ firstName: 'José', lastName: 'Álvarez' });
    const b = await me.add({ firstName: 'jose', lastName: '  alvarez ' });
    const c = await me.add({ firstName: 'JOSÉ   ÁLVAREZ' });
    await me.add({ firstName: 'José' });
    await me.add({ firstName: 'José', lastName: 'Alvares' });
    const found = await groups();
    expect(found).toHaveLength(1);
    expect(found[0]!.reason).toBe('name');
    expect(found[0]!.contacts.map((x) => x.id).sort()).toEqual([a.id, b.id, c.id].sort());
    // The name as the group's first contact writes it.
    expect(['José Álvarez', 'jose alvarez']).toContain(found[0]!.value);
  });

  it('shows each contact exactly as GET /api/contacts/{id} does', async () => {
    const a = await me.add({
      firstName: 'Grace',
      lastName: 'Hopper',
      emails: [{ value: 'grace@navy.example', label: 'work' }],
      addresses: [{ label: 'home', locality: 'Arlington', country: 'USA' }],
      websites: [{ value: 'https://grace.example' }],
      organization: 'US Navy',
      birthday: '1906-12-09',
      notes: 'Found a moth',
    });
    await me.add({ firstName: 'Amazing', lastName: 'Grace', email: 'grace@navy.example' });
    const [group] = await groups();
    const shown = group!.contacts.find((c) => c.id === a.id);
    expect(shown).toEqual((await me.get(a.id)).json());
  });

  it('lists a pair sharing several values once, under the first reason; a contact can be in several groups', async () => {
    const a = await me.add({ firstName: 'Mary', lastName: 'Shelley', emails: [{ value: 'm@x.example' }, { value: 'mary@x.example' }], phone: '+380501110000' });
    const b = await me.add({ firstName: 'mary', lastName: 'shelley', emails: [{ value: 'mary@x.example' }, { value: 'm@x.example' }], phone: '+380501110000' });
    const c = await me.add({ firstName: 'Percy', phone: '+380501110000' });
    const d = await me.add({ firstName: 'Mary', lastName: 'SHELLEY' });
    const found = summary(await groups());
    const ab = [a.id, b.id].sort((x, y) => (x < y ? -1 : 1));
    expect(found.map((g) => g.reason)).toEqual(['email', 'phone', 'name']);
    expect(found[0]).toEqual({ reason: 'email', value: 'm@x.example', ids: expect.arrayContaining(ab) });
    expect(found[0]!.ids).toHaveLength(2);
    expect([...found[1]!.ids].sort()).toEqual([a.id, b.id, c.id].sort());
    expect([...found[2]!.ids].sort()).toEqual([a.id, b.id, d.id].sort());
    // The same order on every call.
    expect(summary(await groups())).toEqual(found);
  });

  it('leaves out contacts in the trash, and a contact listing one address twice', async () => {
    const a = await me.add({ firstName: 'Alan', email: 'alan@example.com' });
    const b = await me.add({ firstName: 'Turing', email: 'alan@example.com' });
    await me.add({ firstName: 'Solo', emails: [{ value: 'solo@example.com' }, { value: 'SOLO@example.com' }] });
    expect(summary(await groups())).toEqual([{ reason: 'email', value: 'alan@example.com', ids: [a.id, b.id] }]);
    expect((await me.remove(b.id)).statusCode).toBe(204);
    expect(await groups()).toEqual([]);
    expect((await me.restore(b.id)).statusCode).toBe(200);
    expect(await groups()).toHaveLength(1);
  });

  it("never shows another user's contacts, and needs a sign-in", async () => {
    await me.add({ firstName: 'Shared', email: 'shared@example.com' });
    const other = await signedInClient(t);
    await other.add({ firstName: 'Shared', email: 'shared@example.com' });
    expect(await groups()).toEqual([]);
    expect(await groups(other)).toEqual([]);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/contacts/duplicates' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('OpenAPI', () => {
  it('documents both routes with their statuses, schemas and examples', async () => {
    const doc = (await t.app.inject('/openapi.json')).json();
    const duplicates = doc.paths['/api/contacts/duplicates']?.get;
    expect(duplicates.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(duplicates.responses)).toEqual(expect.arrayContaining(['200', '401']));
    expect(JSON.stringify(duplicates.responses['200'])).toContain('Duplicates');
    expect(doc.components.schemas.Duplicates.examples?.[0]?.groups?.[0]?.reason).toBe('email');
    expect(doc.components.schemas.DuplicateGroup.properties.reason.enum).toEqual(['email', 'phone', 'name']);

    const merge = doc.paths['/api/contacts/{id}/merge']?.post;
    expect(merge.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(merge.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '404', '409']));
    expect(merge.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path' }));
    expect(JSON.stringify(merge.requestBody)).toContain('MergeRequest');
    expect(doc.components.schemas.MergeRequest.properties.from).toMatchObject({ minItems: 1, maxItems: 20 });
    expect(JSON.stringify(merge.responses['200'])).toContain('Contact');
    expect(merge.description).toContain('MERGE_TOO_LARGE');
  });
});
