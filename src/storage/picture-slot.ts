import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors.js';
import { processAvatar } from './avatar-image.js';
import { type AvatarStore, AvatarStoreError, type StoredAvatar } from './avatar-store.js';

/** Points a row at a stored picture (or at none) and reports the key it replaced; undefined when the row is gone. */
export type PictureSwap<R> = (picture: StoredAvatar | null) => Promise<{ row: R; previousKey: string | null } | undefined>;

/**
 * Replacing and removing one picture that a database row points at: a user's avatar or a
 * contact's photo. The order of steps keeps the previous picture whole until the new one is safely
 * stored: store the new image, then point the row at it, then remove the old one. If the store
 * fails, nothing else has happened yet (503).
 */
export class PictureSlot {
  constructor(private readonly deps: { store: AvatarStore; logger: FastifyBaseLogger }) {}

  /**
   * Checks, re-encodes and stores `upload` under `owner`, then swaps it in. `currentKey` is the
   * key the row holds now (a store that overwrites in place returns the same key, which must then
   * never be discarded). Undefined when the row is gone; the new file is then removed again.
   */
  async replace<R>(owner: string, upload: Buffer, currentKey: string | null, swap: PictureSwap<R>): Promise<R | undefined> {
    const image = await processAvatar(upload);
    const stored = await this.useStore(() => this.deps.store.save(owner, image));
    const discardNew = () => (stored.key === currentKey ? Promise.resolve() : this.discard(stored.key));

    let swapped: Awaited<ReturnType<PictureSwap<R>>>;
    try {
      swapped = await swap(stored);
    } catch (error) {
      await discardNew();
      throw error;
    }
    if (!swapped) {
      await discardNew();
      return undefined;
    }
    if (swapped.previousKey && swapped.previousKey !== stored.key) await this.discard(swapped.previousKey);
    return swapped.row;
  }

  /**
   * Removes the picture `currentKey` names, then points the row at none. The stored file goes
   * first: if the store is down the row keeps its picture (503) rather than saying it is gone
   * while a copy remains online.
   */
  async remove<R>(currentKey: string | null, swap: PictureSwap<R>): Promise<R | undefined> {
    if (currentKey) await this.useStore(() => this.deps.store.remove(currentKey));
    const swapped = await swap(null);
    if (!swapped) return undefined;
    // An upload that landed meanwhile was replaced by "none" just now: its file goes too.
    if (swapped.previousKey && swapped.previousKey !== currentKey) await this.discard(swapped.previousKey);
    return swapped.row;
  }

  /**
   * Stores a picture that came inside other data (a vCard's PHOTO) for `owner`, through the same
   * checks and re-encoding as an upload. Undefined when the bytes are not a picture Kith takes
   * (the data it came in is kept whole regardless); a failing store is still a 503.
   */
  async storeEmbedded(owner: string, data: Buffer): Promise<StoredAvatar | undefined> {
    let image: Awaited<ReturnType<typeof processAvatar>>;
    try {
      image = await processAvatar(data, { compact: false });
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return undefined;
      throw error;
    }
    return this.useStore(() => this.deps.store.save(owner, image));
  }

  /**
   * Cleanup after the database already says the right thing: a failure leaves an unreferenced
   * file behind, which is logged, but must not fail a request whose change has been made.
   */
  async discard(key: string): Promise<void> {
    try {
      await this.deps.store.remove(key);
    } catch (error) {
      this.deps.logger.warn({ err: error, key }, 'could not remove an unused picture');
    }
  }

  private async useStore<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof AvatarStoreError)) throw error;
      this.deps.logger.warn({ err: error }, 'picture store failed');
      throw new AppError(
        'SERVICE_UNAVAILABLE',
        503,
        'The picture storage is not available right now; the current picture is unchanged. Try again later.',
        { headers: { 'retry-after': '30' } },
      );
    }
  }
}
