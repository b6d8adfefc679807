import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { preparedPerExecutor } from '../../db/prepared.js';
import { refreshTokens, sessions, type UserRow, users } from '../../db/schema.js';

/**
 * Starts a session and issues its first refresh token in one statement: the session insert is a
 * data-modifying CTE the token insert reads its id from. One round trip instead of four (BEGIN,
 * two INSERTs, COMMIT) on every sign-in, and as atomic as the transaction it replaces.
 */
const createSessionQuery = preparedPerExecutor((executor) => {
  const newSession = executor.$with('new_session').as(
    executor
      .insert(sessions)
      .values({ userId: sql.placeholder('userId'), createdAt: sql.placeholder('now'), expiresAt: sql.placeholder('expiresAt') })
      .returning({ id: sessions.id }),
  );
  return executor
    .with(newSession)
    .insert(refreshTokens)
    .values({
      sessionId: sql`(select ${newSession.id} from ${newSession})`,
      tokenHash: sql.placeholder('tokenHash'),
      createdAt: sql.placeholder('now'),
    })
    .returning({ sessionId: refreshTokens.sessionId })
    .prepare('create_session_with_refresh_token');
});

export async function createSessionWithRefreshToken(
  executor: Executor,
  values: { userId: string; tokenHash: string; now: Date; expiresAt: Date },
): Promise<string> {
  const [row] = await createSessionQuery(executor).execute(values);
  if (!row) throw new Error('session insert returned no row');
  return row.sessionId;
}

// Runs on every authenticated request.
const findUserOfLiveSessionQuery = preparedPerExecutor((executor) =>
  executor
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, sql.placeholder('sessionId')),
        eq(sessions.userId, sql.placeholder('userId')),
        isNull(sessions.revokedAt),
        // Bound through the column, so `now` is sent as the column's ISO string on either driver.
        gt(sessions.expiresAt, sql.placeholder('now')),
      ),
    )
    .prepare('find_user_of_live_session'),
);

/** The session's user, if the session belongs to that user and is neither revoked nor expired. */
export async function findUserOfLiveSession(
  executor: Executor,
  userId: string,
  sessionId: string,
  now: Date,
): Promise<UserRow | undefined> {
  const [row] = await findUserOfLiveSessionQuery(executor).execute({ userId, sessionId, now });
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
