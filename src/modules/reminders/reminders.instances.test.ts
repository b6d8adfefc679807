import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createSecondInstance } from '../../../test/helpers/app.js';
import { usingPostgres } from '../../../test/helpers/db.js';
import {
  FixedClock,
  longSessions,
  ManualTicker,
  outboxSettled,
  type ReminderUser,
  reminderApp,
  reminderUser,
  remindersTo,
} from '../../../test/helpers/reminders.js';

// Two Kith instances on one database, one clock, both schedulers fired together by one ticker. On
// PostgreSQL each pass runs its transactions on its own pooled connections, so they really race.

describe(`two instances sending reminders at once (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  const clock = new FixedClock('2027-09-13T00:00:00Z');
  const ticker = new ManualTicker();
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await reminderApp(clock, ticker);
    second = await createSecondInstance(first, { env: longSessions, deps: { clock, reminders: { ticker } } });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const zones = ['Pacific/Kiritimati', 'Asia/Kathmandu', 'Europe/Kyiv', 'UTC', 'America/New_York', 'Pacific/Pago_Pago'];

  it('sends each reminder exactly once, however often and however concurrently they tick', async () => {
    expect(ticker.instances).toBe(2);
    const users: ReminderUser[] = [];
    for (const [index, zone] of zones.entries()) {
      const user = await reminderUser(first, zone);
      await user.addContact('Today', '1991-09-15', zone);
      await user.addContact('Week', '1991-09-22', zone);
      // Saved through either instance: it makes no difference which.
      const saved = await user.put({ enabled: true, daysBefore: [0, 7], hour: 9 }, index % 2 ? second.app : first.app);
      expect(saved.statusCode, saved.body).toBe(200);
      users.push(user);
    }

    // From 14 September 12:00Z to 16 September 12:00Z (every zone's 15 September 09:00 lies
    // inside), a quarter hour at a time, three rounds of both instances at once per step.
    for (let at = Date.parse('2027-09-14T12:00:00Z'); at <= Date.parse('2027-09-16T12:00:00Z'); at += 15 * 60_000) {
      clock.set(new Date(at).toISOString());
      await Promise.all([ticker.tick(), ticker.tick(), ticker.tick()]);
      // The outbox holds a message it is delivering for a minute of clock time; a test clock that
      // jumped a quarter hour mid-delivery would let the other instance deliver it again (with the
      // same Message-ID). A real clock doesn't jump, so each step lets deliveries finish first.
      await outboxSettled(first.database);
    }

    for (const [index, user] of users.entries()) {
      const mails = remindersTo(first.smtp, user.email);
      const zone = zones[index]!;
      expect(mails.map((m) => m.subject).sort(), zone).toEqual([
        `In 7 days, on Wednesday 22 September: Week ${zone}’s birthday · Kith`,
        `Today: Today ${zone}’s birthday · Kith`,
      ]);
      expect(new Set(mails.map((m) => m.messageId)).size).toBe(2);
    }
    expect(first.smtp.messages.filter((m) => /birthday/.test(m.subject))).toHaveLength(2 * zones.length);
  });

  it('sends once when both instances change settings and tick in the same moment', async () => {
    clock.set('2027-09-20T12:00:00Z'); // after 09:00 in UTC: due at once
    const me = await reminderUser(first, 'UTC');
    await me.addContact('Race', '1991-09-20');
    const body = { enabled: true, daysBefore: [0], hour: 9 };
    const answers = await Promise.all([
      me.put(body, first.app),
      me.put(body, second.app),
      ticker.tick(),
      me.put(body, second.app),
      ticker.tick(),
    ]);
    for (const answer of answers) if (answer) expect(answer.statusCode).toBe(200);
    await ticker.tick();
    await outboxSettled(first.database);
    expect(remindersTo(first.smtp, me.email).map((m) => m.subject)).toEqual(['Today: Race’s birthday · Kith']);
  });
});
