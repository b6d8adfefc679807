/**
 * What one contact holds after others are merged into it. Pure: the repository locks and reads
 * the rows, this works out the result, the repository writes it.
 *
 * - Lists (emails, phones, addresses, websites) are united: the kept contact's entries first, then
 *   each other contact's in the order given, an entry whose normalised value is already there
 *   left out (its label is taken when the entry kept has none).
 * - Single fields (last name, organization, job title, birthday, photo) keep the kept contact's
 *   value unless it has none; then the first other contact's that has one. The first name is
 *   never empty, so it is always the kept contact's.
 * - Notes are joined with a blank line between them, a note already there left out.
 * - Nothing is ever trimmed to fit: a result over a contact's limits is refused (see MERGE_LIMITS).
 */
import type { ContactRow } from '../../db/schema.js';
import type { FieldError } from '../../errors.js';
import type { Address } from '../contacts/contact-details.schemas.js';
import type { ContactValues } from '../contacts/contacts.repository.js';
import { MERGE_LIMITS } from './duplicates.schemas.js';

export interface MergeResult {
  /** The kept contact's columns that change; empty when the others add nothing. */
  change: Partial<ContactValues>;
  /** The photo the kept contact takes from another, when it had none. */
  photo?: { from: ContactRow; key: string | null; url: string };
}

const textKey = (value: string | null) => (value ?? '').normalize('NFC').replace(/\s+/gu, ' ').trim().toLowerCase();

function websiteKey(value: string): string {
  try {
    const url = new URL(value.trim());
    return url.href.replace(/\/$/, '');
  } catch {
    return textKey(value);
  }
}

const addressKey = (a: Address) => [a.street, a.locality, a.region, a.postalCode, a.country].map(textKey).join('\u0000');

/** The entries of `lists`, in order, each normalised value once. */
function unite<T extends { label: string | null }>(lists: ReadonlyArray<readonly T[]>, keyOf: (entry: T) => string): T[] {
  const united = new Map<string, T>();
  for (const list of lists) {
    for (const entry of list) {
      const key = keyOf(entry);
      const kept = united.get(key);
      if (!kept) united.set(key, entry);
      else if (kept.label === null && entry.label !== null) united.set(key, { ...kept, label: entry.label });
    }
  }
  return [...united.values()];
}

/** The kept contact's notes with each other note not already there after a blank line; unchanged when none is added. */
function joinNotes(keptNotes: string | null, others: ReadonlyArray<string | null>): string | null {
  const parts = keptNotes?.trim() ? [keptNotes.trim()] : [];
  // A note, and each of its paragraphs: a note an earlier merge already joined in is not added twice.
  const seen = new Set<string>();
  const remember = (text: string) => [text, ...text.split(/\n\s*\n/)].forEach((part) => seen.add(textKey(part)));
  parts.forEach(remember);
  for (const note of others) {
    const text = note?.trim();
    if (!text || seen.has(textKey(text))) continue;
    remember(text);
    parts.push(text);
  }
  const added = parts.length > (keptNotes?.trim() ? 1 : 0);
  return added ? parts.join('\n\n') : keptNotes;
}

const isEmpty = (value: string | null) => value === null || value.trim() === '';

const sameList = (a: readonly unknown[], b: readonly unknown[]) => JSON.stringify(a) === JSON.stringify(b);

const listNames = { emails: 'email addresses', phones: 'phone numbers', addresses: 'addresses', websites: 'websites' } as const;

/** Merges `others` into `kept`; the problems are what would not fit, and then nothing may be written. */
export function mergeContacts(kept: ContactRow, others: readonly ContactRow[]): MergeResult | { problems: FieldError[] } {
  const all = [kept, ...others];
  const lists = {
    emails: unite(all.map((r) => r.emails), (e) => e.value.trim().toLowerCase()),
    phones: unite(all.map((r) => r.phones), (p) => p.value),
    addresses: unite(all.map((r) => r.addresses), addressKey),
    websites: unite(all.map((r) => r.websites), (w) => websiteKey(w.value)),
  };
  const notes = joinNotes(kept.notes, others.map((r) => r.notes));

  const problems: FieldError[] = [];
  for (const family of ['emails', 'phones', 'addresses', 'websites'] as const) {
    const count = lists[family].length;
    if (count > MERGE_LIMITS[family]) {
      problems.push({
        path: family,
        message: `Together they have ${count} ${listNames[family]}; a contact holds at most ${MERGE_LIMITS[family]}`,
      });
    }
  }
  if (notes !== kept.notes && notes !== null && notes.length > MERGE_LIMITS.notes) {
    problems.push({
      path: 'notes',
      message: `Their notes joined are ${notes.length} characters; a contact’s notes hold at most ${MERGE_LIMITS.notes}`,
    });
  }
  if (problems.length > 0) return { problems };

  const change: Partial<ContactValues> = {};
  for (const family of ['emails', 'phones', 'addresses', 'websites'] as const) {
    if (!sameList(kept[family], lists[family])) Object.assign(change, { [family]: lists[family] });
  }
  if (notes !== kept.notes) change.notes = notes;
  for (const field of ['lastName', 'organization', 'jobTitle'] as const) {
    if (!isEmpty(kept[field])) continue;
    const donor = others.find((r) => !isEmpty(r[field]));
    if (donor) change[field] = donor[field];
  }
  if (kept.birthdayMonth === null) {
    const donor = others.find((r) => r.birthdayMonth !== null && r.birthdayDay !== null);
    if (donor) Object.assign(change, { birthdayYear: donor.birthdayYear, birthdayMonth: donor.birthdayMonth, birthdayDay: donor.birthdayDay });
  }
  const photoDonor = kept.photoUrl === null ? others.find((r) => r.photoUrl !== null) : undefined;
  return {
    change,
    ...(photoDonor?.photoUrl ? { photo: { from: photoDonor, key: photoDonor.photoKey, url: photoDonor.photoUrl } } : {}),
  };
}
