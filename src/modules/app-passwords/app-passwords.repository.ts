import { and, count, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { preparedPerExecutor } from '../../db/prepared.js';
import { type AppPasswordRow, appPasswords, users } from '../../db/schema.js';

export async function listAppPasswords(executor: Executor, userId: string): Promise<AppPasswordRow[]> {
  return executor
    .select()
    .from(appPasswords)
    .where(eq(appPasswords.userId, userId))
    .orderBy(desc(appPasswords.createdAt), desc(appPasswords.id));
}

/**
 * Locks the user's row for the rest of the transaction, so parallel creates for one user take turns
 * between counting and inserting, and the limit holds exactly. False when the user is gone.
 */
export async function lockUser(tx: Executor, userId: string): Promise<boolean> {
  const [row] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
  return row !== undefined;
}

export async function countAppPasswords(executor: Executor, userId: string): Promise<number> {
  const [row] = await executor.select({ n: count() }).from(appPasswords).where(eq(appPasswords.userId, userId));
  return row?.n ?? 0;
}

export async function insertAppPassword(
  executor: Executor,
  values: { userId: string; name: string; secretHash: string; now: Date },
): Promise<AppPasswordRow> {
  const [row] = await executor
    .insert(appPasswords)
    .values({ userId: values.userId, name: values.name, secretHash: values.secretHash, createdAt: values.now })
    .returning();
  if (!row) throw new Error('app password insert returned no row');
  return row;
}

/** True when the app password existed and belonged to the user. */
export async function deleteAppPassword(executor: Executor, userId: string, id: string): Promise<boolean> {
  const rows = await executor
    .delete(appPasswords)
    .where(and(eq(appPasswords.userId, userId), eq(appPasswords.id, id)))
    .returning({ id: appPasswords.id });
  return rows.length > 0;
}

/** Revokes every app password of the user (a changed or reset account password). */
export async function deleteUserAppPasswords(executor: Executor, userId: string): Promise<void> {
  await executor.delete(appPasswords).where(eq(appPasswords.userId, userId));
}

// Runs on every CardDAV request: one lookup through the unique index on secret_hash, checked
// against the account's email in the same statement.
const findVerifiedAppPasswordQuery = preparedPerExecutor((executor) =>
  executor
    .select({ id: appPasswords.id, userId: appPasswords.userId, lastUsedAt: appPasswords.lastUsedAt })
    .from(appPasswords)
    .innerJoin(users, eq(users.id, appPasswords.userId))
    .where(
      and(
        eq(appPasswords.secretHash, sql.placeholder('secretHash')),
        eq(users.email, sql.placeholder('email')),
        eq(users.emailVerified, true),
      ),
    )
    .prepare('find_verified_app_password'),
);

/** The app password with that hash, if it belongs to the verified account with that (normalised) email. */
export async function findVerifiedAppPassword(
  executor: Executor,
  email: string,
  secretHash: string,
): Promise<{ id: string; userId: string; lastUsedAt: Date | null } | undefined> {
  const [row] = await findVerifiedAppPasswordQuery(executor).execute({ email, secretHash });
  return row;
}

/**
 * Records a use, unless one was recorded after `staleBefore`: a conditional UPDATE, so parallel
 * requests (and other instances) write the row at most once per interval.
 */
export async function touchAppPassword(executor: Executor, id: string, now: Date, staleBefore: Date): Promise<void> {
  await executor
    .update(appPasswords)
    .set({ lastUsedAt: now })
    .where(and(eq(appPasswords.id, id), or(isNull(appPasswords.lastUsedAt), lt(appPasswords.lastUsedAt, staleBefore))));
}
