import { and, asc, desc, eq, gt, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../db/client.js';
import { type ContactRow, contacts, users } from '../../db/schema.js';
import { isCheckViolation, liveOwnedBy, lockOwner, ownedBy, trashedOwnedBy } from './contacts.repository.js';
import { MAX_CONTACTS_PER_USER } from './contacts.schemas.js';

/** Moves the contact to the trash and frees its slot, in one transaction; false when there is no such live contact. */
export async function trashContact(db: Db, userId: string, id: string, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    await lockOwner(tx, userId);
    return trashContactIn(tx, userId, id, now);
  });
}

/** trashContact inside a transaction the caller holds, with the user's row locked (lockOwner). */
export async function trashContactIn(tx: Executor, userId: string, id: string, now: Date): Promise<boolean> {
  const [trashed] = await tx
    .update(contacts)
    .set({ deletedAt: now })
    .where(liveOwnedBy(userId, id))
    .returning({ id: contacts.id });
  if (!trashed) return false;
  await tx
    .update(users)
    .set({ contactCount: sql`${users.contactCount} - 1` })
    .where(and(eq(users.id, userId), gt(users.contactCount, 0)));
  return true;
}

export type RestoreResult = { restored: ContactRow } | { refused: 'NOT_IN_TRASH' | 'LIMIT_REACHED' };

/**
 * Takes a slot and brings the contact back from the trash, in one transaction. It takes the slot
 * with the same counter update as a create, so restores and creates share the 100 exactly, on
 * any number of instances.
 */
export async function restoreContact(db: Db, userId: string, id: string): Promise<RestoreResult> {
  const limitReached = { refused: 'LIMIT_REACHED' } as const;
  try {
    return await db.transaction(async (tx): Promise<RestoreResult> => {
      await lockOwner(tx, userId);
      const [trashed] = await tx
        .select({ id: contacts.id })
        .from(contacts)
        .where(trashedOwnedBy(userId, id))
        .for('update');
      if (!trashed) return { refused: 'NOT_IN_TRASH' };
      const [slot] = await tx
        .update(users)
        .set({ contactCount: sql`${users.contactCount} + 1` })
        .where(and(eq(users.id, userId), lt(users.contactCount, MAX_CONTACTS_PER_USER)))
        .returning({ count: users.contactCount });
      if (!slot) return limitReached;
      const [row] = await tx.update(contacts).set({ deletedAt: null }).where(ownedBy(userId, id)).returning();
      if (!row) throw new Error('restore returned no row');
      return { restored: row };
    });
  } catch (error) {
    if (isCheckViolation(error, 'users_contact_count_check')) return limitReached;
    throw error;
  }
}

/** The user's trash, newest deletion first. */
export async function listTrash(executor: Executor, userId: string): Promise<ContactRow[]> {
  return executor
    .select()
    .from(contacts)
    .where(and(eq(contacts.userId, userId), isNotNull(contacts.deletedAt)))
    .orderBy(desc(contacts.deletedAt), asc(contacts.id));
}

/**
 * Deletes for good one contact from the user's trash, or (without `id`) the whole trash. Returns
 * one entry per deleted contact: its photo key, or null for a contact without a photo.
 */
export async function purgeTrashed(db: Db, userId: string, id?: string): Promise<Array<string | null>> {
  return db.transaction(async (tx) => {
    await lockOwner(tx, userId);
    const rows = await tx
      .delete(contacts)
      .where(id === undefined ? and(eq(contacts.userId, userId), isNotNull(contacts.deletedAt)) : trashedOwnedBy(userId, id))
      .returning({ photoKey: contacts.photoKey });
    return rows.map((row) => row.photoKey);
  });
}

export interface PurgedContact {
  id: string;
  userId: string;
  photoKey: string | null;
}

/**
 * Deletes for good up to `batch` contacts that went to the trash before `deletedBefore`, and
 * returns them. It finds them first, then deletes each user's in a transaction that locks that
 * user's row before any contact (the order every contact writer keeps, see lockOwner). A row
 * another instance deleted meanwhile is simply not deleted again, so however many instances run
 * this at once, each contact is purged (and its photo reported) exactly once.
 */
export async function purgeExpired(db: Db, deletedBefore: Date, batch: number): Promise<PurgedContact[]> {
  const expired = await db
    .select({ id: contacts.id, userId: contacts.userId })
    .from(contacts)
    .where(and(isNotNull(contacts.deletedAt), lt(contacts.deletedAt, deletedBefore)))
    .orderBy(asc(contacts.deletedAt))
    .limit(batch);
  const byUser = new Map<string, string[]>();
  for (const row of expired) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row.id]);
  const purged: PurgedContact[] = [];
  for (const [userId, ids] of byUser) {
    const rows = await db.transaction(async (tx) => {
      await lockOwner(tx, userId);
      return tx
        .delete(contacts)
        .where(and(eq(contacts.userId, userId), inArray(contacts.id, ids), isNotNull(contacts.deletedAt), lt(contacts.deletedAt, deletedBefore)))
        .returning({ id: contacts.id, userId: contacts.userId, photoKey: contacts.photoKey });
    });
    purged.push(...rows);
  }
  return purged;
}
