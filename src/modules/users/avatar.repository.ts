import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type UserRow, users } from '../../db/schema.js';

/**
 * Points the user at a new avatar (or back at the default with `null`) and reports the key it
 * replaced. The row is locked while it is read and written, so of two uploads at once each sees the
 * other's key as the previous one and no file is left behind unreferenced.
 */
export async function swapAvatar(
  db: Db,
  userId: string,
  avatar: { key: string; url: string } | null,
  now: Date,
): Promise<{ row: UserRow; previousKey: string | null } | undefined> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ avatarKey: users.avatarKey })
      .from(users)
      .where(eq(users.id, userId))
      .for('update');
    if (!current) return undefined;
    const [row] = await tx
      .update(users)
      .set({ avatarKey: avatar?.key ?? null, avatarUrl: avatar?.url ?? null, updatedAt: now })
      .where(eq(users.id, userId))
      .returning();
    return row ? { row, previousKey: current.avatarKey } : undefined;
  });
}

export async function findAvatarKey(db: Db, userId: string): Promise<string | null | undefined> {
  const [row] = await db.select({ avatarKey: users.avatarKey }).from(users).where(eq(users.id, userId));
  return row?.avatarKey;
}
