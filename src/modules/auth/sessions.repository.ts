import { and, desc, eq, gt, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { preparedPerExecutor } from '../../db/prepared.js';
import { refreshTokens, type SessionRow, sessions, type UserRow, users } from '../../db/schema.js';

/**
 * Starts a session and issues its first refresh token in one statement: the session insert is a
 * data-modifying CTE the token insert reads its id from. One round trip instead of four (BEGIN,
 * two INSERTs, COMMIT) on every sign-in, and as atomic as the transaction it replaces.
 */
const createSessionQuery = preparedPerExecutor((executor) => {
  const newSession = executor.$with('new_session').as(
    executor
      .insert(sessions)
      .values({
        userId: sql.placeholder('userId'),
        createdAt: sql.placeholder('now'),
        // Signing in is a use: the devices list shows it from the start.
        lastUsedAt: sql.placeholder('now'),
        expiresAt: sql.placeholder('expiresAt'),
        userAgent: sql.placeholder('userAgent'),
      })
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
  values: { userId: string; tokenHash: string; now: Date; expiresAt: Date; userAgent?: string | null },
): Promise<string> {
  const [row] = await createSessionQuery(executor).execute({ ...values, userAgent: values.userAgent ?? null });
  if (!row) throw new Error('session insert returned no row');
  return row.sessionId;
}

// Runs on every authenticated request.
const findUserOfLiveSessionQuery = preparedPerExecutor((executor) =>
  executor
    .select({ user: users, lastUsedAt: sessions.lastUsedAt })
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

/**
 * The session's user and when the session was last seen, if the session belongs to that user and is
 * neither revoked nor expired.
 */
export async function findLiveSessionOfUser(
  executor: Executor,
  userId: string,
  sessionId: string,
  now: Date,
): Promise<{ user: UserRow; lastUsedAt: Date | null } | undefined> {
  const [row] = await findUserOfLiveSessionQuery(executor).execute({ userId, sessionId, now });
  return row;
}

/** The session's user, if the session belongs to that user and is neither revoked nor expired. */
export async function findUserOfLiveSession(
  executor: Executor,
  userId: string,
  sessionId: string,
  now: Date,
): Promise<UserRow | undefined> {
  return (await findLiveSessionOfUser(executor, userId, sessionId, now))?.user;
}

// Runs at most once a minute per session, on the authenticated request path.
const touchSessionQuery = preparedPerExecutor((executor) =>
  executor
    .update(sessions)
    // A SET value can't be bound through the column, so it goes as ISO text with a cast.
    .set({ lastUsedAt: sql`${sql.placeholder('nowIso')}::timestamptz` })
    .where(
      and(
        eq(sessions.id, sql.placeholder('sessionId')),
        eq(sessions.userId, sql.placeholder('userId')),
        or(isNull(sessions.lastUsedAt), lt(sessions.lastUsedAt, sql.placeholder('staleBefore'))),
      ),
    )
    .prepare('touch_session'),
);

/**
 * Records a use of the session, unless one was recorded after `staleBefore`: conditional, so
 * parallel requests (and other instances) write the row at most once per interval.
 */
export async function touchSession(
  executor: Executor,
  values: { userId: string; sessionId: string; now: Date; staleBefore: Date },
): Promise<void> {
  await touchSessionQuery(executor).execute({ ...values, nowIso: values.now.toISOString() });
}

/** A refresh moves the session's expiry and counts as a use. */
export async function extendSession(executor: Executor, sessionId: string, expiresAt: Date, now: Date): Promise<void> {
  await executor.update(sessions).set({ expiresAt, lastUsedAt: now }).where(eq(sessions.id, sessionId));
}

/** The user's sessions that are neither revoked nor expired, most recently used first. */
export async function listLiveSessions(executor: Executor, userId: string, now: Date): Promise<SessionRow[]> {
  return executor
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .orderBy(
      desc(sql`coalesce(${sessions.lastUsedAt}, ${sessions.createdAt})`),
      desc(sessions.createdAt),
      desc(sessions.id),
    );
}

/** The distinct User-Agents of every session the user ever had, ended ones included (null: none recorded). */
export async function listSessionUserAgents(executor: Executor, userId: string): Promise<Array<string | null>> {
  const rows = await executor
    .selectDistinct({ userAgent: sessions.userAgent })
    .from(sessions)
    .where(eq(sessions.userId, userId));
  return rows.map((row) => row.userAgent);
}

/** Ends one live session of the user. False when the user has no such live session. */
export async function revokeLiveSession(executor: Executor, userId: string, sessionId: string, now: Date): Promise<boolean> {
  const rows = await executor
    .update(sessions)
    .set({ revokedAt: now })
    .where(
      and(
        eq(sessions.userId, userId),
        eq(sessions.id, sessionId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
      ),
    )
    .returning({ id: sessions.id });
  return rows.length > 0;
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
): Promise<{ id: string; userId: string; createdAt: Date } | undefined> {
  const [row] = await executor
    .select({ id: sessions.id, userId: sessions.userId, createdAt: sessions.createdAt })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)));
  return row;
}
