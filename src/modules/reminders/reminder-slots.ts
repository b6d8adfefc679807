/**
 * Which reminders are due: pure arithmetic on a user's schedule, a bookmark and now.
 *
 * A "slot" is one reminder: a local send date D and an offset d from daysBefore; it is about the
 * birthdays on D + d and goes out at the send instant of D, the instant the user's wall clock reads
 * `hour:00` on D (see wallTimeToInstant for the DST rules). The scheduler keeps, per user, a
 * bookmark `checkedThrough`: every slot whose send instant is at or before it has been dealt with.
 * A run deals with the slots whose send instant lies in (checkedThrough, now] and moves the bookmark
 * to now. That one rule gives catch-up for free: after a downtime the missed slots are still in the
 * window. A slot whose birthday is already past in the user's zone is dropped instead of sent late.
 */
import type { CalendarDate } from '../contacts/birthdays.js';
import { addDays, daysBetween, localDateAt, wallTimeToInstant } from './local-time.js';

export interface ReminderSchedule {
  timeZone: string;
  hour: number;
  daysBefore: readonly number[];
}

export interface DueSlot {
  sendDate: CalendarDate;
  daysBefore: number;
  /** sendDate + daysBefore: the birthdays this reminder lists. */
  birthdayDate: CalendarDate;
}

/** The largest offset the settings allow; no slot older than this can still be about a coming birthday. */
export const MAX_DAYS_BEFORE = 30;

const sendInstantOf = (schedule: ReminderSchedule, date: CalendarDate) =>
  wallTimeToInstant(schedule.timeZone, date, schedule.hour);

/** Slots whose send instant lies in (afterMs, nowMs] and whose birthday is today or later (in the user's zone). */
export function dueSlots(schedule: ReminderSchedule, afterMs: number, nowMs: number): DueSlot[] {
  if (nowMs <= afterMs) return [];
  const today = localDateAt(schedule.timeZone, nowMs);
  // A send instant falls on its own local date (or, past a gap at midnight, just after it), so the
  // day before the bookmark's date is the earliest that can still be open. Anything sent more than
  // MAX_DAYS_BEFORE + 1 days ago is about a birthday that has passed.
  const fromBookmark = addDays(localDateAt(schedule.timeZone, afterMs), -1);
  const earliest = addDays(today, -(MAX_DAYS_BEFORE + 1));
  let date = daysBetween(earliest, fromBookmark) > 0 ? fromBookmark : earliest;
  const slots: DueSlot[] = [];
  for (; daysBetween(date, today) >= -1; date = addDays(date, 1)) {
    const at = sendInstantOf(schedule, date);
    if (at <= afterMs || at > nowMs) continue;
    for (const daysBefore of schedule.daysBefore) {
      const birthdayDate = addDays(date, daysBefore);
      if (daysBetween(today, birthdayDate) >= 0) slots.push({ sendDate: date, daysBefore, birthdayDate });
    }
  }
  return slots;
}

/** The first send instant after `afterMs`. */
export function nextSendInstant(schedule: ReminderSchedule, afterMs: number): number {
  const start = addDays(localDateAt(schedule.timeZone, afterMs), -1);
  for (let i = 0; ; i += 1) {
    const at = sendInstantOf(schedule, addDays(start, i));
    if (at > afterMs) return at;
  }
}

/**
 * The bookmark for reminders that are being turned on (or rescheduled) at `nowMs`: just before
 * today's send instant. Today's reminders are then due as soon as their hour has begun (at once
 * if it already has), and no earlier day's are, since every earlier send instant is before it.
 */
export function bookmarkOnEnable(schedule: ReminderSchedule, nowMs: number): number {
  return sendInstantOf(schedule, localDateAt(schedule.timeZone, nowMs)) - 1;
}
