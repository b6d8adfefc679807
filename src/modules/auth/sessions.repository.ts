import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { refreshTokens, sessions, type UserRow, users } from '../../db/schema.js';

export async function createSession(
  executor: Executor,
  values: { userId: string; now: Date; expiresAt: Date },
): Promise<string> {
  const [row] = await executor
    .insert(sessions)
    .values({ userId: values.userId, createdAt: values.now, expiresAt: values.expiresAt })
    .returning({ id: sessions.id });
  if (!row) throw new Error('session insert returned no row');
  return row.id;
}

/** The session's user, if the session belongs to that user and is neither revoked nor expired. */
export async function findUserOfLiveSession(
  executor: Executor,
  userId: string,
  sessionId: string,
  now: Date,
): Promise<UserRow | undefined> {
  const [row] = await executor
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, sessionId),
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
      ),
    );
  return row?.user;
}

export async function extendSession(executor: Executor, sessionId: string, expiresAt: Date): Promise<void> {
  await executor.update(sessions).set({ expiresAt }).where(eq(sessions.id, sessionId));
}

export async function revokeSession(executor: Executor, sessionId: string, now: Date): Promise<void> {
  await executor
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/** Revokes every live session of the user, except `keepSessionId` when given. */
export async function revokeUserSessions(
  executor: Executor,
  userId: string,
  now: Date,
  keepSessionId?: string,
): Promise<void> {
  await executor
    .update(sessions)
    .set({ revokedAt: now })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        keepSessionId ? ne(sessions.id, keepSessionId) : undefined,
      ),
    );
}

export async function insertRefreshToken(
  executor: Executor,
  values: { sessionId: string; tokenHash: string; now: Date },
): Promise<void> {
  await executor
    .insert(refreshTokens)
    .values({ sessionId: values.sessionId, tokenHash: values.tokenHash, createdAt: values.now });
}

/**
 * Marks an unspent refresh token spent and returns its session id. A single conditional UPDATE, so
 * of two parallel refreshes with one token exactly one gets the session back.
 */
export async function spendRefreshToken(executor: Executor, tokenHash: string, now: Date): Promise<string | undefined> {
  const [row] = await executor
    .update(refreshTokens)
    .set({ spentAt: now })
    .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.spentAt)))
    .returning({ sessionId: refreshTokens.sessionId });
  return row?.sessionId;
}

/** The session a refresh token was issued to, spent or not. */
export async function findRefreshTokenSession(executor: Executor, tokenHash: string): Promise<string | undefined> {
  const [row] = await executor
    .select({ sessionId: refreshTokens.sessionId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, tokenHash));
  return row?.sessionId;
}

export async function findLiveSession(
  executor: Executor,
  sessionId: string,
  now: Date,
): Promise<{ id: string; userId: string } | undefined> {
  const [row] = await executor
    .select({ id: sessions.id, userId: sessions.userId })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)));
  return row;
}
