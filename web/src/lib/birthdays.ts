/** Birthdays as the API writes them: `YYYY-MM-DD`, or `--MM-DD` when the year is unknown. */

export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

export interface BirthdayParts {
  day: string;
  month: string;
  year: string;
}

const BIRTHDAY = /^(\d{4}|-)-(\d{2})-(\d{2})$/;

export function splitBirthday(value: string | null | undefined): BirthdayParts {
  const match = value ? BIRTHDAY.exec(value) : null;
  if (!match) return { day: '', month: '', year: '' };
  const [, year = '-', month = '', day = ''] = match;
  return { day: String(Number(day)), month: String(Number(month)), year: year === '-' ? '' : year };
}

/** The API form of what the three inputs hold ('' when all are empty). */
export function joinBirthday({ day, month, year }: BirthdayParts): string {
  const d = day.trim();
  const y = year.trim();
  if (!d && !month && !y) return '';
  const dd = d.padStart(2, '0');
  const mm = month.padStart(2, '0');
  return y ? `${y}-${mm}-${dd}` : `--${mm}-${dd}`;
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * What is wrong with the three inputs, said for them rather than in the API's `YYYY-MM-DD` terms;
 * undefined when they make a real date (the API may still refuse it, e.g. one in the future).
 */
export function birthdayProblem({ day, month, year }: BirthdayParts): string | undefined {
  const d = day.trim();
  const y = year.trim();
  if (!d && !month && !y) return undefined;
  if (!d || !month) return 'Enter a day and a month; the year is optional.';
  if (!/^\d{1,2}$/.test(d) || Number(d) < 1) return 'Enter the day as a number.';
  if (y && !/^\d{4}$/.test(y)) return 'Enter the year with four digits, or leave it empty.';
  const monthName = MONTHS[Number(month) - 1] ?? '';
  const lastDay = new Date(Date.UTC(2000, Number(month), 0)).getUTCDate();
  if (Number(d) > lastDay) return `${monthName} has no day ${Number(d)}.`;
  if (y && Number(month) === 2 && Number(d) === 29 && !isLeap(Number(y))) return `${y} had no 29 February.`;
  return undefined;
}

/** "10 December 1815", or "10 December" when the year is unknown. */
export function formatBirthday(value: string): string {
  const { day, month, year } = splitBirthday(value);
  const monthName = MONTHS[Number(month) - 1];
  if (!day || !monthName) return value;
  return year ? `${day} ${monthName} ${year}` : `${day} ${monthName}`;
}

export function formatDaysUntil(days: number): string {
  if (days === 0) return 'Today';
  if (days === 1) return 'Tomorrow';
  return `In ${days} days`;
}

/** "Wednesday, 2 December" for a `YYYY-MM-DD` date, read as a calendar date (no time zone shift). */
export function formatCalendarDay(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  if (!year || !month || !day) return date;
  return new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(year, month - 1, day)),
  );
}
