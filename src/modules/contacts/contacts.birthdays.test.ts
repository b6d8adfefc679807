import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { type ContactJson, type ContactsClient, type Query, signedInClient } from '../../../test/helpers/contacts.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

interface Item {
  contact: ContactJson;
  date: string;
  daysUntil: number;
  turning: number | null;
}

async function upcoming(client: ContactsClient, query: Query) {
  const response = await client.birthdays(query);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: Item[] }>().items.map(({ contact, date, daysUntil, turning }) => ({
    name: contact.firstName,
    date,
    daysUntil,
    turning,
  }));
}

// Dates computed with plain UTC arithmetic, independently of the code under test.
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const HOUR = 3_600_000;

describe('the window', () => {
  let me: ContactsClient;
  beforeAll(async () => {
    me = await signedInClient(t);
    for (const [firstName, birthday] of [
      ['Ana', '1990-12-31'],
      ['Ben', '--01-03'],
      ['Cy', '2000-01-08'],
      ['Dee', '1970-01-09'],
      ['Leap', '2000-02-29'],
      ['Zed', '--06-15'],
      ['Amy', '1985-06-15'],
      ['Nobody', null],
    ] as const) {
      await me.add({ firstName, birthday });
    }
  });

  it('wraps across New Year, both ends included, with the age turned', async () => {
    expect(await upcoming(me, { from: '2026-12-25', days: 14 })).toEqual([
      { name: 'Ana', date: '2026-12-31', daysUntil: 6, turning: 36 },
      { name: 'Ben', date: '2027-01-03', daysUntil: 9, turning: null },
      { name: 'Cy', date: '2027-01-08', daysUntil: 14, turning: 27 },
    ]);
  });

  it('days=0 is just that day', async () => {
    expect(await upcoming(me, { from: '2026-12-31', days: 0 })).toEqual([
      { name: 'Ana', date: '2026-12-31', daysUntil: 0, turning: 36 },
    ]);
    expect(await upcoming(me, { from: '2026-12-30', days: 0 })).toEqual([]);
  });

  it('puts 29 February on 28 February in a common year', async () => {
    expect(await upcoming(me, { from: '2027-02-20', days: 10 })).toEqual([
      { name: 'Leap', date: '2027-02-28', daysUntil: 8, turning: 27 },
    ]);
    expect(await upcoming(me, { from: '2027-02-28', days: 0 })).toEqual([
      { name: 'Leap', date: '2027-02-28', daysUntil: 0, turning: 27 },
    ]);
    expect(await upcoming(me, { from: '2027-03-01', days: 0 })).toEqual([]);
  });

  it('keeps 29 February in a leap year (and 2100 is not one)', async () => {
    expect(await upcoming(me, { from: '2028-02-20', days: 10 })).toEqual([
      { name: 'Leap', date: '2028-02-29', daysUntil: 9, turning: 28 },
    ]);
    expect(await upcoming(me, { from: '2028-02-28', days: 0 })).toEqual([]);
    expect(await upcoming(me, { from: '2100-02-28', days: 0 })).toEqual([
      { name: 'Leap', date: '2100-02-28', daysUntil: 0, turning: 100 },
    ]);
  });

  it('orders by daysUntil, then name', async () => {
    expect(await upcoming(me, { from: '2026-06-01', days: 30 })).toEqual([
      { name: 'Amy', date: '2026-06-15', daysUntil: 14, turning: 41 },
      { name: 'Zed', date: '2026-06-15', daysUntil: 14, turning: null },
    ]);
  });

  it('a 366-day window holds every birthday once, with the whole contact', async () => {
    const response = await me.birthdays({ from: '2026-01-01', days: 366 });
    const items = response.json<{ items: Item[] }>().items;
    expect(items.map((i) => i.contact.firstName).sort()).toEqual(['Amy', 'Ana', 'Ben', 'Cy', 'Dee', 'Leap', 'Zed']);
    expect(items.map((i) => i.daysUntil)).toEqual([...items.map((i) => i.daysUntil)].sort((a, b) => a - b));
    expect(items[0]?.contact).toMatchObject({ firstName: 'Ben', birthday: '--01-03', id: expect.any(String) });
  });
});

describe('"today" is in the user\'s time zone', () => {
  let me: ContactsClient;
  let now: number;
  beforeAll(async () => {
    me = await signedInClient(t);
    // Every zone below changes date on the hour (UTC); keep clear of that, so "today" holds for the test.
    if (t.clock.now().getUTCMinutes() >= 58) t.clock.advance(5 * 60_000);
    now = t.clock.now().getTime();
  });

  it('defaults to today in UTC and a 7-day window', async () => {
    const today = isoDay(now);
    const inSeven = isoDay(now + 7 * 24 * HOUR).slice(4);
    const inEight = isoDay(now + 8 * 24 * HOUR).slice(4);
    // Born 28 years ago today (28 keeps a 29 February on a leap year).
    const born = `${Number(today.slice(0, 4)) - 28}${today.slice(4)}`;
    await me.add({ firstName: 'Today', birthday: born });
    await me.add({ firstName: 'Seven', birthday: `-${inSeven}` });
    await me.add({ firstName: 'Eight', birthday: `-${inEight}` });
    expect(await upcoming(me, {})).toEqual([
      { name: 'Today', date: today, daysUntil: 0, turning: 28 },
      { name: 'Seven', date: isoDay(now + 7 * 24 * HOUR), daysUntil: 7, turning: null },
    ]);
    expect(await upcoming(me, { from: today })).toEqual(await upcoming(me, {}));
  });

  it('Kiritimati (UTC+14) and Pago Pago (UTC-11) are never on the same day', async () => {
    const kiritimati = isoDay(now + 14 * HOUR);
    const pagoPago = isoDay(now - 11 * HOUR);
    const gap = dayOf(kiritimati) - dayOf(pagoPago);
    expect([1, 2]).toContain(gap);

    expect((await me.patchMe({ timezone: 'Pacific/Kiritimati' })).statusCode).toBe(200);
    const newborn = await me.add({ firstName: 'Newborn', birthday: kiritimati });
    const todayThere = (await upcoming(me, { days: 0 })).filter((i) => i.name === 'Newborn');
    expect(todayThere).toEqual([{ name: 'Newborn', date: kiritimati, daysUntil: 0, turning: 0 }]);

    expect((await me.patchMe({ timezone: 'Pacific/Pago_Pago' })).statusCode).toBe(200);
    expect((await upcoming(me, { days: 0 })).filter((i) => i.name === 'Newborn')).toEqual([]);
    expect((await upcoming(me, { days: 2 })).filter((i) => i.name === 'Newborn')).toEqual([
      { name: 'Newborn', date: kiritimati, daysUntil: gap, turning: 0 },
    ]);

    // Born "today" in Kiritimati is a birthday in the future for someone in Pago Pago.
    const future = await me.create({ firstName: 'Too early', birthday: kiritimati });
    expect(future.statusCode).toBe(400);
    expect(future.json().errors).toEqual([{ path: 'birthday', message: "A birthday can't be in the future" }]);
    expect((await me.patch(newborn.id, { birthday: kiritimati })).statusCode).toBe(400);
    expect((await me.patch(newborn.id, { birthday: pagoPago })).statusCode).toBe(200);
  });
});
