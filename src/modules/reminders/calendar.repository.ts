import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { users } from '../../db/schema.js';

export async function findCalendarToken(executor: Executor, userId: string): Promise<string | null | undefined> {
  const [row] = await executor.select({ token: users.birthdayCalendarToken }).from(users).where(eq(users.id, userId));
  return row?.token;
}

/** Sets (or, with null, clears) the user's calendar secret; false when the user is gone. */
export async function setCalendarToken(executor: Executor, userId: string, token: string | null): Promise<boolean> {
  const rows = await executor.update(users).set({ birthdayCalendarToken: token }).where(eq(users.id, userId)).returning({ id: users.id });
  return rows.length > 0;
}

export async function findUserByCalendarToken(executor: Executor, token: string): Promise<{ id: string; name: string } | undefined> {
  const [row] = await executor.select({ id: users.id, name: users.name }).from(users).where(eq(users.birthdayCalendarToken, token));
  return row;
}
