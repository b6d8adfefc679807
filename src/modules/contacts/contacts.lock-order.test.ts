/**
 * Every transaction that writes contacts locks the user's row before any contact row (see
 * lockOwner). Without one order, a PATCH (contact, then the user's row through the change-log
 * trigger) and a CardDAV PUT or an import (user's row, then the contact) deadlock, and PostgreSQL
 * answers one of them with an error: a 500. Here they race on one contact, on two instances.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer } from '../../../test/helpers/accounts.js';
import { type TestApp, createSecondInstance, createTestApp } from '../../../test/helpers/app.js';
import { davClient, simpleCard } from '../../../test/helpers/dav.js';
import { importFile } from '../../../test/helpers/imports.js';

let t: TestApp;
let second: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  second = await createSecondInstance(t);
});
afterAll(async () => {
  await second.close();
  await t.close();
});

it('PATCH, photo removal, CardDAV PUT, import, delete and restore of one contact at once never fail with a 5xx', async () => {
  const me = await davClient(t);
  const json = { ...bearer(me.accessToken), 'content-type': 'application/json' };
  expect((await me.put('racer.vcf', simpleCard('racer', 'Racer'))).statusCode).toBe(201);
  const list = await t.app.inject({ method: 'GET', url: '/api/contacts', headers: bearer(me.accessToken) });
  const id = list.json<{ items: Array<{ id: string }> }>().items[0]!.id;

  for (let round = 0; round < 12; round += 1) {
    const results = await Promise.all([
      t.app.inject({ method: 'PATCH', url: `/api/contacts/${id}`, headers: json, payload: { notes: `patched ${round}` } }),
      me.put('racer.vcf', simpleCard('racer', 'Racer', [`NOTE:put ${round}`]), {}, second.app),
      importFile(second.app, me.accessToken, simpleCard('racer', 'Racer', [`NOTE:imported ${round}`])),
      t.app.inject({ method: 'DELETE', url: `/api/contacts/${id}/photo`, headers: bearer(me.accessToken) }),
      second.app.inject({ method: 'PATCH', url: `/api/contacts/${id}`, headers: json, payload: { jobTitle: `round ${round}` } }),
    ]);
    for (const response of results) expect(response.statusCode, response.body).toBeLessThan(500);
  }
  const deletes = await Promise.all([
    t.app.inject({ method: 'DELETE', url: `/api/contacts/${id}`, headers: bearer(me.accessToken) }),
    me.put('racer.vcf', simpleCard('racer', 'Racer', ['NOTE:last']), {}, second.app),
  ]);
  for (const response of deletes) expect(response.statusCode, response.body).toBeLessThan(500);
});
