import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../test/helpers/accounts.js';
import { type TestApp, createTestApp, TEST_APP_URL } from '../../../test/helpers/app.js';
import { type ContactsClient, signedInClient } from '../../../test/helpers/contacts.js';
import { usingPostgres } from '../../../test/helpers/db.js';

let t: TestApp;
let me: ContactsClient;
beforeAll(async () => {
  t = await createTestApp();
  me = await signedInClient(t);
});
afterAll(async () => t.close());

const call = (method: 'GET' | 'POST' | 'DELETE', client = me) =>
  t.app.inject({ method, url: '/api/users/me/birthday-calendar', headers: bearer(client.token) });
const feed = (url: string) => t.app.inject({ method: 'GET', url: new URL(url).pathname });

describe(`the birthday calendar feed (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('is off at first, turns on with a secret address, rotates, and turns off', async () => {
    expect((await call('GET')).statusCode).toBe(404);
    const created = await call('POST');
    expect(created.statusCode).toBe(201);
    const { url } = created.json<{ url: string }>();
    expect(url).toMatch(new RegExp(`^${TEST_APP_URL}/cal/[A-Za-z0-9_-]{22}\\.ics$`));
    expect((await call('GET')).json()).toEqual({ url });

    const served = await feed(url);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(served.body.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);

    const rotated = (await call('POST')).json<{ url: string }>().url;
    expect(rotated).not.toBe(url);
    expect((await feed(url)).statusCode).toBe(404);
    expect((await feed(rotated)).statusCode).toBe(200);

    expect((await call('DELETE')).statusCode).toBe(204);
    expect((await call('GET')).statusCode).toBe(404);
    expect((await feed(rotated)).statusCode).toBe(404);
  });

  it('needs a sign-in to manage, and unknown addresses are 404', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/users/me/birthday-calendar' })).statusCode).toBe(401);
    for (const path of ['/cal/nope.ics', '/cal/AAAAAAAAAAAAAAAAAAAAAA.ics', '/cal/AAAAAAAAAAAAAAAAAAAAAA']) {
      expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(404);
    }
  });

  it('has one yearly event per birthday whose dates over the next four years match the birthdays endpoint', async () => {
    const contacts = [
      { firstName: 'Ada', lastName: 'Lovelace', birthday: '1815-12-10' },
      { firstName: 'Leap', lastName: 'Day', birthday: '1996-02-29' },
      { firstName: 'Leap', lastName: 'Unknown year', birthday: '--02-29' },
      { firstName: 'New; Year, \\ Eve', birthday: '--12-31' },
      { firstName: 'Jan', lastName: 'First', birthday: '2001-01-01' },
      { firstName: 'Ö'.repeat(60), lastName: 'Long', birthday: '1980-07-04' },
      { firstName: 'No birthday' },
    ];
    for (const contact of contacts) await me.add(contact);
    const { url } = (await call('POST')).json<{ url: string }>();
    const ics = (await feed(url)).body;
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);

    const calendar = new ICAL.Component(ICAL.parse(ics) as unknown[]);
    const events = calendar.getAllSubcomponents('vevent').map((vevent) => new ICAL.Event(vevent));
    expect(events).toHaveLength(6);
    expect(new Set(events.map((e) => e.uid)).size).toBe(6);
    expect(events.map((e) => e.summary)).toContain('New; Year, \\ Eve’s birthday');
    for (const event of events) expect(event.startDate.isDate).toBe(true);

    // The same feed again: the same UIDs and bytes (nothing in it depends on when it was asked for).
    expect((await feed(url)).body).toBe(ics);

    const list = (await me.list({ limit: 100 })).json<{ items: Array<{ id: string; firstName: string }> }>().items;
    const byUid = new Map(list.map((c) => [`birthday-${c.id}@kith.test`, c.id]));
    for (const year of [2027, 2028, 2029, 2030]) {
      const leap = year % 4 === 0;
      const expected = (await me.birthdays({ from: `${year}-01-01`, days: leap ? 365 : 364 }))
        .json<{ items: Array<{ contact: { id: string }; date: string }> }>()
        .items.map((b) => `${b.contact.id} ${b.date}`)
        .sort();
      const fromFeed: string[] = [];
      for (const event of events) {
        const iterator = event.iterator();
        for (let next = iterator.next(); next && next.year <= year; next = iterator.next()) {
          if (next.year === year) fromFeed.push(`${byUid.get(event.uid)} ${next.toString()}`);
        }
      }
      expect(fromFeed.sort()).toEqual(expected);
    }
  });

  it("is one user's: another user's address shows none of my contacts", async () => {
    const other = await signedInClient(t);
    await other.add({ firstName: 'Theirs', birthday: '1990-05-05' });
    const { url } = (await call('POST', other)).json<{ url: string }>();
    const ics = (await feed(url)).body;
    expect(ics).toContain('Theirs’s birthday');
    expect(ics).not.toContain('Lovelace');
  });
});
