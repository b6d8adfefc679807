/**
 * Birthday arithmetic for contacts: parsing the API form, "today" in a user's time zone, and the
 * upcoming-birthdays window. All date math runs on integer day numbers (days since 1970-01-01 in
 * the proleptic Gregorian calendar), so no local-time Date or DST behaviour can shift a day.
 */

/** A stored birthday; `year` is null when the contact didn't say (API form `--MM-DD`). */
export interface Birthday {
  year: number | null;
  month: number;
  day: number;
}

/** A full calendar date, as in `YYYY-MM-DD`. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export interface BirthdayCandidate<T> {
  birthday: Birthday;
  value: T;
  /** Display name, used only to order contacts whose birthdays fall on the same day. */
  name: string;
}

export interface UpcomingBirthday<T> {
  value: T;
  /** The occurrence inside the window, `YYYY-MM-DD`. */
  date: string;
  daysUntil: number;
  /** Age reached on `date`, or null when the birth year is unknown. */
  turning: number | null;
}

export const MAX_WINDOW_DAYS = 366;

export const isLeapYear = (year: number): boolean =>
  (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 (H. Hinnant's days_from_civil; exact for every Gregorian year). */
export function dayNumber({ year, month, day }: CalendarDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The inverse of `dayNumber` (H. Hinnant's civil_from_days). */
export function fromDayNumber(days: number): CalendarDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEARLESS_DATE = /^--(\d{2})-(\d{2})$/;

/** Strict `YYYY-MM-DD` (years 0001..9999); undefined for anything else, including 2023-02-29. */
export function parseCalendarDate(value: string): CalendarDate | undefined {
  const match = FULL_DATE.exec(value);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  // Year 0000 exists only in astronomical numbering; nobody means it as a birth year.
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

export const formatCalendarDate = (d: CalendarDate): string =>
  `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}`;

/** `YYYY-MM-DD` or `--MM-DD`. A year-less 29 February is accepted: it exists in some year. */
export function parseBirthday(value: string): Birthday | undefined {
  const full = parseCalendarDate(value);
  if (full) return full;
  const match = YEARLESS_DATE.exec(value);
  if (!match) return undefined;
  const month = Number(match[1]);
  const day = Number(match[2]);
  // 2000 is a leap year, so this allows 29 February and nothing else that a leap year lacks.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(2000, month)) return undefined;
  return { year: null, month, day };
}

export const formatBirthday = (b: Birthday): string =>
  b.year === null ? `--${pad(b.month, 2)}-${pad(b.day, 2)}` : formatCalendarDate({ ...b, year: b.year });

function requireDate(value: string, what: string): CalendarDate {
  const date = parseCalendarDate(value);
  if (!date) throw new RangeError(`${what} must be a valid YYYY-MM-DD date, got ${JSON.stringify(value)}`);
  return date;
}

/** A year-less birthday can't be in the future: it names no particular day. */
export function isBirthdayInFuture(b: Birthday, today: string): boolean {
  if (b.year === null) return false;
  return dayNumber({ ...b, year: b.year }) > dayNumber(requireDate(today, 'today'));
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Gregorian calendar and Latin digits pinned, so the server's locale can't change the parts.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The calendar date at instant `now` in an IANA zone. Throws RangeError for an unknown zone. */
export function todayIn(timeZone: string, now: Date): string {
  const parts = formatterFor(timeZone).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return formatCalendarDate({ year: part('year'), month: part('month'), day: part('day') });
}

// Intl also accepts offsets such as "+05:00" on newer Node versions; the API promises IANA names.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

export function isValidTimeZone(tz: string): boolean {
  if (tz.length > 64 || !ZONE_NAME.test(tz)) return false;
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

/** The birthday's date in `year`: 29 February falls back to 28 February in a common year. */
function occurrenceIn(b: Birthday, year: number): CalendarDate {
  const day = b.month === 2 && b.day === 29 && !isLeapYear(year) ? 28 : b.day;
  return { year, month: b.month, day };
}

// Fixed locale so the order doesn't depend on the server's LANG; 'accent' ignores case only.
const nameCollator = new Intl.Collator('en', { sensitivity: 'accent', numeric: true });

/**
 * Birthdays from `from` through `from + days` (both included), each contact once, ordered by
 * `daysUntil`, then name; equal names keep the input order (the sort is stable), so callers wanting
 * a fully determined order pass items sorted by id.
 * Throws RangeError for an invalid `from` or `days` outside 0..366 (the route validates first).
 */
export function upcomingBirthdays<T>(
  items: ReadonlyArray<BirthdayCandidate<T>>,
  from: string,
  days: number,
): Array<UpcomingBirthday<T>> {
  const start = requireDate(from, 'from');
  if (!Number.isInteger(days) || days < 0 || days > MAX_WINDOW_DAYS) {
    throw new RangeError(`days must be an integer in 0..${MAX_WINDOW_DAYS}, got ${days}`);
  }
  const first = dayNumber(start);
  const last = first + days;

  const found: Array<UpcomingBirthday<T> & { name: string }> = [];
  for (const { birthday, value, name } of items) {
    // A 366-day window can hold two occurrences of the same birthday (e.g. from 2026-12-31 it
    // reaches 2028-01-01). We report only the first: the contract asks for "the next occurrence".
    // Scanning the start year and the two after it covers every window of at most 366 days.
    for (let year = start.year; year <= start.year + 2; year += 1) {
      // Not an occurrence before the contact was born (a negative age); a later year may be one.
      if (birthday.year !== null && birthday.year > year) continue;
      const occurrence = occurrenceIn(birthday, year);
      const day = dayNumber(occurrence);
      if (day < first) continue;
      if (day > last) break;
      found.push({
        value,
        name,
        date: formatCalendarDate(occurrence),
        daysUntil: day - first,
        turning: birthday.year === null ? null : year - birthday.year,
      });
      break;
    }
  }

  found.sort((a, b) => a.daysUntil - b.daysUntil || nameCollator.compare(a.name, b.name));
  return found.map(({ value, date, daysUntil, turning }) => ({ value, date, daysUntil, turning }));
}
