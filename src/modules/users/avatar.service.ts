import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { AppError, unauthorized } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { processAvatar } from '../../storage/avatar-image.js';
import { type AvatarStore, AvatarStoreError } from '../../storage/avatar-store.js';
import { findAvatarKey, swapAvatar } from './avatar.repository.js';
import { presentUser } from './users.presenter.js';
import type { User } from './users.schemas.js';

export interface AvatarServiceDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'appUrl'>;
  store: AvatarStore;
  logger: FastifyBaseLogger;
}

/**
 * Uploading and removing the signed-in user's picture. The order of steps keeps the previous
 * picture whole until the new one is safely stored: store the new image, then point the user at it,
 * then remove the old one. If the store fails, nothing else has happened yet.
 */
export class AvatarService {
  constructor(private readonly deps: AvatarServiceDeps) {}

  async replace(userId: string, upload: Buffer): Promise<User> {
    const image = await processAvatar(upload);
    const before = await findAvatarKey(this.deps.db, userId);
    const stored = await this.useStore(() => this.deps.store.save(userId, image));
    // A store that keeps one object per user overwrote it in place: that key must never be discarded.
    const discardNew = () => (stored.key === before ? Promise.resolve() : this.discard(stored.key));

    let swapped: Awaited<ReturnType<typeof swapAvatar>>;
    try {
      swapped = await swapAvatar(this.deps.db, userId, stored, this.deps.clock.now());
    } catch (error) {
      await discardNew();
      throw error;
    }
    if (!swapped) {
      await discardNew();
      throw unauthorized('This account no longer exists');
    }
    if (swapped.previousKey && swapped.previousKey !== stored.key) await this.discard(swapped.previousKey);
    return presentUser(swapped.row, this.deps.config.appUrl);
  }

  /**
   * Back to the generated default. The stored picture goes first: if the store is down the user
   * keeps the picture (503) rather than being told it is gone while a copy remains online.
   */
  async remove(userId: string): Promise<User> {
    const key = await findAvatarKey(this.deps.db, userId);
    if (key) await this.useStore(() => this.deps.store.remove(key));
    const swapped = await swapAvatar(this.deps.db, userId, null, this.deps.clock.now());
    if (!swapped) throw unauthorized('This account no longer exists');
    // An upload that landed meanwhile was replaced by the default just now: its file goes too.
    if (swapped.previousKey && swapped.previousKey !== key) await this.discard(swapped.previousKey);
    return presentUser(swapped.row, this.deps.config.appUrl);
  }

  private async useStore<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof AvatarStoreError)) throw error;
      this.deps.logger.warn({ err: error }, 'avatar store failed');
      throw new AppError(
        'SERVICE_UNAVAILABLE',
        503,
        'The picture storage is not available right now; your current picture is unchanged. Try again later.',
        { headers: { 'retry-after': '30' } },
      );
    }
  }

  // Cleanup after the user's row already says the right thing: a failure leaves an unreferenced
  // file behind, which is logged, but must not fail a request whose change has been made.
  private async discard(key: string): Promise<void> {
    try {
      await this.deps.store.remove(key);
    } catch (error) {
      this.deps.logger.warn({ err: error, key }, 'could not remove an unused avatar');
    }
  }
}
