import type { ContactRow } from '../../db/schema.js';
import { type Birthday, formatBirthday } from './birthdays.js';
import { TRASH_RETENTION_DAYS, type Contact, type TrashedContact } from './contacts.schemas.js';

export function birthdayOf(row: ContactRow): Birthday | null {
  if (row.birthdayMonth === null || row.birthdayDay === null) return null;
  return { year: row.birthdayYear, month: row.birthdayMonth, day: row.birthdayDay };
}

export const displayName = (row: Pick<ContactRow, 'firstName' | 'lastName'>): string =>
  row.lastName ? `${row.firstName} ${row.lastName}` : row.firstName;

/**
 * The only way a contact row leaves the server: the owner id, the photo's store key and the phone
 * numbers as typed stay inside. `email` and `phone` are the first entries of their lists.
 */
/**
 * A stored picture's URL for clients: pictures Kith serves itself are stored as a path and get
 * `APP_URL` in front; a store elsewhere (Cloudinary) or a link from a vCard is a full URL already.
 */
export const publicPhotoUrl = (stored: string | null, appUrl: string): string | null =>
  stored?.startsWith('/') ? `${appUrl}${stored}` : stored;

export function presentContact(row: ContactRow, appUrl: string): Contact {
  const birthday = birthdayOf(row);
  return {
    id: row.id,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.emails[0]?.value ?? null,
    phone: row.phones[0]?.value ?? null,
    birthday: birthday ? formatBirthday(birthday) : null,
    notes: row.notes,
    emails: row.emails.map(({ value, label }) => ({ value, label })),
    phones: row.phones.map(({ value, label }) => ({ value, label })),
    addresses: row.addresses.map(({ label, street, locality, region, postalCode, country }) => ({
      label,
      street,
      locality,
      region,
      postalCode,
      country,
    })),
    websites: row.websites.map(({ value, label }) => ({ value, label })),
    organization: row.organization,
    jobTitle: row.jobTitle,
    photoUrl: publicPhotoUrl(row.photoUrl, appUrl),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** When a contact deleted at `deletedAt` leaves the trash for good. */
export const purgeDateOf = (deletedAt: Date) => new Date(deletedAt.getTime() + TRASH_RETENTION_DAYS * DAY_MS);

export function presentTrashedContact(row: ContactRow & { deletedAt: Date }, appUrl: string): TrashedContact {
  return { ...presentContact(row, appUrl), deletedAt: row.deletedAt.toISOString(), purgeAt: purgeDateOf(row.deletedAt).toISOString() };
}
