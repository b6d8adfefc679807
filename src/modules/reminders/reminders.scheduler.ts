import type { FastifyBaseLogger } from 'fastify';
import type { Db, Executor } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { enqueueMail } from '../../mail/outbox.repository.js';
import type { BirthdayReminderProps } from '../../mail/templates/birthday-reminder.js';
import { type BirthdayCandidate, formatCalendarDate, isValidTimeZone, upcomingBirthdays } from '../contacts/birthdays.js';
import { displayName } from '../contacts/contacts.presenter.js';
import { daysBetween, localDateAt } from './local-time.js';
import { type DueSlot, dueSlots, nextSendInstant, type ReminderSchedule } from './reminder-slots.js';
import {
  advanceReminders,
  claimDeliveries,
  type DeliveryKey,
  type DueReminderOwner,
  forgetDeliveriesBefore,
  listBirthdays,
  listDueReminderUsers,
  lockDueReminders,
  recordDeliveryMail,
} from './reminders.repository.js';
import type { UnsubscribeTokens } from './unsubscribe-token.js';

/**
 * What makes the scheduler run: `start` begins calling `run` and returns a function that stops it.
 * The default runs once at start (catch-up after a restart) and then every minute; tests pass a
 * ticker they fire by hand.
 */
export interface ReminderTicker {
  start(run: () => Promise<void>): () => void;
}

export function intervalTicker(intervalMs: number): ReminderTicker {
  return {
    start(run) {
      const timer = setInterval(() => void run(), intervalMs);
      // Waiting for the next tick is no reason to keep the process alive.
      timer.unref();
      void run();
      return () => clearInterval(timer);
    },
  };
}

export interface ReminderSchedulerDeps {
  db: Db;
  clock: Clock;
  appUrl: string;
  tokens: UnsubscribeTokens;
  mailQueue: { kick(): void };
  logger: FastifyBaseLogger;
  /** Default: intervalTicker(intervalMs). */
  ticker?: ReminderTicker;
  /** How often the default ticker runs (default a minute). */
  intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 60_000;
const USERS_PER_PAGE = 200;
// A claim can matter only while a bookmark may still reach back to its slot: a day or so (see
// RemindersService.update). Kept far longer, for whoever wants to see what was sent.
const KEEP_CLAIMS_MS = 40 * 24 * 60 * 60 * 1000;

/**
 * Sends the birthday reminder emails, on every instance at once.
 *
 * Exactly once, however many instances tick: (1) a user's settings row is worked on under a row
 * lock taken with SKIP LOCKED, and its bookmark (`checked_through`, see reminder-slots.ts) moves in
 * the same transaction, so a second instance either skips the row or, once the first commits,
 * no longer finds it due; (2) each reminder's key (user, local send date, days before) is inserted
 * with ON CONFLICT DO NOTHING in the transaction that queues its mail in the outbox, and only the
 * inserter sends. (2) alone would do; (1) saves the work, and (2) also covers a bookmark moved back
 * when settings change. The outbox then delivers each queued message once.
 */
export class ReminderScheduler {
  #stopTicker: (() => void) | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(private readonly deps: ReminderSchedulerDeps) {}

  start(): void {
    if (this.#stopTicker || this.#stopped) return;
    this.#stopTicker = (this.deps.ticker ?? intervalTicker(this.deps.intervalMs ?? DEFAULT_INTERVAL_MS)).start(() => this.tick());
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopTicker?.();
    this.#stopTicker = undefined;
    await this.#running;
  }

  /** One pass over every user with reminders due now. Never rejects; a pass under way is joined. */
  tick(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#running ??= this.#pass()
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'reminders: pass failed; will retry'))
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  /** Sends what is due for one user now (after their settings changed); failures are logged, the next tick retries. */
  async runFor(userId: string): Promise<void> {
    try {
      await this.#processUser(userId, this.deps.clock.now());
    } catch (error) {
      this.deps.logger.warn({ err: error, userId }, 'reminders: could not send due reminders; the next pass will');
    }
  }

  async #pass(): Promise<void> {
    const now = this.deps.clock.now();
    let after: string | undefined;
    let queued = 0;
    for (;;) {
      const userIds = await listDueReminderUsers(this.deps.db, now, after, USERS_PER_PAGE);
      for (const userId of userIds) {
        try {
          queued += await this.#processUser(userId, now);
        } catch (error) {
          this.deps.logger.warn({ err: error, userId }, 'reminders: could not process a user; will retry');
        }
      }
      if (userIds.length < USERS_PER_PAGE) break;
      after = userIds.at(-1);
    }
    await forgetDeliveriesBefore(this.deps.db, new Date(now.getTime() - KEEP_CLAIMS_MS));
    if (queued > 0) this.deps.logger.info({ queued }, 'reminders: birthday reminders queued');
  }

  /** Returns how many messages were queued. */
  async #processUser(userId: string, now: Date): Promise<number> {
    const queued = await this.deps.db.transaction(async (tx) => {
      const owner = await lockDueReminders(tx, userId, now);
      if (!owner) return 0;
      // The users module checks zones; one the runtime stopped knowing falls back to UTC rather than stopping mail.
      const timeZone = isValidTimeZone(owner.timezone) ? owner.timezone : 'UTC';
      const schedule: ReminderSchedule = { timeZone, hour: owner.hour, daysBefore: owner.daysBefore };
      // Never backwards: a clock that stepped back must not reopen what was done.
      const through = Math.max(owner.checkedThrough.getTime(), now.getTime());
      const count = await this.#sendDue(tx, userId, owner, schedule, dueSlots(schedule, owner.checkedThrough.getTime(), now.getTime()), now);
      await advanceReminders(tx, userId, {
        checkedThrough: new Date(through),
        nextDueAt: new Date(nextSendInstant(schedule, through)),
        scheduledZone: owner.timezone,
      });
      return count;
    });
    if (queued > 0) this.deps.mailQueue.kick();
    return queued;
  }

  /**
   * One message per birthday date that has any birthdays: usually one per slot. After a downtime two
   * due slots can be about the same day (the 7-days-before of last week and today's on-the-day);
   * that day then gets one message, not two.
   */
  async #sendDue(tx: Executor, userId: string, owner: DueReminderOwner, schedule: ReminderSchedule, slots: DueSlot[], now: Date): Promise<number> {
    if (slots.length === 0) return 0;
    const candidates: Array<BirthdayCandidate<string>> = (await listBirthdays(tx, userId)).map((row) => ({
      birthday: { year: row.birthdayYear, month: row.birthdayMonth, day: row.birthdayDay },
      value: displayName(row),
      name: displayName(row),
    }));
    if (candidates.length === 0) return 0;
    const today = localDateAt(schedule.timeZone, now.getTime());

    const byDate = new Map<string, { keys: DeliveryKey[]; daysUntil: number; birthdays: BirthdayReminderProps['birthdays'] }>();
    for (const slot of slots) {
      const birthdayDate = formatCalendarDate(slot.birthdayDate);
      const key: DeliveryKey = { sendDate: formatCalendarDate(slot.sendDate), daysBefore: slot.daysBefore, birthdayDate };
      const known = byDate.get(birthdayDate);
      if (known) {
        known.keys.push(key);
        continue;
      }
      // A window of one day: the same rule as /api/contacts/birthdays (29 February on 28 February in common years).
      const found = upcomingBirthdays(candidates, birthdayDate, 0);
      if (found.length === 0) continue;
      byDate.set(birthdayDate, {
        keys: [key],
        daysUntil: daysBetween(today, slot.birthdayDate),
        birthdays: found.map((birthday) => ({ name: birthday.value, turning: birthday.turning })),
      });
    }

    let queued = 0;
    for (const [date, { keys, daysUntil, birthdays }] of byDate) {
      const claimed = await claimDeliveries(tx, userId, keys, now);
      if (claimed.length === 0) continue;
      const token = this.deps.tokens.issue(userId);
      const { appUrl } = this.deps;
      const messageId = await enqueueMail(
        tx,
        owner.email,
        {
          template: 'birthday-reminder',
          props: {
            name: owner.name,
            date,
            daysUntil,
            birthdays,
            unsubscribeUrl: `${appUrl}/reminders/unsubscribe?token=${token}`,
            oneClickUrl: `${appUrl}/api/reminders/unsubscribe?token=${token}`,
            settingsUrl: `${appUrl}/profile`,
          },
        },
        now,
      );
      await recordDeliveryMail(tx, userId, claimed, messageId);
      queued += 1;
    }
    return queued;
  }
}
