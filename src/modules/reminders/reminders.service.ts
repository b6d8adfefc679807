import type { Db } from '../../db/client.js';
import { AppError, unauthorized } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { isValidTimeZone } from '../contacts/birthdays.js';
import { bookmarkOnEnable, nextSendInstant } from './reminder-slots.js';
import { disableReminders, findReminderSettings, lockReminderSettings, saveReminderSettings } from './reminders.repository.js';
import type { ReminderScheduler } from './reminders.scheduler.js';
import { DEFAULT_REMINDER_SETTINGS, type ReminderSettings, type ReminderSettingsInput } from './reminders.schemas.js';
import type { UnsubscribeTokens } from './unsubscribe-token.js';

export interface RemindersServiceDeps {
  db: Db;
  clock: Clock;
  scheduler: ReminderScheduler;
  tokens: UnsubscribeTokens;
}

/** Birthday reminder settings, and the unsubscribe link of the emails. The sending is ReminderScheduler's. */
export class RemindersService {
  constructor(private readonly deps: RemindersServiceDeps) {}

  async get(userId: string): Promise<ReminderSettings> {
    const row = await findReminderSettings(this.deps.db, userId);
    return row ? { enabled: row.enabled, daysBefore: [...row.daysBefore].sort(ascending), hour: row.hour } : copyOfDefaults();
  }

  /**
   * Saves the settings. Turning reminders on (or changing them while on) sets the bookmark to just
   * before today's send instant: a reminder whose hour has already begun today goes out now, none
   * for an earlier day does. While reminders stay on, the bookmark only ever moves back to there,
   * never forward, so a catch-up still pending is kept; what was already sent today is not sent
   * again, since its claim exists (see ReminderScheduler).
   */
  async update(userId: string, input: ReminderSettingsInput): Promise<ReminderSettings> {
    const now = this.deps.clock.now();
    const settings: ReminderSettings = { enabled: input.enabled, daysBefore: [...new Set(input.daysBefore)].sort(ascending), hour: input.hour };
    await this.deps.db.transaction(async (tx) => {
      const locked = await lockReminderSettings(tx, userId);
      if (!locked) throw unauthorized('This account no longer exists');
      const current = locked.settings;
      if (!settings.enabled) {
        await saveReminderSettings(tx, userId, {
          ...settings,
          checkedThrough: current?.checkedThrough ?? now,
          nextDueAt: null,
          scheduledZone: null,
          updatedAt: now,
        });
        return;
      }
      const timeZone = isValidTimeZone(locked.timezone) ? locked.timezone : 'UTC';
      const schedule = { timeZone, hour: settings.hour, daysBefore: settings.daysBefore };
      const bookmark = bookmarkOnEnable(schedule, now.getTime());
      const checkedThrough = current?.enabled ? Math.min(current.checkedThrough.getTime(), bookmark) : bookmark;
      await saveReminderSettings(tx, userId, {
        ...settings,
        checkedThrough: new Date(checkedThrough),
        nextDueAt: new Date(nextSendInstant(schedule, checkedThrough)),
        scheduledZone: locked.timezone,
        updatedAt: now,
      });
    });
    // What is due already (today's reminder, its hour begun) goes out now rather than at the next tick.
    if (settings.enabled) await this.deps.scheduler.runFor(userId);
    return settings;
  }

  /** The emails' unsubscribe link and one-click POST: turns reminders off. Doing it twice is fine. */
  async unsubscribe(token: string): Promise<void> {
    const userId = this.deps.tokens.verify(token);
    if (!userId) throw new AppError('INVALID_TOKEN', 400, 'This unsubscribe link is not valid; turn reminders off in your Kith profile');
    await disableReminders(this.deps.db, userId, this.deps.clock.now());
  }
}

const ascending = (a: number, b: number) => a - b;

const copyOfDefaults = (): ReminderSettings => ({ ...DEFAULT_REMINDER_SETTINGS, daysBefore: [...DEFAULT_REMINDER_SETTINGS.daysBefore] });
