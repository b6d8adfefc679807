/**
 * Merges at the same time as other merges and edits, on one instance and on two sharing a
 * database: one merge of a contact wins, the others find it in the trash (404), and no write is lost.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../test/helpers/accounts.js';
import { type TestApp, createSecondInstance, createTestApp } from '../../../test/helpers/app.js';
import { type ContactJson, type ContactsClient, type TrashedContactJson, signedInClient } from '../../../test/helpers/contacts.js';
import { usingPostgres } from '../../../test/helpers/db.js';

let t: TestApp;
let second: TestApp;
let me: ContactsClient;
beforeAll(async () => {
  t = await createTestApp({ deps: { trash: { purgeOnStart: false } } });
  second = await createSecondInstance(t, { deps: { trash: { purgeOnStart: false } } });
  me = await signedInClient(t);
});
afterAll(async () => {
  await second.close();
  await t.close();
});

const merge = (id: string, from: string[], app: FastifyInstance = t.app) =>
  app.inject({
    method: 'POST',
    url: `/api/contacts/${id}/merge`,
    headers: { ...bearer(me.token), 'content-type': 'application/json' },
    payload: JSON.stringify({ from }),
  });
const trashIds = async () => (await me.trash()).json<{ items: TrashedContactJson[] }>().items.map((c) => c.id);
const listedIds = async () => (await me.list({ limit: 100 })).json<{ items: ContactJson[] }>().items.map((c) => c.id);

describe(`merges racing (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('A←B and B←A at once, on two instances: one wins, the other is a 404, nothing is lost', async () => {
    for (let round = 0; round < 6; round += 1) {
      const a = await me.add({ firstName: `Race ${round}`, email: `a${round}@example.com`, notes: 'from A' });
      const b = await me.add({ firstName: `Race ${round}`, email: `b${round}@example.com`, notes: 'from B' });
      const [ab, ba] = await Promise.all([merge(a.id, [b.id]), merge(b.id, [a.id], round % 2 === 0 ? second.app : t.app)]);
      expect([ab.statusCode, ba.statusCode].sort(), `${ab.body} ${ba.body}`).toEqual([200, 404]);
      const winner = (ab.statusCode === 200 ? ab : ba).json<ContactJson>();
      const loserId = winner.id === a.id ? b.id : a.id;
      expect(winner.emails.map((e) => e.value).sort()).toEqual([`a${round}@example.com`, `b${round}@example.com`]);
      expect(winner.notes?.split('\n\n').sort()).toEqual(['from A', 'from B']);
      const [listed, trashed] = [await listedIds(), await trashIds()];
      expect(listed).toContain(winner.id);
      expect(listed).not.toContain(loserId);
      expect(trashed).toContain(loserId);
      expect(trashed).not.toContain(winner.id);
    }
  });

  it('A←B and C←B at once: B is merged once, the other kept contact is untouched', async () => {
    const [a, b, c] = [await me.add({ firstName: 'Ann' }), await me.add({ firstName: 'Bea', jobTitle: 'Pilot' }), await me.add({ firstName: 'Cy' })];
    const results = await Promise.all([merge(a.id, [b.id]), merge(c.id, [b.id], second.app)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 404]);
    const winner = results.find((r) => r.statusCode === 200)!.json<ContactJson>();
    expect(winner.jobTitle).toBe('Pilot');
    const other = winner.id === a.id ? c : a;
    expect((await me.get(other.id)).json()).toEqual(other);
  });

  it('an edit of a merged-away contact at the same time is either merged in or a 404, never lost or a 5xx', async () => {
    for (let round = 0; round < 6; round += 1) {
      const a = await me.add({ firstName: `Edit race ${round}` });
      const b = await me.add({ firstName: `Edit race ${round}`, organization: 'Before' });
      const [merged, patched] = await Promise.all([merge(a.id, [b.id]), me.patch(b.id, { jobTitle: `Edited ${round}` })]);
      expect(merged.statusCode, merged.body).toBe(200);
      expect([200, 404], patched.body).toContain(patched.statusCode);
      const result = (await me.get(a.id)).json<ContactJson>();
      expect(result.organization).toBe('Before');
      // Merged in when the edit came first; otherwise it met the contact in the trash and changed nothing.
      if (patched.statusCode === 200) expect(result.jobTitle).toBe(`Edited ${round}`);
      else expect(result.jobTitle).toBeNull();
    }
  });
});
