import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { preparedPerExecutor } from '../../db/prepared.js';
import { type UserRow, users } from '../../db/schema.js';

export async function findUserById(executor: Executor, id: string): Promise<UserRow | undefined> {
  const [row] = await executor.select().from(users).where(eq(users.id, id));
  return row;
}

// Runs on every sign-in.
const findUserByEmailQuery = preparedPerExecutor((executor) =>
  executor
    .select()
    .from(users)
    .where(eq(users.email, sql.placeholder('email')))
    .prepare('find_user_by_email'),
);

/** `email` must already be normalised (trimmed, lower-cased). */
export async function findUserByEmail(executor: Executor, email: string): Promise<UserRow | undefined> {
  const [row] = await findUserByEmailQuery(executor).execute({ email });
  return row;
}

/** Inserts a user, or returns undefined when the email is already taken (also under a race). */
export async function insertUser(
  executor: Executor,
  values: { email: string; name: string; passwordHash: string; now: Date },
): Promise<UserRow | undefined> {
  const [row] = await executor
    .insert(users)
    .values({
      email: values.email,
      name: values.name,
      passwordHash: values.passwordHash,
      createdAt: values.now,
      updatedAt: values.now,
    })
    .onConflictDoNothing({ target: users.email })
    .returning();
  return row;
}

export type UserPatch = Partial<Pick<UserRow, 'name' | 'timezone' | 'region' | 'emailVerified' | 'passwordHash'>>;

export async function updateUser(
  executor: Executor,
  id: string,
  patch: UserPatch,
  now: Date,
): Promise<UserRow | undefined> {
  const [row] = await executor
    .update(users)
    .set({ ...patch, updatedAt: now })
    .where(eq(users.id, id))
    .returning();
  return row;
}
