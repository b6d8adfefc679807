import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Birthday,
  dayNumber,
  formatBirthday,
  fromDayNumber,
  isBirthdayInFuture,
  isValidTimeZone,
  parseBirthday,
  parseCalendarDate,
  todayIn,
  upcomingBirthdays,
} from './birthdays.js';

const bd = (value: string): Birthday => {
  const parsed = parseBirthday(value);
  if (!parsed) throw new Error(`bad fixture ${value}`);
  return parsed;
};

const people = (...entries: Array<[name: string, birthday: string]>) =>
  entries.map(([name, birthday]) => ({ name, value: name, birthday: bd(birthday) }));

describe('parseBirthday / formatBirthday', () => {
  it('reads both API forms and writes them back unchanged', () => {
    expect(parseBirthday('1990-07-15')).toEqual({ year: 1990, month: 7, day: 15 });
    expect(parseBirthday('--07-15')).toEqual({ year: null, month: 7, day: 15 });
    for (const value of ['1990-07-15', '--07-15', '2000-02-29', '--02-29', '0999-01-01']) {
      expect(formatBirthday(bd(value))).toBe(value);
    }
  });

  it('rejects impossible dates but accepts a year-less 29 February', () => {
    expect(parseBirthday('2023-02-29')).toBeUndefined();
    expect(parseBirthday('1900-02-29')).toBeUndefined();
    expect(parseBirthday('2000-02-29')).toEqual({ year: 2000, month: 2, day: 29 });
    expect(parseBirthday('--02-29')).toEqual({ year: null, month: 2, day: 29 });
    expect(parseBirthday('--02-30')).toBeUndefined();
    expect(parseBirthday('--04-31')).toBeUndefined();
    expect(parseBirthday('2024-13-01')).toBeUndefined();
    expect(parseBirthday('2024-00-10')).toBeUndefined();
    expect(parseBirthday('2024-01-00')).toBeUndefined();
    expect(parseBirthday('0000-01-01')).toBeUndefined();
  });

  it('rejects other shapes', () => {
    for (const value of ['', '1990-7-15', '90-07-15', '--7-15', '07-15', '1990-07-15T00:00:00Z', ' 1990-07-15', '１９９０-07-15']) {
      expect(parseBirthday(value), value).toBeUndefined();
    }
  });
});

describe('isBirthdayInFuture', () => {
  it('compares full dates with today', () => {
    expect(isBirthdayInFuture(bd('2026-05-02'), '2026-05-01')).toBe(true);
    expect(isBirthdayInFuture(bd('2026-05-01'), '2026-05-01')).toBe(false);
    expect(isBirthdayInFuture(bd('1990-12-31'), '2026-05-01')).toBe(false);
  });

  it('never calls a year-less birthday future', () => {
    expect(isBirthdayInFuture(bd('--12-31'), '2026-01-01')).toBe(false);
  });
});

describe('day numbers', () => {
  it('agree with Date.UTC and round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: dayNumber({ year: 1600, month: 1, day: 1 }), max: dayNumber({ year: 2600, month: 12, day: 31 }) }), (n) => {
        const date = fromDayNumber(n);
        expect(Date.UTC(date.year, date.month - 1, date.day) / 86_400_000).toBe(n);
        expect(dayNumber(date)).toBe(n);
        expect(parseCalendarDate(`${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`)).toEqual(date);
      }),
    );
  });
});

describe('todayIn / isValidTimeZone', () => {
  it('gives different dates on either side of the date line at the same instant', () => {
    const now = new Date('2026-03-10T12:00:00Z');
    expect(todayIn('Pacific/Kiritimati', now)).toBe('2026-03-11'); // UTC+14
    expect(todayIn('Pacific/Pago_Pago', now)).toBe('2026-03-10'); // UTC-11
    expect(todayIn('UTC', now)).toBe('2026-03-10');

    const lateUtc = new Date('2026-12-31T23:30:00Z');
    expect(todayIn('Europe/Kyiv', lateUtc)).toBe('2027-01-01');
    expect(todayIn('America/New_York', lateUtc)).toBe('2026-12-31');
    const earlyUtc = new Date('2026-01-01T05:00:00Z');
    expect(todayIn('Pacific/Kiritimati', earlyUtc)).toBe('2026-01-01');
    expect(todayIn('Pacific/Pago_Pago', earlyUtc)).toBe('2025-12-31');
  });

  it('throws for an unknown zone', () => {
    expect(() => todayIn('Mars/Olympus_Mons', new Date())).toThrow(RangeError);
  });

  it('accepts IANA names only', () => {
    for (const tz of ['UTC', 'Europe/Kyiv', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5']) expect(isValidTimeZone(tz), tz).toBe(true);
    for (const tz of ['', 'Mars/Olympus_Mons', '+05:00', 'Europe/Kyiv ', '../etc/passwd', 'x'.repeat(100)]) {
      expect(isValidTimeZone(tz), tz).toBe(false);
    }
  });
});

describe('upcomingBirthdays examples', () => {
  it('wraps across New Year', () => {
    const result = upcomingBirthdays(people(['Ann', '1990-01-02'], ['Bob', '--12-27'], ['Cid', '--12-30']), '2026-12-28', 7);
    expect(result).toEqual([
      { value: 'Cid', date: '2026-12-30', daysUntil: 2, turning: null },
      { value: 'Ann', date: '2027-01-02', daysUntil: 5, turning: 37 },
    ]);
  });

  it('includes both ends of the window', () => {
    const result = upcomingBirthdays(people(['Start', '--03-01'], ['End', '--03-08'], ['After', '--03-09']), '2026-03-01', 7);
    expect(result.map((r) => [r.value, r.daysUntil])).toEqual([['Start', 0], ['End', 7]]);
  });

  it('puts 29 February on 29 February in a leap year and on 28 February otherwise', () => {
    const leaper = people(['Leap', '2000-02-29']);
    expect(upcomingBirthdays(leaper, '2028-02-20', 30)).toEqual([
      { value: 'Leap', date: '2028-02-29', daysUntil: 9, turning: 28 },
    ]);
    expect(upcomingBirthdays(leaper, '2027-02-20', 30)).toEqual([
      { value: 'Leap', date: '2027-02-28', daysUntil: 8, turning: 27 },
    ]);
    expect(upcomingBirthdays(leaper, '2027-03-01', 0)).toEqual([]);
    expect(upcomingBirthdays(people(['NoYear', '--02-29']), '2100-02-28', 0)).toEqual([
      { value: 'NoYear', date: '2100-02-28', daysUntil: 0, turning: null },
    ]);
  });

  it('with days = 0 returns only today\'s birthdays', () => {
    const result = upcomingBirthdays(people(['Yesterday', '--05-31'], ['Today', '1980-06-01'], ['Tomorrow', '--06-02']), '2026-06-01', 0);
    expect(result).toEqual([{ value: 'Today', date: '2026-06-01', daysUntil: 0, turning: 46 }]);
  });

  it('orders by daysUntil, then name, case-insensitively, keeping input order for equal names', () => {
    const result = upcomingBirthdays(
      people(['bob', '--06-03'], ['Zoe', '--06-02'], ['alice', '--06-03'], ['Émile', '--06-03'], ['Bob', '--06-03']),
      '2026-06-01',
      7,
    );
    expect(result.map((r) => r.value)).toEqual(['Zoe', 'alice', 'bob', 'Bob', 'Émile']);
  });

  it('reports each contact once, at its first occurrence, even in a 366-day window', () => {
    expect(upcomingBirthdays(people(['Jan', '--01-01']), '2026-12-31', 366)).toEqual([
      { value: 'Jan', date: '2027-01-01', daysUntil: 1, turning: null },
    ]);
    expect(upcomingBirthdays(people(['Today', '--03-01']), '2027-03-01', 366)).toEqual([
      { value: 'Today', date: '2027-03-01', daysUntil: 0, turning: null },
    ]);
  });

  it('skips occurrences before the birth year and reports turning 0 on the birth date', () => {
    expect(upcomingBirthdays(people(['Baby', '2027-01-01']), '2026-12-31', 366)).toEqual([
      { value: 'Baby', date: '2027-01-01', daysUntil: 1, turning: 0 },
    ]);
    expect(upcomingBirthdays(people(['Later', '2028-01-01']), '2026-12-31', 366)).toEqual([
      { value: 'Later', date: '2028-01-01', daysUntil: 366, turning: 0 },
    ]);
    expect(upcomingBirthdays(people(['Future', '2030-06-01']), '2026-06-01', 366)).toEqual([]);
  });

  it('rejects a bad window', () => {
    expect(() => upcomingBirthdays([], '2026-02-30', 7)).toThrow(RangeError);
    expect(() => upcomingBirthdays([], '2026-01-01', 367)).toThrow(RangeError);
    expect(() => upcomingBirthdays([], '2026-01-01', -1)).toThrow(RangeError);
    expect(() => upcomingBirthdays([], '2026-01-01', 1.5)).toThrow(RangeError);
  });
});

// ---- property-based: compare with a day-by-day walk that shares no date code with the module ----

const utcDate = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day));
const iso = (d: Date) => d.toISOString().slice(0, 10);
const leap = (y: number) => new Date(Date.UTC(y, 1, 29)).getUTCMonth() === 1;

function oracle(birthday: Birthday, from: string, days: number) {
  const [y, m, d] = from.split('-').map(Number) as [number, number, number];
  for (let i = 0; i <= days; i += 1) {
    const date = utcDate(y, m, d + i);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + 1;
    const day = date.getUTCDate();
    const sameDay = month === birthday.month && day === birthday.day;
    const feb29Fallback = birthday.month === 2 && birthday.day === 29 && !leap(year) && month === 2 && day === 28;
    if (!sameDay && !feb29Fallback) continue;
    if (birthday.year !== null && birthday.year > year) continue;
    return { date: iso(date), daysUntil: i, turning: birthday.year === null ? null : year - birthday.year };
  }
  return undefined;
}

// Years cluster near leap and century years (1900, 2000, 2100 are the interesting ones).
const yearArb = fc.oneof(fc.integer({ min: 1896, max: 1904 }), fc.integer({ min: 1996, max: 2030 }), fc.integer({ min: 2096, max: 2104 }));
const fromArb = fc.oneof(
  fc.record({ year: yearArb, dayOfYear: fc.integer({ min: 0, max: 365 }) }),
  // Year ends and late February, where the wrap and the leap-day rule live.
  fc.record({ year: yearArb, dayOfYear: fc.integer({ min: 355, max: 365 }) }),
  fc.record({ year: yearArb, dayOfYear: fc.integer({ min: 50, max: 60 }) }),
).map(({ year, dayOfYear }) => iso(utcDate(year, 1, 1 + dayOfYear)));

// A dated 29 February needs a leap birth year (1900 and 2100 aren't, 1896 and 2096 are).
function withLeapSafeYear(b: Birthday): Birthday {
  if (b.year === null || b.month !== 2 || b.day !== 29 || leap(b.year)) return b;
  const year = b.year - (b.year % 4);
  return { ...b, year: leap(year) ? year : year - 4 };
}

const birthdayArb: fc.Arbitrary<Birthday> = fc
  .record({
    year: fc.option(yearArb, { nil: null }),
    date: fc.oneof(
      fc.integer({ min: 0, max: 365 }).map((n) => utcDate(2000, 1, 1 + n)), // any day of a leap year
      fc.constantFrom(utcDate(2000, 2, 29), utcDate(2000, 2, 28), utcDate(2000, 3, 1), utcDate(2000, 1, 1), utcDate(2000, 12, 31)),
    ),
  })
  .map(({ year, date }) => withLeapSafeYear({ year, month: date.getUTCMonth() + 1, day: date.getUTCDate() }));

/** Birth years close to the window (including just after it starts), where `turning` hits 0 or would go negative. */
const nearYearArb = fc.option(fc.integer({ min: -3, max: 3 }), { nil: undefined });
const nearWindow = (b: Birthday, from: string, offset: number | undefined): Birthday =>
  offset === undefined ? b : withLeapSafeYear({ ...b, year: Number(from.slice(0, 4)) + offset });

const daysArb = fc.oneof(fc.integer({ min: 0, max: 366 }), fc.constantFrom(0, 1, 7, 365, 366));

describe('upcomingBirthdays properties', () => {
  it('finds exactly the first occurrence a day-by-day walk finds', () => {
    fc.assert(
      fc.property(birthdayArb, fromArb, daysArb, nearYearArb, (someBirthday, from, days, offset) => {
        const birthday = nearWindow(someBirthday, from, offset);
        const result = upcomingBirthdays([{ birthday, value: 1, name: 'x' }], from, days);
        const expected = oracle(birthday, from, days);
        expect(result).toEqual(expected ? [{ value: 1, ...expected }] : []);
      }),
      { numRuns: 3000 },
    );
  });

  it('returns every matching contact once, sorted by daysUntil then name', () => {
    const collator = new Intl.Collator('en', { sensitivity: 'accent', numeric: true });
    const itemsArb = fc.array(fc.record({ birthday: birthdayArb, name: fc.constantFrom('ann', 'Ann', 'bob', 'Zoë', 'émile', 'carl') }), { maxLength: 30 });
    fc.assert(
      fc.property(itemsArb, fromArb, daysArb, (raw, from, days) => {
        const items = raw.map((item, index) => ({ ...item, value: index }));
        const result = upcomingBirthdays(items, from, days);

        const expected = items.flatMap((item) => {
          const hit = oracle(item.birthday, from, days);
          return hit ? [{ value: item.value, ...hit }] : [];
        });
        expect([...result].sort((a, b) => a.value - b.value)).toEqual(expected);

        for (let i = 1; i < result.length; i += 1) {
          const prev = result[i - 1]!;
          const cur = result[i]!;
          const byName = collator.compare(items[prev.value]!.name, items[cur.value]!.name);
          expect(prev.daysUntil < cur.daysUntil || (prev.daysUntil === cur.daysUntil && (byName < 0 || (byName === 0 && prev.value < cur.value)))).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
