/**
 * Keeping a contact's stored card in step with edits made in the API and the web app: the
 * contact's columns after the edit, written into the card's changed lines only (patch-card.ts).
 * A contact without a stored card needs nothing: its card is generated from the columns.
 */
import type { ContactRow } from '../../../db/schema.js';
import type { ContactValues } from '../../contacts/contacts.repository.js';
import { patchCard } from './patch-card.js';

const columnsOf = (row: ContactRow): ContactValues => ({
  firstName: row.firstName,
  lastName: row.lastName,
  emails: row.emails,
  phones: row.phones,
  addresses: row.addresses,
  websites: row.websites,
  organization: row.organization,
  jobTitle: row.jobTitle,
  birthdayYear: row.birthdayYear,
  birthdayMonth: row.birthdayMonth,
  birthdayDay: row.birthdayDay,
  notes: row.notes,
});

/** The card after `change` is made to `current`; undefined when there is no stored card to change. */
export function cardAfterEdit(
  current: ContactRow,
  change: Partial<ContactValues>,
  region: string | null,
  at: Date,
  photo?: { url: string | null },
): string | undefined {
  if (current.card === null) return undefined;
  return patchCard(current.card, region, { values: { ...columnsOf(current), ...change }, at, ...(photo ? { photo } : {}) });
}
