import type { Db } from '../../db/client.js';
import type { SessionRow } from '../../db/schema.js';
import { notFound } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { UUID_SHAPE } from '../../lib/uuid.js';
import type { Principal } from './auth.service.js';
import { deviceName } from './device-name.js';
import { listLiveSessions, revokeLiveSession, revokeUserSessions } from './sessions.repository.js';
import type { Session, SessionList } from './sessions.schemas.js';

export interface SessionsServiceDeps {
  db: Db;
  clock: Clock;
}

/** The signed-in user's sessions ("devices"): listing them and ending them. */
export class SessionsService {
  constructor(private readonly deps: SessionsServiceDeps) {}

  async list(principal: Principal): Promise<SessionList> {
    const rows = await listLiveSessions(this.deps.db, principal.user.id, this.deps.clock.now());
    return { items: rows.map((row) => presentSession(row, principal.sessionId)) };
  }

  /**
   * Ends one of the user's live sessions: its access and refresh tokens stop working at once
   * (every request re-checks the session row). The current session may be ended this way too.
   * Another user's session, an ended one and a malformed id are all the same 404.
   */
  async revoke(userId: string, sessionId: string): Promise<void> {
    const revoked =
      UUID_SHAPE.test(sessionId) && (await revokeLiveSession(this.deps.db, userId, sessionId.toLowerCase(), this.deps.clock.now()));
    if (!revoked) throw notFound('Session');
  }

  /** Ends every session of the user but the one making the request. */
  async revokeOthers(principal: Principal): Promise<void> {
    await revokeUserSessions(this.deps.db, principal.user.id, this.deps.clock.now(), principal.sessionId);
  }
}

function presentSession(row: SessionRow, currentSessionId: string): Session {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: (row.lastUsedAt ?? row.createdAt).toISOString(),
    userAgent: row.userAgent,
    device: deviceName(row.userAgent),
    current: row.id === currentSessionId,
  };
}
