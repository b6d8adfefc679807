/**
 * Which of a user's contacts look like the same person. Runs in the application on the user's at
 * most 100 live contacts, the same way on PGlite and PostgreSQL.
 *
 * The rule: for each reason (email, phone, name) and each value of it that two or more contacts
 * share, one group of those contacts. A set of contacts that shares several values (two email
 * addresses, or an email and a name) is one group, under the first reason in the order email,
 * phone, name and its smallest shared value, so merging it once clears it. Groups come in that
 * order; the contacts in a group in the contacts list's default order (name, then id).
 */
import type { ContactRow } from '../../db/schema.js';
import { compareByName } from '../contacts/contacts.listing.js';
import { displayName } from '../contacts/contacts.presenter.js';
import { duplicateReasons, type DuplicateReason } from './duplicates.schemas.js';

export interface RowGroup {
  reason: DuplicateReason;
  value: string;
  rows: ContactRow[];
}

/**
 * A full name compared ignoring case, accents and extra whitespace: decomposed (NFD) with the
 * combining marks removed, so "José Álvarez" and "jose  alvarez" are one name.
 */
export const nameKey = (row: Pick<ContactRow, 'firstName' | 'lastName'>): string =>
  displayName(row).normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().replace(/\s+/gu, ' ').trim();

/** The values of one reason that a contact has, each as the key it is compared by and as shown. */
const valuesOf: Record<DuplicateReason, (row: ContactRow) => Array<{ key: string; shown: string }>> = {
  email: (row) => row.emails.map((e) => ({ key: e.value.trim().toLowerCase(), shown: e.value.trim().toLowerCase() })),
  phone: (row) => row.phones.map((p) => ({ key: p.value, shown: p.value })),
  name: (row) => {
    const key = nameKey(row);
    return key === '' ? [] : [{ key, shown: displayName(row).replace(/\s+/gu, ' ').trim() }];
  },
};

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export function findDuplicates(rows: readonly ContactRow[]): RowGroup[] {
  const ordered = [...rows].sort(compareByName);
  const seenSets = new Set<string>();
  const groups: RowGroup[] = [];
  for (const reason of duplicateReasons) {
    const byValue = new Map<string, { key: string; shown: string; rows: ContactRow[] }>();
    for (const row of ordered) {
      for (const { key, shown } of valuesOf[reason](row)) {
        const entry = byValue.get(key) ?? { key, shown, rows: [] };
        // One contact holding the same address twice is not a duplicate of itself.
        if (entry.rows.at(-1) !== row) entry.rows.push(row);
        byValue.set(key, entry);
      }
    }
    for (const entry of [...byValue.values()].sort(byKey)) {
      if (entry.rows.length < 2) continue;
      const members = entry.rows.map((row) => row.id).join(',');
      if (seenSets.has(members)) continue;
      seenSets.add(members);
      groups.push({ reason, value: entry.shown, rows: entry.rows });
    }
  }
  return groups;
}
