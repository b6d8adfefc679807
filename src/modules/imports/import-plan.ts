/**
 * What an import will do with each card, decided from the cards and the user's address book
 * alone (no writes), so a dry run and the real run agree: create, update the contact whose UID
 * the card has, or skip, with the reason shown to the user.
 */
import type { ContactRow, GroupCardRow } from '../../db/schema.js';
import type { ContactValues } from '../contacts/contacts.repository.js';
import type { ReadCard } from '../dav/vcard/read-card.js';
import { cardOfContact } from '../dav/vcard/write-card.js';

export interface ParsedItem {
  /** Position in the file, from 1. */
  index: number;
  /** The card to store; null for a CSV row with nothing in it. */
  card: string | null;
  read?: ReadCard;
}

export interface PlannedItem {
  index: number;
  name: string;
  action: 'create' | 'update' | 'skip';
  reason?: string;
  card: string;
  read?: ReadCard;
  /** The contact an update (or an "up to date" skip) is about. */
  target?: ContactRow;
}

const nameOf = (values: ContactValues) => [values.firstName, values.lastName].filter(Boolean).join(' ');

/** A card with nothing Kith or a phone could show: no name, no way to reach anyone, no note. */
function isEmpty(read: ReadCard): boolean {
  const v = read.values;
  const named = v.firstName !== 'Unnamed' || v.lastName !== null;
  const lists = v.emails.length + v.phones.length + v.addresses.length + v.websites.length;
  return !named && lists === 0 && !v.organization && !v.jobTitle && !v.notes && v.birthdayMonth === null && !read.photo;
}

export function planImport(
  items: readonly ParsedItem[],
  book: { contacts: readonly ContactRow[]; groups: readonly GroupCardRow[] },
  appUrl: string,
): PlannedItem[] {
  const byUid = new Map(book.contacts.map((contact) => [contact.cardUid, contact]));
  const groupUids = new Set(book.groups.map((group) => group.cardUid));
  const seen = new Map<string, number>();
  return items.map((item): PlannedItem => {
    const { index, read } = item;
    if (item.card === null || !read) return { index, name: '', action: 'skip', reason: 'an empty row', card: '' };
    const base = { index, name: nameOf(read.values), card: item.card, read };
    if (read.isGroup) return { ...base, action: 'skip', reason: 'a contact group; Kith imports contacts, not groups' };
    if (isEmpty(read)) return { ...base, action: 'skip', reason: 'an empty card: no name, email, phone or other detail' };
    // Every stored card has a UID: the file's, or one added when it was read.
    const uid = read.uid!;
    const earlier = seen.get(uid);
    if (earlier !== undefined) return { ...base, action: 'skip', reason: `the same UID as item ${earlier}, which is imported instead` };
    seen.set(uid, index);
    if (groupUids.has(uid)) return { ...base, action: 'skip', reason: 'a contact group in your address book has this UID' };
    const target = byUid.get(uid);
    if (!target) return { ...base, action: 'create' };
    if (cardOfContact(target, appUrl) === item.card) return { ...base, action: 'skip', reason: 'already up to date', target };
    return { ...base, action: 'update', reason: 'same UID as this contact', target };
  });
}
