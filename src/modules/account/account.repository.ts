import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { type ContactRow, type UserRow, contacts, outboxMessages, users } from '../../db/schema.js';

/**
 * Gives the user a new, confirmed email address. Returns undefined when the account is gone; throws
 * the database's unique violation (see isUniqueViolation) when another account has the address:
 * the unique index users_email_key, not a look-up beforehand, decides between two accounts
 * confirming the same address at once, on any number of instances.
 */
export async function setUserEmail(executor: Executor, userId: string, email: string, now: Date): Promise<UserRow | undefined> {
  const [row] = await executor
    .update(users)
    .set({ email, emailVerified: true, updatedAt: now })
    .where(eq(users.id, userId))
    .returning();
  return row;
}

/** Every contact of the user, the trash included, oldest first: one query, so the two lists agree. */
export async function listAllContacts(executor: Executor, userId: string): Promise<ContactRow[]> {
  return executor.select().from(contacts).where(eq(contacts.userId, userId)).orderBy(asc(contacts.createdAt), asc(contacts.id));
}

/**
 * Every key the account holds in the picture store: its avatar and the photo of each contact, the
 * trash included. Call it with the user's row locked (lockOwner), so no write can add a key the
 * deletion would then miss.
 */
export async function listPictureKeys(executor: Executor, userId: string): Promise<string[]> {
  const [user] = await executor.select({ avatarKey: users.avatarKey }).from(users).where(eq(users.id, userId));
  const photos = await executor
    .select({ photoKey: contacts.photoKey })
    .from(contacts)
    .where(and(eq(contacts.userId, userId), isNotNull(contacts.photoKey)));
  return [user?.avatarKey, ...photos.map((row) => row.photoKey)].filter((key): key is string => Boolean(key));
}

/**
 * Deletes the user's row; every table keyed by the user follows by ON DELETE CASCADE (contacts,
 * group cards, the change log, sessions and their refresh tokens, email tokens, app passwords,
 * reminder settings and deliveries, recovery codes, two-step challenges). False when it was gone.
 */
export async function deleteUser(executor: Executor, userId: string): Promise<boolean> {
  const deleted = await executor.delete(users).where(eq(users.id, userId)).returning({ id: users.id });
  return deleted.length > 0;
}

/**
 * The outbox is keyed by recipient, not by user: drops every message to the address, sent ones
 * (their props are already cleared, but the row still names the address) and pending ones (links
 * and tokens of an account that no longer exists). A message the worker is sending this very
 * moment still goes; marking it sent afterwards then touches no row.
 */
export async function deleteMailTo(executor: Executor, recipient: string): Promise<number> {
  const deleted = await executor
    .delete(outboxMessages)
    .where(eq(outboxMessages.recipient, recipient))
    .returning({ id: outboxMessages.id });
  return deleted.length;
}

/**
 * True for PostgreSQL's unique_violation (SQLSTATE 23505), on node-postgres and PGlite alike, and,
 * when `constraint` is given, only for that constraint. Drizzle wraps driver errors, so the cause
 * chain is searched.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const fields = current as Error & { code?: unknown; constraint?: unknown };
    if (fields.code === '23505') {
      return constraint === undefined || fields.constraint === undefined || fields.constraint === constraint;
    }
    current = current.cause;
  }
  return false;
}
