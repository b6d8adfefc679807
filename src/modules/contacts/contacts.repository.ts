import { and, asc, eq, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Db, Executor } from '../../db/client.js';
import { type ContactRow, contacts, users } from '../../db/schema.js';
import { MAX_CONTACTS_PER_USER } from './contacts.schemas.js';

/** The columns a client can set, already validated and normalised by the service. */
export type ContactValues = Pick<
  ContactRow,
  | 'firstName'
  | 'lastName'
  | 'emails'
  | 'phones'
  | 'addresses'
  | 'websites'
  | 'organization'
  | 'jobTitle'
  | 'birthdayYear'
  | 'birthdayMonth'
  | 'birthdayDay'
  | 'notes'
>;

export const ownedBy = (userId: string, id: string) => and(eq(contacts.userId, userId), eq(contacts.id, id));
/** One of the user's contacts outside the trash: the only ones reads and edits ever see. */
export const liveOwnedBy = (userId: string, id: string) => and(ownedBy(userId, id), isNull(contacts.deletedAt));
export const trashedOwnedBy = (userId: string, id: string) => and(ownedBy(userId, id), isNotNull(contacts.deletedAt));

/**
 * Locks the user's row for the rest of the transaction. Every transaction that writes contacts
 * takes it first: the change-log trigger of migration 0006 updates that row for each contact
 * written, so a writer that locked a contact first and the user second could deadlock against one
 * (an import, a CardDAV PUT) that went the other way. One order everywhere: user, then contacts.
 */
export async function lockOwner(executor: Executor, userId: string): Promise<boolean> {
  const [row] = await executor.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
  return row !== undefined;
}

/** Every contact of the user outside the trash (at most 100), oldest first; the service filters, ranks and pages. */
export async function listContacts(executor: Executor, userId: string): Promise<ContactRow[]> {
  return executor
    .select()
    .from(contacts)
    .where(and(eq(contacts.userId, userId), isNull(contacts.deletedAt)))
    .orderBy(asc(contacts.createdAt), asc(contacts.id));
}

/** `id` must be UUID-shaped (the database refuses anything else with an error, not "no row"). */
export async function findContact(executor: Executor, userId: string, id: string): Promise<ContactRow | undefined> {
  const [row] = await executor.select().from(contacts).where(liveOwnedBy(userId, id));
  return row;
}

/** How the contact appears in the CardDAV address book; a contact made in the API is named by its id. */
export interface CardValues {
  cardHref: string;
  cardUid: string;
  card: string | null;
}

/**
 * Takes one of the user's contact slots and inserts the contact, in one transaction. The counter
 * update locks the user's row, so parallel creates (on any number of app instances) queue there
 * and each sees the count the previous one left. Returns undefined when no slot is free; the
 * CHECK on `users.contact_count` refuses a 101st contact even if this code were wrong. (The
 * contacts version and the address book's change log move with every contact row written, by
 * the trigger of migration 0006.)
 */
export async function insertContact(
  db: Db,
  userId: string,
  values: ContactValues,
  now: Date,
): Promise<ContactRow | undefined> {
  try {
    return await db.transaction((tx) => insertContactIn(tx, userId, values, now));
  } catch (error) {
    if (isCheckViolation(error, 'users_contact_count_check')) return undefined;
    throw error;
  }
}

/** insertContact inside a transaction the caller holds; a full user makes it return undefined. */
export async function insertContactIn(
  tx: Executor,
  userId: string,
  values: ContactValues & Partial<Pick<ContactRow, 'photoKey' | 'photoUrl'>>,
  now: Date,
  card?: CardValues,
): Promise<ContactRow | undefined> {
  const [slot] = await tx
    .update(users)
    .set({ contactCount: sql`${users.contactCount} + 1` })
    .where(and(eq(users.id, userId), lt(users.contactCount, MAX_CONTACTS_PER_USER)))
    .returning({ count: users.contactCount });
  if (!slot) return undefined;
  const id = randomUUID();
  const [row] = await tx
    .insert(contacts)
    .values({ cardHref: `${id}.vcf`, cardUid: id, ...card, ...values, id, userId, createdAt: now, updatedAt: now })
    .returning();
  if (!row) throw new Error('contact insert returned no row');
  return row;
}

/**
 * Works out the change from the contact as it is (a PATCH of `email` edits the first entry of the
 * list, and a stored card gets the changed lines), then writes it, in one transaction with the
 * row locked, so two edits at once can't each start from the same list. An empty change writes
 * nothing and leaves updatedAt alone.
 */
export async function updateContact(
  db: Db,
  userId: string,
  id: string,
  change: (current: ContactRow) => Partial<ContactValues & { card: string | null }>,
  now: Date,
): Promise<ContactRow | undefined> {
  return db.transaction(async (tx) => {
    await lockOwner(tx, userId);
    const [current] = await tx.select().from(contacts).where(liveOwnedBy(userId, id)).for('update');
    if (!current) return undefined;
    const values = change(current);
    if (Object.keys(values).length === 0) return current;
    const [row] = await tx
      .update(contacts)
      .set({ ...values, updatedAt: now })
      .where(ownedBy(userId, id))
      .returning();
    return row;
  });
}

/** The user's contact counter, as the limit sees it. */
export async function contactCount(executor: Executor, userId: string): Promise<number | undefined> {
  const [row] = await executor.select({ count: users.contactCount }).from(users).where(eq(users.id, userId));
  return row?.count;
}

/**
 * True for PostgreSQL's check_violation (SQLSTATE 23514), on node-postgres and PGlite alike, and,
 * when `constraint` is given, only for that constraint. Drizzle wraps driver errors, so the
 * cause chain is searched.
 */
export function isCheckViolation(error: unknown, constraint?: string): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const fields = current as Error & { code?: unknown; constraint?: unknown };
    if (fields.code === '23514') {
      return constraint === undefined || fields.constraint === undefined || fields.constraint === constraint;
    }
    current = current.cause;
  }
  return false;
}
