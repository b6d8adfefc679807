import type { Db, Executor } from '../../db/client.js';
import { type ContactRow, contacts } from '../../db/schema.js';
import { liveOwnedBy, lockOwner, ownedBy } from './contacts.repository.js';

/**
 * Points a live contact at a new picture (or at none with `null`) and reports the key it
 * replaced. The row is locked while it is read and written, so of two uploads at once each sees
 * the other's key as the previous one and no file is left behind unreferenced.
 */
export async function swapContactPhoto(
  db: Db,
  userId: string,
  id: string,
  photo: { key: string; url: string } | null,
  now: Date,
  /** The contact's stored card with the new picture, when it has one (see card-edits.ts). */
  cardWith: (current: ContactRow) => string | undefined = () => undefined,
): Promise<{ row: ContactRow; previousKey: string | null } | undefined> {
  return db.transaction(async (tx) => {
    await lockOwner(tx, userId);
    const [current] = await tx.select().from(contacts).where(liveOwnedBy(userId, id)).for('update');
    if (!current) return undefined;
    const card = cardWith(current);
    const [row] = await tx
      .update(contacts)
      .set({ photoKey: photo?.key ?? null, photoUrl: photo?.url ?? null, updatedAt: now, ...(card === undefined ? {} : { card }) })
      .where(ownedBy(userId, id))
      .returning();
    return row ? { row, previousKey: current.photoKey } : undefined;
  });
}

/** The photo key of a live contact: undefined when there is no such contact, null when it has no photo. */
export async function findContactPhotoKey(executor: Executor, userId: string, id: string): Promise<string | null | undefined> {
  const [row] = await executor.select({ photoKey: contacts.photoKey }).from(contacts).where(liveOwnedBy(userId, id));
  return row?.photoKey;
}
