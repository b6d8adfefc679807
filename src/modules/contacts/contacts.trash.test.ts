import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { type ContactJson, type ContactsClient, type TrashedContactJson, signedInClient } from '../../../test/helpers/contacts.js';

// DELETE moves a contact to the trash; from there it can be restored, or deleted for good.
let t: TestApp;
let me: ContactsClient;
beforeAll(async () => {
  t = await createTestApp({ deps: { trash: { purgeOnStart: false } } });
  me = await signedInClient(t);
});
afterAll(() => t.close());

const DAY_MS = 24 * 60 * 60 * 1000;
const unknownId = '3f1c2b9e-8a47-4d6b-9c0e-5b7a1d2e4f60';

const trashItems = async (client = me) => {
  const response = await client.trash();
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: TrashedContactJson[] }>().items;
};
const trashIds = async (client = me) => (await trashItems(client)).map((c) => c.id);
const listedIds = async (client = me, query = {}) =>
  (await client.list({ limit: 100, ...query })).json<{ items: ContactJson[] }>().items.map((c) => c.id);
const birthdayIds = async (client = me) =>
  (await client.birthdays({ from: '2026-01-01', days: 366 })).json<{ items: Array<{ contact: ContactJson }> }>().items.map((b) => b.contact.id);

async function seed(client: ContactsClient, count: number) {
  for (let start = 0; start < count; start += 20) {
    await Promise.all(Array.from({ length: Math.min(20, count - start) }, (_, i) => client.add({ firstName: `Seed ${start + i}` })));
  }
}

describe('DELETE /api/contacts/{id} moves the contact to the trash', () => {
  let zelda: ContactJson;
  let before: number;
  let after: number;

  it('answers 204; the contact then answers 404 for get, patch, delete and its photo', async () => {
    zelda = await me.add({
      firstName: 'Zelda',
      lastName: 'Trashworthy',
      emails: [{ value: 'zelda@example.com', label: 'home' }, { value: 'zelda@work.example' }],
      phone: '+14155552671',
      birthday: '1990-06-15',
      organization: 'Hyrule',
    });
    expect(await listedIds()).toContain(zelda.id);
    before = t.clock.now().getTime();
    const response = await me.remove(zelda.id);
    after = t.clock.now().getTime();
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');

    for (const gone of [await me.get(zelda.id), await me.patch(zelda.id, { notes: 'x' }), await me.remove(zelda.id), await me.deletePhoto(zelda.id)]) {
      expect(gone.statusCode).toBe(404);
      expect(gone.json()).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    }
  });

  it('is absent from the list, every search and filter, and the birthdays', async () => {
    expect(await listedIds()).not.toContain(zelda.id);
    for (const query of [{ q: 'Zelda' }, { q: 'zelda@work' }, { q: '4155552671' }, { q: 'Hyrule' }, { firstName: 'Zel' }, { lastName: 'Trash' }, { email: 'zelda' }, { phone: '415555' }]) {
      expect(await listedIds(me, query), JSON.stringify(query)).not.toContain(zelda.id);
    }
    expect(await birthdayIds()).not.toContain(zelda.id);
    expect((await me.list({ limit: 100 })).json().total).toBe(0);
  });

  it('is in GET /api/contacts/trash as it was, with deletedAt and purgeAt 30 days later', async () => {
    const items = await trashItems();
    expect(items).toEqual([{ ...zelda, deletedAt: expect.any(String), purgeAt: expect.any(String) }]);
    const [item] = items;
    const deletedAt = Date.parse(item!.deletedAt);
    expect(deletedAt).toBeGreaterThanOrEqual(before);
    expect(deletedAt).toBeLessThanOrEqual(after);
    expect(item!.deletedAt).toBe(new Date(deletedAt).toISOString());
    expect(Date.parse(item!.purgeAt) - deletedAt).toBe(30 * DAY_MS);
  });

  it('restore answers 200 with the contact, back in the list, search and birthdays, and out of the trash', async () => {
    const response = await me.restore(zelda.id);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ ...zelda, updatedAt: expect.any(String) });
    expect((await me.get(zelda.id)).json()).toEqual(response.json());
    expect(await listedIds()).toEqual([zelda.id]);
    expect(await listedIds(me, { q: 'zelda@work' })).toEqual([zelda.id]);
    expect(await birthdayIds()).toEqual([zelda.id]);
    expect(await trashIds()).toEqual([]);
    await me.remove(zelda.id);
    await me.purge(zelda.id);
  });
});

describe('the trash list', () => {
  it('is newest deletion first', async () => {
    const [a, b, c] = [await me.add({ firstName: 'Alpha' }), await me.add({ firstName: 'Bravo' }), await me.add({ firstName: 'Charlie' })];
    for (const contact of [b, a, c]) {
      t.clock.advance(1000);
      expect((await me.remove(contact.id)).statusCode).toBe(204);
    }
    const items = await trashItems();
    expect(items.map((i) => i.firstName)).toEqual(['Charlie', 'Alpha', 'Bravo']);
    const times = items.map((i) => Date.parse(i.deletedAt));
    expect(times[0]! - times[1]!).toBeGreaterThanOrEqual(1000);
    expect(times[1]! - times[2]!).toBeGreaterThanOrEqual(1000);
    for (const item of items) expect(Date.parse(item.purgeAt) - Date.parse(item.deletedAt)).toBe(30 * DAY_MS);
    expect((await me.emptyTrash()).statusCode).toBe(204);
  });
});

describe('restore', () => {
  it('answers 404 for a live contact, an unknown id, a malformed id and a second restore', async () => {
    const live = await me.add({ firstName: 'Alive' });
    const trashed = await me.add({ firstName: 'Once' });
    await me.remove(trashed.id);
    expect((await me.restore(trashed.id)).statusCode).toBe(200);
    for (const id of [live.id, unknownId, trashed.id, 'not-a-uuid', "1' or '1'='1"]) {
      const response = await me.restore(id);
      expect(response.statusCode, id).toBe(404);
      expect(response.json().code).toBe('NOT_FOUND');
    }
    expect((await me.get(live.id)).statusCode).toBe(200);
    expect((await me.get(trashed.id)).statusCode).toBe(200);
    await me.remove(live.id);
    await me.remove(trashed.id);
    await me.emptyTrash();
  });

  it('a trashed contact does not count toward the 100; restoring at 100 is 409 and leaves it in the trash', async () => {
    const full = await signedInClient(t);
    await seed(full, 100);
    expect((await full.create({ firstName: 'One too many' })).statusCode).toBe(409);
    const [victim] = (await full.list({ limit: 1 })).json<{ items: ContactJson[] }>().items;
    expect((await full.remove(victim!.id)).statusCode).toBe(204);
    // Its slot is free: a new contact takes it.
    expect((await full.create({ firstName: 'Newcomer' })).statusCode).toBe(201);

    const refused = await full.restore(victim!.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ status: 409, code: 'CONTACT_LIMIT_REACHED' });
    expect(await trashIds(full)).toEqual([victim!.id]);
    expect((await full.get(victim!.id)).statusCode).toBe(404);
    expect((await full.list({ limit: 1 })).json().total).toBe(100);

    // With one slot free again, it comes back, and the 100 is full once more.
    const [other] = (await full.list({ limit: 1, q: 'Newcomer' })).json<{ items: ContactJson[] }>().items;
    await full.remove(other!.id);
    expect((await full.restore(victim!.id)).statusCode).toBe(200);
    expect((await full.list({ limit: 1 })).json().total).toBe(100);
    expect((await full.create({ firstName: 'Still too many' })).statusCode).toBe(409);
  });
});

describe('deleting for good', () => {
  it('DELETE /api/contacts/trash/{id} answers 204; the contact is gone for good', async () => {
    const gone = await me.add({ firstName: 'Forever' });
    const kept = await me.add({ firstName: 'Kept' });
    await me.remove(gone.id);
    await me.remove(kept.id);
    const response = await me.purge(gone.id);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(await trashIds()).toEqual([kept.id]);
    expect((await me.restore(gone.id)).statusCode).toBe(404);
    expect((await me.get(gone.id)).statusCode).toBe(404);
    expect((await me.purge(gone.id)).statusCode).toBe(404);
    expect((await me.restore(kept.id)).statusCode).toBe(200);
    await me.remove(kept.id);
    await me.emptyTrash();
  });

  it('DELETE /api/contacts/trash/{id} answers 404 for a live contact, and leaves it alone', async () => {
    const live = await me.add({ firstName: 'Living' });
    for (const id of [live.id, unknownId, 'nope']) {
      const response = await me.purge(id);
      expect(response.statusCode, id).toBe(404);
      expect(response.json().code).toBe('NOT_FOUND');
    }
    expect((await me.get(live.id)).json()).toEqual(live);
    await me.remove(live.id);
    await me.emptyTrash();
  });

  it('DELETE /api/contacts/trash answers 204 and empties the trash, leaving live contacts alone', async () => {
    const live = await me.add({ firstName: 'Stays' });
    const trashed = await Promise.all(['One', 'Two', 'Three'].map((firstName) => me.add({ firstName })));
    for (const contact of trashed) await me.remove(contact.id);
    expect(await trashIds()).toHaveLength(3);

    const response = await me.emptyTrash();
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(await trashIds()).toEqual([]);
    for (const contact of trashed) expect((await me.restore(contact.id)).statusCode).toBe(404);
    expect(await listedIds()).toEqual([live.id]);
    // An empty trash empties again without complaint.
    expect((await me.emptyTrash()).statusCode).toBe(204);
    await me.remove(live.id);
    await me.emptyTrash();
  });
});

describe("another user's trash", () => {
  it('is invisible, and can be neither restored nor purged nor emptied', async () => {
    const owner = await signedInClient(t);
    const intruder = await signedInClient(t);
    const secret = await owner.add({ firstName: 'Secret', email: 'secret@example.com' });
    await owner.remove(secret.id);
    const ownTrashed = await intruder.add({ firstName: 'Mine' });
    await intruder.remove(ownTrashed.id);
    const ownerTrash = await trashItems(owner);

    expect(await trashIds(intruder)).toEqual([ownTrashed.id]);
    for (const response of [await intruder.restore(secret.id), await intruder.purge(secret.id)]) {
      expect(response.statusCode).toBe(404);
      // The same answer as for an id nobody has.
      expect(response.json()).toEqual((await intruder.restore(unknownId)).json());
    }
    expect((await intruder.emptyTrash()).statusCode).toBe(204);
    expect(await trashIds(intruder)).toEqual([]);
    expect(await trashItems(owner)).toEqual(ownerTrash);
    // The owner's contact can still come back.
    expect((await owner.restore(secret.id)).statusCode).toBe(200);
  });
});

describe('without a bearer token', () => {
  it('every trash route answers 401', async () => {
    for (const [method, url] of [
      ['GET', '/api/contacts/trash'],
      ['DELETE', '/api/contacts/trash'],
      ['DELETE', `/api/contacts/trash/${unknownId}`],
      ['POST', `/api/contacts/${unknownId}/restore`],
      ['PUT', `/api/contacts/${unknownId}/photo`],
      ['DELETE', `/api/contacts/${unknownId}/photo`],
    ] as const) {
      const response = await t.app.inject({ method, url });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      expect(response.json().code).toBe('UNAUTHORIZED');
    }
  });
});

describe('OpenAPI', () => {
  it('documents the trash and photo routes with their statuses', async () => {
    const doc = (await t.app.inject('/openapi.json')).json();
    const routes = [
      ['/api/contacts/trash', 'get', ['200', '401']],
      ['/api/contacts/trash', 'delete', ['204', '401']],
      ['/api/contacts/trash/{id}', 'delete', ['204', '401', '404']],
      ['/api/contacts/{id}/restore', 'post', ['200', '401', '404', '409']],
      ['/api/contacts/{id}/photo', 'put', ['200', '400', '401', '404', '413', '415']],
      ['/api/contacts/{id}/photo', 'delete', ['200', '401', '404']],
    ] as const;
    for (const [path, method, statuses] of routes) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(expect.arrayContaining([...statuses]));
      if (path.includes('{id}')) expect(operation.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path' }));
    }
    expect(doc.paths['/api/contacts/{id}/photo'].put.requestBody.content).toHaveProperty('multipart/form-data');

    const trashed = doc.components.schemas.TrashedContact;
    expect(trashed.properties).toHaveProperty('deletedAt');
    expect(trashed.properties).toHaveProperty('purgeAt');
    expect(trashed.required).toEqual(expect.arrayContaining(['deletedAt', 'purgeAt', 'id', 'emails', 'photoUrl']));
    const listSchema = JSON.stringify(doc.paths['/api/contacts/trash'].get.responses['200']);
    expect(listSchema).toMatch(/Trash|TrashedContact/);
  });
});
