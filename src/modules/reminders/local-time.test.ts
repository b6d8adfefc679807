import { describe, expect, it } from 'vitest';
import { parseCalendarDate } from '../contacts/birthdays.js';
import { localDateAt, wallTimeToInstant } from './local-time.js';
import { bookmarkOnEnable, dueSlots, nextSendInstant } from './reminder-slots.js';

const date = (value: string) => parseCalendarDate(value)!;
const at = (zone: string, day: string, hour: number) => new Date(wallTimeToInstant(zone, date(day), hour)).toISOString();

describe('wallTimeToInstant', () => {
  it.each([
    // Europe/Kyiv, spring 2027: 03:00 EET jumps to 04:00 EEST (01:00Z); 03:xx never shows.
    ['Europe/Kyiv', '2027-03-28', 2, '2027-03-28T00:00:00.000Z'],
    ['Europe/Kyiv', '2027-03-28', 3, '2027-03-28T01:00:00.000Z'],
    ['Europe/Kyiv', '2027-03-28', 4, '2027-03-28T01:00:00.000Z'],
    ['Europe/Kyiv', '2027-03-28', 9, '2027-03-28T06:00:00.000Z'],
    // Europe/Kyiv, autumn 2027: 04:00 EEST goes back to 03:00 EET (01:00Z); 03:xx shows twice, the first counts.
    ['Europe/Kyiv', '2027-10-31', 3, '2027-10-31T00:00:00.000Z'],
    ['Europe/Kyiv', '2027-10-31', 4, '2027-10-31T02:00:00.000Z'],
    ['Europe/Kyiv', '2027-10-31', 9, '2027-10-31T07:00:00.000Z'],
    // America/New_York, spring 2027: 02:00 EST jumps to 03:00 EDT (07:00Z).
    ['America/New_York', '2027-03-14', 2, '2027-03-14T07:00:00.000Z'],
    ['America/New_York', '2027-03-14', 9, '2027-03-14T13:00:00.000Z'],
    // America/New_York, autumn 2027: 02:00 EDT back to 01:00 EST (06:00Z); 01:xx shows twice.
    ['America/New_York', '2027-11-07', 1, '2027-11-07T05:00:00.000Z'],
    ['America/New_York', '2027-11-07', 2, '2027-11-07T07:00:00.000Z'],
    ['America/New_York', '2027-11-07', 9, '2027-11-07T14:00:00.000Z'],
    // The ends of the map, and a zone a quarter hour off.
    ['Pacific/Kiritimati', '2027-01-10', 9, '2027-01-09T19:00:00.000Z'],
    ['Pacific/Kiritimati', '2027-01-10', 0, '2027-01-09T10:00:00.000Z'],
    ['Pacific/Pago_Pago', '2027-01-10', 9, '2027-01-10T20:00:00.000Z'],
    ['Pacific/Pago_Pago', '2027-01-10', 23, '2027-01-11T10:00:00.000Z'],
    ['Etc/GMT+12', '2027-01-10', 23, '2027-01-11T11:00:00.000Z'],
    ['Asia/Kathmandu', '2027-01-10', 9, '2027-01-10T03:15:00.000Z'],
    ['UTC', '2028-02-29', 0, '2028-02-29T00:00:00.000Z'],
  ])('%s %s at %i:00 is %s', (zone, day, hour, expected) => {
    expect(at(zone, day, hour)).toBe(expected);
  });

  it('agrees with the local date it lands on, every hour of a year in zones from UTC-12 to UTC+14', () => {
    for (const zone of ['Etc/GMT+12', 'Pacific/Pago_Pago', 'America/New_York', 'UTC', 'Europe/Kyiv', 'Asia/Kathmandu', 'Pacific/Kiritimati']) {
      for (let day = 0; day < 366; day += 1) {
        const d = new Date(Date.UTC(2027, 0, 1 + day));
        const value = d.toISOString().slice(0, 10);
        for (const hour of [0, 9, 23]) {
          const instant = wallTimeToInstant(zone, date(value), hour);
          expect(localDateAt(zone, instant), `${zone} ${value} ${hour}`).toEqual(date(value));
        }
      }
    }
  });
});

describe('dueSlots', () => {
  const kyiv = { timeZone: 'Europe/Kyiv', hour: 9, daysBefore: [0, 7] };
  const ms = (iso: string) => Date.parse(iso);

  it('opens each day’s slots once the hour has come, and once only', () => {
    const nine = ms('2027-06-10T06:00:00Z');
    expect(dueSlots(kyiv, nine - 60_000, nine - 1)).toEqual([]);
    expect(dueSlots(kyiv, nine - 1, nine).map((s) => [s.daysBefore, s.birthdayDate])).toEqual([
      [0, date('2027-06-10')],
      [7, date('2027-06-17')],
    ]);
    expect(dueSlots(kyiv, nine, nine + 3_600_000)).toEqual([]);
  });

  it('catches up on missed days, dropping reminders whose birthday has passed', () => {
    // Down from 9 June 12:00 to 12 June 12:00 (Kyiv): the slots of 10, 11 and 12 June are open.
    const slots = dueSlots(kyiv, ms('2027-06-09T09:00:00Z'), ms('2027-06-12T09:00:00Z'));
    expect(slots.map((s) => `${s.daysBefore}:${s.birthdayDate.month}-${s.birthdayDate.day}`)).toEqual([
      '7:6-17',
      '7:6-18',
      '0:6-12',
      '7:6-19',
    ]);
  });

  it('looks no further back than the largest offset, however long the downtime', () => {
    const slots = dueSlots({ timeZone: 'UTC', hour: 9, daysBefore: [30] }, 0, ms('2027-06-12T10:00:00Z'));
    expect(slots.map((s) => s.sendDate.day + s.sendDate.month * 100)).toEqual(
      Array.from({ length: 31 }, (_, i) => {
        const d = new Date(Date.UTC(2027, 5, 12 - 30 + i));
        return d.getUTCDate() + (d.getUTCMonth() + 1) * 100;
      }),
    );
  });

  it('turns on just before today’s send instant', () => {
    const tenThirty = ms('2027-06-10T07:30:00Z');
    const bookmark = bookmarkOnEnable(kyiv, tenThirty);
    expect(new Date(bookmark + 1).toISOString()).toBe('2027-06-10T06:00:00.000Z');
    expect(dueSlots(kyiv, bookmark, tenThirty).map((s) => s.sendDate)).toEqual([date('2027-06-10'), date('2027-06-10')]);
    expect(new Date(nextSendInstant(kyiv, tenThirty)).toISOString()).toBe('2027-06-11T06:00:00.000Z');
  });
});
