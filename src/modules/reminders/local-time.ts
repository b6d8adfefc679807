/**
 * Wall-clock time in an IANA zone, for the reminder scheduler: when does `hour:00` on a given local
 * date happen? Dates are `CalendarDate`s (see contacts/birthdays.ts); instants are epoch milliseconds.
 */
import { type CalendarDate, dayNumber, fromDayNumber, parseCalendarDate } from '../contacts/birthdays.js';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Gregorian calendar, Latin digits and a 0..23 hour pinned, so the server's locale changes nothing.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at instant `at`, in milliseconds (east positive). */
export function offsetAt(timeZone: string, at: number): number {
  const parts = wallFormatter(timeZone).formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  // Some ICU versions still write midnight as 24 under h23; it is the same day's 0.
  const hour = part('hour') % 24;
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), hour, part('minute'), part('second'));
  // Sub-second parts are not formatted; the offsets of modern zones are whole minutes anyway.
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

/** The local calendar date at instant `at`. */
export function localDateAt(timeZone: string, at: number): CalendarDate {
  return fromDayNumber(Math.floor((at + offsetAt(timeZone, at)) / DAY_MS));
}

/**
 * The instant at which the local wall clock of `timeZone` reads `hour:00` on `date`.
 * - In a spring-forward gap (the time never shows): the first instant after the gap, i.e. the
 *   moment of the transition (Europe/Kyiv's 03:00 on its spring day is 04:00 summer time, 01:00Z).
 * - In a fall-back overlap (the time shows twice): the first of the two, so a reminder goes once.
 */
export function wallTimeToInstant(timeZone: string, date: CalendarDate, hour: number): number {
  const wall = dayNumber(date) * DAY_MS + hour * HOUR_MS;
  // Every offset in use lies within -12..+14 hours, so the instant lies within a day of `wall`, and
  // the offsets a day either side are the only ones it can have (zones change at most once a day).
  const before = offsetAt(timeZone, wall - DAY_MS);
  const after = offsetAt(timeZone, wall + DAY_MS);
  const candidates = [...new Set([wall - before, wall - after])]
    .filter((at) => at + offsetAt(timeZone, at) === wall)
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first !== undefined) return first;
  // A gap: the clock jumped from before `wall` to after it. Find the transition between the two
  // readings (at `wall - after` the old offset still holds, at `wall - before` the new one does).
  let lo = Math.min(wall - before, wall - after);
  let hi = Math.max(wall - before, wall - after);
  const oldOffset = offsetAt(timeZone, lo);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(timeZone, mid) === oldOffset) lo = mid;
    else hi = mid;
  }
  return hi;
}

export const addDays = (date: CalendarDate, days: number): CalendarDate => fromDayNumber(dayNumber(date) + days);

export const daysBetween = (from: CalendarDate, to: CalendarDate): number => dayNumber(to) - dayNumber(from);

/** `YYYY-MM-DD` to a CalendarDate; throws on anything else (only for values this module wrote). */
export function requireCalendarDate(value: string): CalendarDate {
  const date = parseCalendarDate(value);
  if (!date) throw new RangeError(`not a calendar date: ${value}`);
  return date;
}
