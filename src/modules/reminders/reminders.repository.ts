import { and, asc, eq, gt, isNotNull, isNull, lt, lte, ne, or } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { contacts, reminderDeliveries, type ReminderSettingsRow, reminderSettings, users } from '../../db/schema.js';

export type StoredReminderSettings = Pick<ReminderSettingsRow, 'enabled' | 'daysBefore' | 'hour' | 'checkedThrough'>;

export async function findReminderSettings(executor: Executor, userId: string): Promise<StoredReminderSettings | undefined> {
  const [row] = await executor
    .select({
      enabled: reminderSettings.enabled,
      daysBefore: reminderSettings.daysBefore,
      hour: reminderSettings.hour,
      checkedThrough: reminderSettings.checkedThrough,
    })
    .from(reminderSettings)
    .where(eq(reminderSettings.userId, userId));
  return row;
}

/** The user's zone and their settings row (if any), the row locked until the transaction ends. */
export async function lockReminderSettings(
  executor: Executor,
  userId: string,
): Promise<{ timezone: string; settings: StoredReminderSettings | undefined } | undefined> {
  const [user] = await executor.select({ timezone: users.timezone }).from(users).where(eq(users.id, userId));
  if (!user) return undefined;
  const [settings] = await executor
    .select({
      enabled: reminderSettings.enabled,
      daysBefore: reminderSettings.daysBefore,
      hour: reminderSettings.hour,
      checkedThrough: reminderSettings.checkedThrough,
    })
    .from(reminderSettings)
    .where(eq(reminderSettings.userId, userId))
    .for('update');
  return { timezone: user.timezone, settings };
}

export interface ReminderSettingsWrite {
  enabled: boolean;
  daysBefore: number[];
  hour: number;
  checkedThrough: Date;
  nextDueAt: Date | null;
  scheduledZone: string | null;
  updatedAt: Date;
}

export async function saveReminderSettings(executor: Executor, userId: string, values: ReminderSettingsWrite): Promise<void> {
  await executor
    .insert(reminderSettings)
    .values({ userId, ...values })
    .onConflictDoUpdate({ target: reminderSettings.userId, set: values });
}

/** Turns reminders off (the unsubscribe link); false when there was nothing on to turn off. */
export async function disableReminders(executor: Executor, userId: string, now: Date): Promise<boolean> {
  const rows = await executor
    .update(reminderSettings)
    .set({ enabled: false, nextDueAt: null, updatedAt: now })
    .where(and(eq(reminderSettings.userId, userId), eq(reminderSettings.enabled, true)))
    .returning({ userId: reminderSettings.userId });
  return rows.length > 0;
}

// Due: the next send instant has come, or the owner moved to another time zone since it was worked out.
const isDue = (now: Date) =>
  and(
    eq(reminderSettings.enabled, true),
    or(lte(reminderSettings.nextDueAt, now), isNull(reminderSettings.scheduledZone), ne(reminderSettings.scheduledZone, users.timezone)),
  );

/** Up to `limit` users with reminders due at `now`, by id after `afterId` (keyset paging). */
export async function listDueReminderUsers(executor: Executor, now: Date, afterId: string | undefined, limit: number): Promise<string[]> {
  const rows = await executor
    .select({ userId: reminderSettings.userId })
    .from(reminderSettings)
    .innerJoin(users, eq(users.id, reminderSettings.userId))
    .where(and(isDue(now), afterId ? gt(reminderSettings.userId, afterId) : undefined))
    .orderBy(asc(reminderSettings.userId))
    .limit(limit);
  return rows.map((row) => row.userId);
}

export interface DueReminderOwner {
  email: string;
  name: string;
  timezone: string;
  daysBefore: number[];
  hour: number;
  checkedThrough: Date;
}

/**
 * Locks the user's settings row if reminders are still due at `now`. SKIP LOCKED: when another
 * instance is working on this user, we pass (it will move the bookmark); and the due condition is
 * re-read after the lock, so a row another instance has just finished is not done again.
 */
export async function lockDueReminders(executor: Executor, userId: string, now: Date): Promise<DueReminderOwner | undefined> {
  const [row] = await executor
    .select({
      email: users.email,
      name: users.name,
      timezone: users.timezone,
      daysBefore: reminderSettings.daysBefore,
      hour: reminderSettings.hour,
      checkedThrough: reminderSettings.checkedThrough,
    })
    .from(reminderSettings)
    .innerJoin(users, eq(users.id, reminderSettings.userId))
    .where(and(eq(reminderSettings.userId, userId), isDue(now)))
    .for('update', { of: reminderSettings, skipLocked: true });
  return row;
}

export async function advanceReminders(
  executor: Executor,
  userId: string,
  values: { checkedThrough: Date; nextDueAt: Date; scheduledZone: string },
): Promise<void> {
  await executor.update(reminderSettings).set(values).where(eq(reminderSettings.userId, userId));
}

export interface BirthdayRow {
  firstName: string;
  lastName: string | null;
  birthdayYear: number | null;
  birthdayMonth: number;
  birthdayDay: number;
}

/** The user's contacts with a birthday, outside the trash, by id (so equal names keep one order). */
export async function listBirthdays(executor: Executor, userId: string): Promise<BirthdayRow[]> {
  const rows = await executor
    .select({
      firstName: contacts.firstName,
      lastName: contacts.lastName,
      birthdayYear: contacts.birthdayYear,
      birthdayMonth: contacts.birthdayMonth,
      birthdayDay: contacts.birthdayDay,
    })
    .from(contacts)
    .where(and(eq(contacts.userId, userId), isNull(contacts.deletedAt), isNotNull(contacts.birthdayMonth), isNotNull(contacts.birthdayDay)))
    .orderBy(asc(contacts.id));
  return rows.flatMap((row) =>
    row.birthdayMonth !== null && row.birthdayDay !== null ? [{ ...row, birthdayMonth: row.birthdayMonth, birthdayDay: row.birthdayDay }] : [],
  );
}

export interface DeliveryKey {
  sendDate: string;
  daysBefore: number;
  birthdayDate: string;
}

/**
 * Claims these reminders for sending: inserts their keys, skipping any that exist. Returns the
 * keys this call inserted; only those may be sent. On PostgreSQL a concurrent insert of the same
 * key waits for the other transaction and then skips, so two claimers never both get one.
 */
export async function claimDeliveries(executor: Executor, userId: string, keys: DeliveryKey[], now: Date): Promise<DeliveryKey[]> {
  if (keys.length === 0) return [];
  const rows = await executor
    .insert(reminderDeliveries)
    .values(keys.map((key) => ({ userId, ...key, createdAt: now })))
    .onConflictDoNothing()
    .returning({
      sendDate: reminderDeliveries.sendDate,
      daysBefore: reminderDeliveries.daysBefore,
      birthdayDate: reminderDeliveries.birthdayDate,
    });
  return rows;
}

export async function recordDeliveryMail(executor: Executor, userId: string, keys: DeliveryKey[], messageId: string): Promise<void> {
  for (const key of keys) {
    await executor
      .update(reminderDeliveries)
      .set({ outboxMessageId: messageId })
      .where(
        and(
          eq(reminderDeliveries.userId, userId),
          eq(reminderDeliveries.sendDate, key.sendDate),
          eq(reminderDeliveries.daysBefore, key.daysBefore),
        ),
      );
  }
}

/** Forgets claims older than `before`: by then no bookmark can reach back to their slots. */
export async function forgetDeliveriesBefore(executor: Executor, before: Date): Promise<void> {
  await executor.delete(reminderDeliveries).where(lt(reminderDeliveries.createdAt, before));
}
