import type { ContactRow } from '../../db/schema.js';
import { type Birthday, formatBirthday } from './birthdays.js';
import type { Contact } from './contacts.schemas.js';

export function birthdayOf(row: ContactRow): Birthday | null {
  if (row.birthdayMonth === null || row.birthdayDay === null) return null;
  return { year: row.birthdayYear, month: row.birthdayMonth, day: row.birthdayDay };
}

export const displayName = (row: Pick<ContactRow, 'firstName' | 'lastName'>): string =>
  row.lastName ? `${row.firstName} ${row.lastName}` : row.firstName;

/** The only way a contact row leaves the server: the owner id and the phone as typed stay inside. */
export function presentContact(row: ContactRow): Contact {
  const birthday = birthdayOf(row);
  return {
    id: row.id,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    phone: row.phone,
    birthday: birthday ? formatBirthday(birthday) : null,
    notes: row.notes,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
