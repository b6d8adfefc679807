import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../db/client.js';
import { type ContactRow, contacts, users } from '../../db/schema.js';
import { MAX_CONTACTS_PER_USER } from './contacts.schemas.js';

/** The columns a client can set, already validated and normalised by the service. */
export type ContactValues = Pick<
  ContactRow,
  'firstName' | 'lastName' | 'email' | 'phone' | 'phoneInput' | 'birthdayYear' | 'birthdayMonth' | 'birthdayDay' | 'notes'
>;

const ownedBy = (userId: string, id: string) => and(eq(contacts.userId, userId), eq(contacts.id, id));
/** Every write to a user's contacts sets this on the user's row in the same transaction. */
const nextVersion = sql`${users.contactsVersion} + 1`;

/** Every contact of the user (at most 100), oldest first; the service filters, ranks and pages. */
export async function listContacts(executor: Executor, userId: string): Promise<ContactRow[]> {
  return executor
    .select()
    .from(contacts)
    .where(eq(contacts.userId, userId))
    .orderBy(asc(contacts.createdAt), asc(contacts.id));
}

/** `id` must be UUID-shaped (the database refuses anything else with an error, not "no row"). */
export async function findContact(executor: Executor, userId: string, id: string): Promise<ContactRow | undefined> {
  const [row] = await executor.select().from(contacts).where(ownedBy(userId, id));
  return row;
}

/**
 * Takes one of the user's contact slots and inserts the contact, in one transaction. The counter
 * update locks the user's row, so parallel creates (on any number of app instances) queue there
 * and each sees the count the previous one left. Returns undefined when no slot is free; the
 * CHECK on `users.contact_count` refuses a 101st contact even if this code were wrong.
 */
export async function insertContact(
  db: Db,
  userId: string,
  values: ContactValues,
  now: Date,
): Promise<ContactRow | undefined> {
  try {
    return await db.transaction(async (tx) => {
      const [slot] = await tx
        .update(users)
        .set({ contactCount: sql`${users.contactCount} + 1`, contactsVersion: nextVersion })
        .where(and(eq(users.id, userId), lt(users.contactCount, MAX_CONTACTS_PER_USER)))
        .returning({ count: users.contactCount });
      if (!slot) return undefined;
      const [row] = await tx
        .insert(contacts)
        .values({ ...values, userId, createdAt: now, updatedAt: now })
        .returning();
      if (!row) throw new Error('contact insert returned no row');
      return row;
    });
  } catch (error) {
    if (isCheckViolation(error, 'users_contact_count_check')) return undefined;
    throw error;
  }
}

/** Updates the contact and moves the user's contacts version on, in one transaction. */
export async function updateContact(
  db: Db,
  userId: string,
  id: string,
  values: Partial<ContactValues>,
  now: Date,
): Promise<ContactRow | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(contacts)
      .set({ ...values, updatedAt: now })
      .where(ownedBy(userId, id))
      .returning();
    if (row) await tx.update(users).set({ contactsVersion: nextVersion }).where(eq(users.id, userId));
    return row;
  });
}

/** Deletes the contact and frees its slot in one transaction; false when the user has no such contact. */
export async function deleteContact(db: Db, userId: string, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [deleted] = await tx.delete(contacts).where(ownedBy(userId, id)).returning({ id: contacts.id });
    if (!deleted) return false;
    await tx
      .update(users)
      .set({ contactCount: sql`${users.contactCount} - 1`, contactsVersion: nextVersion })
      .where(and(eq(users.id, userId), gt(users.contactCount, 0)));
    return true;
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
