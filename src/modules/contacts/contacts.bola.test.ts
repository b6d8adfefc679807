import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { type ContactJson, type ContactsClient, signedInClient } from '../../../test/helpers/contacts.js';
import { contactCount } from './contacts.repository.js';

// Broken object-level authorisation: every route must act only on the caller's own contacts, and
// another user's contact must look exactly like one that doesn't exist.
let t: TestApp;
let owner: ContactsClient;
let intruder: ContactsClient;
let victim: ContactJson;
const unknownId = '3f1c2b9e-8a47-4d6b-9c0e-5b7a1d2e4f60';

beforeAll(async () => {
  t = await createTestApp();
  owner = await signedInClient(t);
  intruder = await signedInClient(t);
  victim = await owner.add({
    firstName: 'Victoria',
    lastName: 'Secret',
    email: 'victoria@example.com',
    phone: '+14155552671',
    birthday: '1990-06-15',
    notes: 'private',
  });
  await intruder.add({ firstName: 'Ivan' });
});
afterAll(() => t.close());

async function expectOwnerSeesNoChange() {
  const response = await owner.get(victim.id);
  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual(victim);
  expect(await contactCount(t.database.db, owner.userId)).toBe(1);
  expect(await contactCount(t.database.db, intruder.userId)).toBe(1);
}

describe("another user's contact is a 404 that changes nothing", () => {
  it('GET /api/contacts/:id', async () => {
    const response = await intruder.get(victim.id);
    expect(response.statusCode).toBe(404);
    // The same answer as for an id nobody has.
    expect(response.json()).toEqual((await intruder.get(unknownId)).json());
    await expectOwnerSeesNoChange();
  });

  it('PATCH /api/contacts/:id', async () => {
    const response = await intruder.patch(victim.id, { firstName: 'Hacked', notes: null, phone: null });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual((await intruder.patch(unknownId, { firstName: 'Hacked' })).json());
    await expectOwnerSeesNoChange();
  });

  it('PATCH with an empty body', async () => {
    expect((await intruder.patch(victim.id, {})).statusCode).toBe(404);
    await expectOwnerSeesNoChange();
  });

  it('DELETE /api/contacts/:id', async () => {
    const response = await intruder.remove(victim.id);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual((await intruder.remove(unknownId)).json());
    await expectOwnerSeesNoChange();
  });

  it('GET /api/contacts (list, search, every filter) never shows it', async () => {
    for (const query of [{}, { q: 'Victoria' }, { q: '4155552671' }, { firstName: 'Vic' }, { lastName: 'Secret' }, { email: 'victoria' }, { phone: '415' }, { limit: 100 }]) {
      const response = await intruder.list(query);
      expect(response.statusCode).toBe(200);
      const ids = response.json().items.map((c: ContactJson) => c.id);
      expect(ids, JSON.stringify(query)).not.toContain(victim.id);
    }
    expect((await intruder.list()).json().total).toBe(1);
    await expectOwnerSeesNoChange();
  });

  it('GET /api/contacts/birthdays never shows it', async () => {
    const response = await intruder.birthdays({ from: '2026-06-01', days: 366 });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ items: [] });
    // ...while the owner does see it in the same window.
    const own = await owner.birthdays({ from: '2026-06-01', days: 366 });
    expect(own.json().items.map((b: { contact: ContactJson }) => b.contact.id)).toEqual([victim.id]);
  });

  it('POST /api/contacts cannot create for someone else', async () => {
    const response = await intruder.create({ firstName: 'Planted', userId: owner.userId });
    expect(response.statusCode).toBe(400);
    expect((await owner.list()).json().total).toBe(1);
    await expectOwnerSeesNoChange();
  });
});
