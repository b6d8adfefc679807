/**
 * The birthday calendar as iCalendar (RFC 5545), written with ical.js: one all-day event a year
 * per contact with a birthday. UIDs are the contact's, so a calendar app updates the event it
 * has rather than adding another when a birthday changes.
 */
import ICAL from 'ical.js';
import type { ContactRow } from '../../db/schema.js';
import { birthdayOf, displayName } from '../contacts/contacts.presenter.js';

/** Where a birthday without a known year starts repeating: a leap year, so 29 February exists. */
const YEAR_UNKNOWN = 2000;

const dateOf = (year: number, month: number, day: number) => ICAL.Time.fromData({ year, month, day, isDate: true });

export function birthdayCalendar(calendarName: string, contacts: readonly ContactRow[], domain: string): string {
  const calendar = new ICAL.Component(['vcalendar', [], []]);
  calendar.addPropertyWithValue('prodid', '-//Kith//Birthdays//EN');
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('calscale', 'GREGORIAN');
  calendar.addPropertyWithValue('method', 'PUBLISH');
  calendar.addPropertyWithValue('x-wr-calname', calendarName);
  calendar.addPropertyWithValue('x-published-ttl', 'PT12H');

  for (const contact of contacts) {
    const birthday = birthdayOf(contact);
    if (!birthday) continue;
    const leapDay = birthday.month === 2 && birthday.day === 29;
    // A 29 February birthday falls on the last day of February: the 29th in leap years, the 28th
    // in common ones (a plain yearly rule would skip the common years altogether).
    const year = birthday.year !== null && (!leapDay || isLeap(birthday.year)) ? birthday.year : YEAR_UNKNOWN;
    const start = dateOf(year, birthday.month, birthday.day);
    const end = start.clone();
    end.adjust(1, 0, 0, 0);
    const event = new ICAL.Component('vevent');
    event.addPropertyWithValue('uid', `birthday-${contact.id}@${domain}`);
    event.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(contact.updatedAt, true));
    event.addPropertyWithValue('dtstart', start);
    event.addPropertyWithValue('dtend', end);
    event.addPropertyWithValue(
      'rrule',
      ICAL.Recur.fromString(leapDay ? 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1' : 'FREQ=YEARLY'),
    );
    event.addPropertyWithValue('summary', `${displayName(contact)}’s birthday`);
    if (birthday.year !== null) event.addPropertyWithValue('description', `Born ${birthday.year}`);
    event.addPropertyWithValue('transp', 'TRANSPARENT');
    event.addPropertyWithValue('categories', 'Birthday');
    calendar.addSubcomponent(event);
  }
  return `${calendar.toString()}\r\n`;
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
