import type { FastifyBaseLogger } from 'fastify';
import { UUID_SHAPE } from '../../lib/uuid.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { AppPasswordRow } from '../../db/schema.js';
import { AppError, notFound, unauthorized } from '../../errors.js';
import { type Clock, addSeconds } from '../../lib/clock.js';
import { enqueueMail } from '../../mail/outbox.repository.js';
import { generateAppPasswordSecret, hashAppPasswordSecret } from './app-password-secret.js';
import {
  countAppPasswords,
  deleteAppPassword,
  findVerifiedAppPassword,
  insertAppPassword,
  listAppPasswords,
  lockUser,
  touchAppPassword,
} from './app-passwords.repository.js';
import {
  type AppPassword,
  type AppPasswordList,
  type CreatedAppPassword,
  MAX_APP_PASSWORDS_PER_USER,
} from './app-passwords.schemas.js';

/** lastUsedAt is kept to the minute: finer would mean a write on every CardDAV request. */
const LAST_USED_RESOLUTION_SECONDS = 60;

/** The user an app password signs in, as established by `verify`. */
export interface AppPasswordPrincipal {
  userId: string;
  appPasswordId: string;
}

export interface AppPasswordsServiceDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'appUrl'>;
  /** Nudges the mail worker once a transaction that queued mail has committed. */
  mailQueue: { kick(): void };
  logger: FastifyBaseLogger;
}

export class AppPasswordsService {
  /** Uses being recorded, so `drain()` can let them finish before the database closes. */
  private readonly touches = new Set<Promise<void>>();

  constructor(private readonly deps: AppPasswordsServiceDeps) {}

  async list(userId: string): Promise<AppPasswordList> {
    const rows = await listAppPasswords(this.deps.db, userId);
    return { items: rows.map(presentAppPassword) };
  }

  /**
   * A new app password; the answer is the only place its secret ever appears. The owner is told by
   * email (name and time, never the secret), so one made by someone else doesn't go unnoticed.
   */
  async create(user: { id: string; email: string; name: string }, name: string): Promise<CreatedAppPassword> {
    const password = generateAppPasswordSecret();
    const now = this.deps.clock.now();
    const row = await this.deps.db.transaction(async (tx) => {
      if (!(await lockUser(tx, user.id))) throw unauthorized('This account no longer exists');
      if ((await countAppPasswords(tx, user.id)) >= MAX_APP_PASSWORDS_PER_USER) {
        throw new AppError(
          'APP_PASSWORD_LIMIT',
          409,
          `You can have at most ${MAX_APP_PASSWORDS_PER_USER} app passwords; revoke one you no longer use`,
        );
      }
      const inserted = await insertAppPassword(tx, { userId: user.id, name, secretHash: hashAppPasswordSecret(password), now });
      const securityUrl = `${this.deps.config.appUrl}/security`;
      await enqueueMail(
        tx,
        user.email,
        {
          template: 'app-password-created',
          props: { name: user.name, passwordName: inserted.name, createdAt: inserted.createdAt.toISOString(), securityUrl },
        },
        now,
      );
      return inserted;
    });
    this.deps.mailQueue.kick();
    return {
      ...presentAppPassword(row),
      password,
      username: user.email,
      server: `${this.deps.config.appUrl}/dav/`,
    };
  }

  /** Revokes one of the user's app passwords; it stops working at once. */
  async revoke(userId: string, id: string): Promise<void> {
    const deleted = UUID_SHAPE.test(id) && (await deleteAppPassword(this.deps.db, userId, id.toLowerCase()));
    if (!deleted) throw notFound('App password');
  }

  /**
   * Who signs in with this email and app password, or undefined. For CardDAV's Basic auth: one
   * indexed query and a SHA-256, no argon2. The email is compared case-insensitively; an account
   * whose email is not yet confirmed gets nothing, like at sign-in. Records the use (at most once a
   * minute) without making the caller wait for it or fail with it.
   */
  async verify(email: string, secret: string): Promise<AppPasswordPrincipal | undefined> {
    const found = await findVerifiedAppPassword(this.deps.db, email.trim().toLowerCase(), hashAppPasswordSecret(secret));
    if (!found) return undefined;
    const now = this.deps.clock.now();
    const staleBefore = addSeconds(now, -LAST_USED_RESOLUTION_SECONDS);
    if (!found.lastUsedAt || found.lastUsedAt < staleBefore) this.recordUse(found.id, now, staleBefore);
    return { userId: found.userId, appPasswordId: found.id };
  }

  /** Waits for the uses still being recorded; the app calls it before the database closes. */
  async drain(): Promise<void> {
    await Promise.all(this.touches);
  }

  private recordUse(id: string, now: Date, staleBefore: Date): void {
    const touch = touchAppPassword(this.deps.db, id, now, staleBefore)
      .catch((error: unknown) => this.deps.logger.warn({ err: error, appPasswordId: id }, 'could not record an app password use'))
      .finally(() => this.touches.delete(touch));
    this.touches.add(touch);
  }
}

function presentAppPassword(row: AppPasswordRow): AppPassword {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt ? row.lastUsedAt.toISOString() : null,
  };
}
