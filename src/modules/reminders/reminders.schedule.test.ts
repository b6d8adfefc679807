import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/helpers/app.js';
import { createTestDatabase } from '../../../test/helpers/db.js';
import {
  FixedClock,
  ManualTicker,
  outboxSettled,
  reminderApp,
  reminderUser,
  remindersTo,
} from '../../../test/helpers/reminders.js';
import { type SmtpCapture, startSmtpCapture } from '../../../test/helpers/smtp.js';
import type { Database } from '../../db/client.js';

// Every test here runs on a clock that stands still; the scheduler runs only when the ticker fires.
// The tests run in calendar order, since the one clock moves forward through 2027.

describe('when birthday reminders go out', () => {
  const clock = new FixedClock('2027-01-01T00:00:00Z');
  const ticker = new ManualTicker();
  let t: TestApp;
  beforeAll(async () => {
    t = await reminderApp(clock, ticker);
  });
  afterAll(() => t.close());

  /** Moves the clock to `iso`, fires the scheduler, and waits for the outbox to deliver. */
  const runAt = async (iso: string) => {
    clock.set(iso);
    await ticker.tick();
    await outboxSettled(t.database);
  };
  const subjects = (email: string) => remindersTo(t.smtp, email).map((m) => m.subject);

  it('UTC+14 (Pacific/Kiritimati) and UTC-11 (Pacific/Pago_Pago): at 09:00 local, a day apart in UTC', async () => {
    clock.set('2027-01-08T00:00:00Z');
    const east = await reminderUser(t, 'Pacific/Kiritimati');
    const west = await reminderUser(t, 'Pacific/Pago_Pago');
    for (const user of [east, west]) {
      await user.addContact('Tavita', '1980-01-10', 'Faleolo');
      await user.enable({ daysBefore: [0], hour: 9 });
    }

    await runAt('2027-01-09T18:59:59Z');
    expect(subjects(east.email)).toEqual([]);
    await runAt('2027-01-09T19:00:00Z'); // 10 January 09:00 in Kiritimati, 9 January 08:00 in Pago Pago
    expect(subjects(east.email)).toEqual(['Today: Tavita Faleolo’s birthday · Kith']);
    expect(subjects(west.email)).toEqual([]);
    await runAt('2027-01-10T19:59:59Z');
    expect(subjects(west.email)).toEqual([]);
    await runAt('2027-01-10T20:00:00Z'); // 10 January 09:00 in Pago Pago
    expect(subjects(west.email)).toEqual(['Today: Tavita Faleolo’s birthday · Kith']);
    expect(subjects(east.email)).toHaveLength(1);

    const [mail] = remindersTo(t.smtp, west.email);
    expect(mail!.text).toContain('Tavita Faleolo turns 47');
  });

  it('a 29 February birthday counts on 28 February in a common year, and only then', async () => {
    clock.set('2027-02-26T12:00:00Z');
    const me = await reminderUser(t, 'UTC');
    await me.addContact('Leap', '2000-02-29', 'Day');
    await me.addContact('March', '2000-03-01', 'First');
    await me.enable({ daysBefore: [0, 1], hour: 9 });

    await runAt('2027-02-27T09:00:00Z');
    expect(subjects(me.email)).toEqual(['Tomorrow, Sunday 28 February: Leap Day’s birthday · Kith']);
    await runAt('2027-02-28T09:00:00Z');
    expect(subjects(me.email).slice(1).sort()).toEqual([
      'Today: Leap Day’s birthday · Kith',
      'Tomorrow, Monday 1 March: March First’s birthday · Kith',
    ]);
    await runAt('2027-03-01T09:00:00Z');
    expect(subjects(me.email).slice(3)).toEqual(['Today: March First’s birthday · Kith']);
    expect(subjects(me.email).filter((s) => s.includes('Leap'))).toHaveLength(2);
    const today = remindersTo(t.smtp, me.email).find((m) => m.subject.startsWith('Today: Leap'));
    expect(today!.text).toContain('Leap Day turns 27');

    // The birthdays list of the API says the same.
    const listed = await t.app.inject({
      method: 'GET',
      url: '/api/contacts/birthdays',
      headers: { authorization: `Bearer ${me.token}` },
      query: { from: '2027-02-28', days: '0' },
    });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(JSON.stringify(listed.json())).toContain('2027-02-28');
  });

  it('America/New_York, spring forward: 02:00 does not exist on 14 March, so it goes at 03:00 EDT, once', async () => {
    clock.set('2027-03-13T12:00:00Z');
    const me = await reminderUser(t, 'America/New_York');
    await me.addContact('Spring', '1990-03-14');
    await me.enable({ daysBefore: [0], hour: 2 });
    const nine = await reminderUser(t, 'America/New_York');
    await nine.addContact('Nine', '1990-03-14');
    await nine.enable({ daysBefore: [0], hour: 9 });

    await runAt('2027-03-14T06:59:59Z'); // 01:59:59 EST
    expect(subjects(me.email)).toEqual([]);
    await runAt('2027-03-14T07:00:00Z'); // the clocks jump from 02:00 EST to 03:00 EDT
    expect(subjects(me.email)).toEqual(['Today: Spring’s birthday · Kith']);
    await runAt('2027-03-14T12:59:59Z');
    expect(subjects(nine.email)).toEqual([]);
    await runAt('2027-03-14T13:00:00Z'); // 09:00 EDT
    await runAt('2027-03-14T23:00:00Z');
    expect(subjects(me.email)).toHaveLength(1);
    expect(subjects(nine.email)).toEqual(['Today: Nine’s birthday · Kith']);
  });

  it('Europe/Kyiv, spring forward: 03:00 does not exist on 28 March, so it goes at 04:00 EEST, once', async () => {
    clock.set('2027-03-27T12:00:00Z');
    const me = await reminderUser(t, 'Europe/Kyiv');
    await me.addContact('Taras', '1990-03-28');
    await me.enable({ daysBefore: [0], hour: 3 });

    await runAt('2027-03-28T00:59:59Z'); // 02:59:59 EET
    expect(subjects(me.email)).toEqual([]);
    await runAt('2027-03-28T01:00:00Z'); // 03:00 EET is 04:00 EEST
    expect(subjects(me.email)).toEqual(['Today: Taras’s birthday · Kith']);
    await runAt('2027-03-28T02:00:00Z');
    await runAt('2027-03-28T20:00:00Z');
    expect(subjects(me.email)).toHaveLength(1);
  });

  it('turned on after today’s hour: today’s reminders go at once, none for earlier days, and none twice', async () => {
    clock.set('2027-06-10T05:00:00Z'); // 08:00 in Kyiv
    const early = await reminderUser(t, 'Europe/Kyiv');
    await early.addContact('Early', '1985-06-10');
    await early.enable({ daysBefore: [0], hour: 9 });
    await outboxSettled(t.database);
    expect(subjects(early.email)).toEqual([]); // the hour hasn't begun
    await runAt('2027-06-10T06:00:00Z');
    expect(subjects(early.email)).toEqual(['Today: Early’s birthday · Kith']);

    clock.set('2027-06-10T07:30:00Z'); // 10:30 in Kyiv
    const me = await reminderUser(t, 'Europe/Kyiv');
    await me.addContact('Anna', '1985-06-10'); // today: the on-the-day reminder of today
    await me.addContact('Fedir', '1985-06-12'); // the 2-days-before reminder of today
    await me.addContact('Ivan', '1985-06-11'); // was the 2-days-before reminder of yesterday: not sent
    await me.addContact('Petro', '1985-06-09'); // yesterday: past
    await me.enable({ daysBefore: [0, 2], hour: 9 });
    await outboxSettled(t.database);
    expect(subjects(me.email).sort()).toEqual([
      'In 2 days, on Saturday 12 June: Fedir’s birthday · Kith',
      'Today: Anna’s birthday · Kith',
    ]);

    // Ticks, the same settings again, off and on again: nothing twice.
    await runAt('2027-06-10T07:31:00Z');
    await me.enable({ daysBefore: [0, 2], hour: 9 });
    expect((await me.put({ enabled: false, daysBefore: [0, 2], hour: 9 })).statusCode).toBe(200);
    await me.enable({ daysBefore: [2, 0], hour: 9 });
    await runAt('2027-06-10T08:00:00Z');
    expect(subjects(me.email)).toHaveLength(2);

    // A day added while on: its reminder of today (hour begun) goes now.
    await me.enable({ daysBefore: [0, 1, 2], hour: 9 });
    await outboxSettled(t.database);
    expect(subjects(me.email).slice(2)).toEqual(['Tomorrow, Friday 11 June: Ivan’s birthday · Kith']);

    await runAt('2027-06-11T06:00:00Z');
    expect(subjects(me.email).slice(3).sort()).toEqual(['Today: Ivan’s birthday · Kith', 'Tomorrow, Saturday 12 June: Fedir’s birthday · Kith']);
    expect(subjects(me.email).join('\n')).not.toContain('Petro');
  });

  it('a contact in the trash gets no reminder', async () => {
    clock.set('2027-07-01T12:00:00Z');
    const me = await reminderUser(t, 'UTC');
    await me.addContact('Kept', '1970-07-02');
    const gone = await me.addContact('Trashed', '1970-07-02');
    const removed = await t.app.inject({ method: 'DELETE', url: `/api/contacts/${gone}`, headers: { authorization: `Bearer ${me.token}` } });
    expect(removed.statusCode).toBe(204);
    await me.enable({ daysBefore: [0], hour: 9 });
    await runAt('2027-07-02T09:00:00Z');
    expect(subjects(me.email)).toEqual(['Today: Kept’s birthday · Kith']);
  });

  it('Europe/Kyiv, fall back: 03:00 shows twice on 31 October; the reminder goes at the first, once', async () => {
    clock.set('2027-10-30T12:00:00Z');
    const me = await reminderUser(t, 'Europe/Kyiv');
    await me.addContact('Oksana', '1990-10-31');
    await me.addContact('Ostap', '1990-10-31');
    await me.enable({ daysBefore: [0], hour: 3 });

    await runAt('2027-10-30T23:59:59Z'); // 02:59:59 EEST
    expect(subjects(me.email)).toEqual([]);
    await runAt('2027-10-31T00:00:00Z'); // 03:00 EEST
    await runAt('2027-10-31T00:30:00Z');
    await runAt('2027-10-31T01:00:00Z'); // 03:00 EET, the second time
    await runAt('2027-10-31T01:30:00Z');
    expect(subjects(me.email)).toEqual(['Today: 2 birthdays (Oksana, Ostap) · Kith']);
  });

  it('America/New_York, fall back: 01:00 shows twice on 7 November; the reminder goes at the first, once', async () => {
    clock.set('2027-11-06T12:00:00Z');
    const me = await reminderUser(t, 'America/New_York');
    await me.addContact('Autumn', '1990-11-07');
    await me.enable({ daysBefore: [0], hour: 1 });

    await runAt('2027-11-07T04:59:59Z'); // 00:59:59 EDT
    expect(subjects(me.email)).toEqual([]);
    await runAt('2027-11-07T05:00:00Z'); // 01:00 EDT
    await runAt('2027-11-07T06:00:00Z'); // 01:00 EST
    await runAt('2027-11-07T06:30:00Z');
    expect(subjects(me.email)).toEqual(['Today: Autumn’s birthday · Kith']);
  });
});

describe('a restart in the middle', () => {
  const clock = new FixedClock('2027-08-19T12:00:00Z');
  let database: Database;
  let smtp: SmtpCapture;
  beforeAll(async () => {
    [database, smtp] = await Promise.all([createTestDatabase(), startSmtpCapture()]);
  });
  afterAll(async () => {
    await smtp.close();
    await database.close();
  });

  it('sends once what fell due while Kith was down, unless the birthday has passed meanwhile', async () => {
    const ticker = new ManualTicker();
    const before = await reminderApp(clock, ticker, { database, smtp });
    const kyiv = await reminderUser(before, 'Europe/Kyiv');
    await kyiv.addContact('Today', '1990-08-20');
    await kyiv.addContact('Soon', '1990-08-23');
    await kyiv.enable({ daysBefore: [0, 3], hour: 9 });
    const samoa = await reminderUser(before, 'Pacific/Pago_Pago');
    await samoa.addContact('Missed', '1990-08-19');
    await samoa.enable({ daysBefore: [0], hour: 22 }); // 19 August 22:00 local is 20 August 09:00Z

    clock.set('2027-08-20T05:00:00Z'); // 08:00 in Kyiv: not yet
    await ticker.tick();
    await outboxSettled(database);
    expect(remindersTo(smtp, kyiv.email)).toEqual([]);
    await before.close();
    expect(ticker.instances).toBe(0);

    // Down through 09:00 in Kyiv and 22:00 on the 19th in Pago Pago; back at 16:00 in Kyiv (02:00 on the 20th in Pago Pago).
    clock.set('2027-08-20T13:00:00Z');
    const after = await reminderApp(clock, ticker, { database, smtp });
    try {
      await ticker.tick();
      await outboxSettled(database);
      expect(remindersTo(smtp, kyiv.email).map((m) => m.subject).sort()).toEqual([
        'In 3 days, on Monday 23 August: Soon’s birthday · Kith',
        'Today: Today’s birthday · Kith',
      ]);
      expect(remindersTo(smtp, samoa.email)).toEqual([]);

      for (const at of ['2027-08-20T13:01:00Z', '2027-08-20T20:00:00Z']) {
        clock.set(at);
        await ticker.tick();
      }
      await outboxSettled(database);
      expect(remindersTo(smtp, kyiv.email)).toHaveLength(2);
      expect(remindersTo(smtp, samoa.email)).toEqual([]);
    } finally {
      await after.close();
    }
  });
});
