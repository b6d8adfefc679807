/** The address book's rows: live contacts and group cards, by the names clients gave them. */
import { and, eq, gt, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { lockOwner } from '../contacts/contacts.repository.js';
import { addressBookChanges, type ContactRow, contacts, groupCards, type GroupCardRow, users } from '../../db/schema.js';

export interface AddressBookState {
  version: number;
  name: string | null;
}

export async function findAddressBook(executor: Executor, userId: string): Promise<AddressBookState | undefined> {
  const [row] = await executor
    .select({ version: users.contactsVersion, name: users.addressBookName })
    .from(users)
    .where(eq(users.id, userId));
  return row;
}

/** Locks the user's row for the rest of the transaction: CardDAV writes of one user go one at a time. */
export const lockAddressBook = lockOwner;

export async function renameAddressBook(executor: Executor, userId: string, name: string | null): Promise<void> {
  await executor.update(users).set({ addressBookName: name }).where(eq(users.id, userId));
}

export async function listLiveContacts(executor: Executor, userId: string): Promise<ContactRow[]> {
  return executor.select().from(contacts).where(and(eq(contacts.userId, userId), isNull(contacts.deletedAt)));
}

export async function listGroupCards(executor: Executor, userId: string): Promise<GroupCardRow[]> {
  return executor.select().from(groupCards).where(eq(groupCards.userId, userId));
}

/** The contact (live or in the trash) with this name, if any. */
export async function findContactByHref(executor: Executor, userId: string, href: string): Promise<ContactRow | undefined> {
  const [row] = await executor.select().from(contacts).where(and(eq(contacts.userId, userId), eq(contacts.cardHref, href)));
  return row;
}

export async function findContactByUid(executor: Executor, userId: string, uid: string): Promise<ContactRow | undefined> {
  const [row] = await executor.select().from(contacts).where(and(eq(contacts.userId, userId), eq(contacts.cardUid, uid)));
  return row;
}

export async function findGroupByHref(executor: Executor, userId: string, href: string): Promise<GroupCardRow | undefined> {
  const [row] = await executor.select().from(groupCards).where(and(eq(groupCards.userId, userId), eq(groupCards.cardHref, href)));
  return row;
}

export async function findGroupByUid(executor: Executor, userId: string, uid: string): Promise<GroupCardRow | undefined> {
  const [row] = await executor.select().from(groupCards).where(and(eq(groupCards.userId, userId), eq(groupCards.cardUid, uid)));
  return row;
}

/**
 * Gives a contact in the trash back its own name (and UID), so a new card can take the one it
 * had: a contact in the trash is not in the address book, and its name must not block a client.
 */
export async function releaseTrashedNames(executor: Executor, userId: string, href: string, uid: string): Promise<void> {
  await executor
    .update(contacts)
    .set({ cardHref: sql`${contacts.id}::text || '.vcf'`, cardUid: sql`${contacts.id}::text` })
    .where(
      and(
        eq(contacts.userId, userId),
        isNotNull(contacts.deletedAt),
        sql`(${contacts.cardHref} = ${href} or ${contacts.cardUid} = ${uid})`,
      ),
    );
}

/** The names and UIDs contacts in the trash hold, so a writer can tell when releaseTrashedNames is needed. */
export async function listTrashedNames(executor: Executor, userId: string): Promise<{ cardHref: string; cardUid: string }[]> {
  return executor
    .select({ cardHref: contacts.cardHref, cardUid: contacts.cardUid })
    .from(contacts)
    .where(and(eq(contacts.userId, userId), isNotNull(contacts.deletedAt)));
}

export async function updateContactCard(
  executor: Executor,
  userId: string,
  id: string,
  values: Partial<ContactRow>,
): Promise<ContactRow | undefined> {
  const [row] = await executor
    .update(contacts)
    .set(values)
    .where(and(eq(contacts.userId, userId), eq(contacts.id, id)))
    .returning();
  return row;
}

export async function insertGroupCard(
  executor: Executor,
  values: { userId: string; cardHref: string; cardUid: string; card: string; updatedAt: Date },
): Promise<void> {
  await executor.insert(groupCards).values(values);
}

export async function updateGroupCard(executor: Executor, userId: string, id: string, card: string, uid: string, now: Date): Promise<void> {
  await executor
    .update(groupCards)
    .set({ card, cardUid: uid, updatedAt: now })
    .where(and(eq(groupCards.userId, userId), eq(groupCards.id, id)));
}

export async function deleteGroupCard(executor: Executor, userId: string, id: string): Promise<void> {
  await executor.delete(groupCards).where(and(eq(groupCards.userId, userId), eq(groupCards.id, id)));
}

/** The names changed after `since` and up to `until` (versions), for sync-collection. */
export async function changedSince(executor: Executor, userId: string, since: number, until: number): Promise<string[]> {
  const rows = await executor
    .select({ href: addressBookChanges.cardHref })
    .from(addressBookChanges)
    .where(
      and(eq(addressBookChanges.userId, userId), gt(addressBookChanges.version, since), lte(addressBookChanges.version, until)),
    );
  return rows.map((row) => row.href);
}

/** What CardDAV needs of the signed-in user. */
export async function findDavOwner(
  executor: Executor,
  userId: string,
): Promise<{ id: string; name: string; region: string | null } | undefined> {
  const [row] = await executor.select({ id: users.id, name: users.name, region: users.region }).from(users).where(eq(users.id, userId));
  return row;
}
