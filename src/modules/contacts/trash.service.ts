import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { UUID_SHAPE } from '../../lib/uuid.js';
import type { PictureSlot } from '../../storage/picture-slot.js';
import { contactLimitReached, contactNotFound, type Owner } from './contacts.service.js';
import { presentContact, presentTrashedContact } from './contacts.presenter.js';
import type { Contact, TrashList } from './contacts.schemas.js';
import { TRASH_RETENTION_DAYS } from './contacts.schemas.js';
import { listTrash, purgeExpired, purgeTrashed, restoreContact } from './trash.repository.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How many expired contacts one purge statement deletes; a run repeats until fewer come back. */
const PURGE_BATCH = 500;

export interface TrashServiceDeps {
  db: Db;
  appUrl: string;
  clock: Clock;
  /** Removes the photos of purged contacts from the picture store. */
  pictures: PictureSlot;
  logger: FastifyBaseLogger;
  /** How often a started service purges expired contacts (default hourly). */
  purgeIntervalMs?: number;
}

/**
 * The trash: deleted contacts wait here for 30 days, out of every read and outside the 100, and
 * can be restored or deleted for good. A photo leaves the picture store only when its contact is
 * deleted for good.
 */
export class TrashService {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(private readonly deps: TrashServiceDeps) {}

  async list(owner: Owner): Promise<TrashList> {
    const rows = await listTrash(this.deps.db, owner.id);
    return { items: rows.flatMap((row) => (row.deletedAt ? [presentTrashedContact({ ...row, deletedAt: row.deletedAt }, this.deps.appUrl)] : [])) };
  }

  async restore(owner: Owner, id: string): Promise<Contact> {
    if (!UUID_SHAPE.test(id)) throw contactNotFound();
    const result = await restoreContact(this.deps.db, owner.id, id);
    if ('restored' in result) return presentContact(result.restored, this.deps.appUrl);
    throw result.refused === 'LIMIT_REACHED' ? contactLimitReached() : contactNotFound();
  }

  /** Deletes one contact of the trash for good; 404 when it is not in the trash. */
  async purge(owner: Owner, id: string): Promise<void> {
    const photoKeys = UUID_SHAPE.test(id) ? await purgeTrashed(this.deps.db, owner.id, id) : [];
    if (photoKeys.length === 0) throw contactNotFound();
    await this.discardPhotos(photoKeys);
  }

  async empty(owner: Owner): Promise<void> {
    await this.discardPhotos(await purgeTrashed(this.deps.db, owner.id));
  }

  /**
   * Deletes for good every contact that has been in the trash for 30 days, in batches; returns how
   * many. Safe to run on every instance at once: each contact is purged, and its photo removed, once.
   */
  async purgeExpired(): Promise<number> {
    const deletedBefore = new Date(this.deps.clock.now().getTime() - TRASH_RETENTION_DAYS * DAY_MS);
    let total = 0;
    for (;;) {
      const purged = await purgeExpired(this.deps.db, deletedBefore, PURGE_BATCH);
      total += purged.length;
      await this.discardPhotos(purged.map((contact) => contact.photoKey));
      if (purged.length < PURGE_BATCH) return total;
    }
  }

  /** Purges now, then on every interval until stop(). */
  start(): void {
    if (this.#timer) return;
    const run = () => {
      this.#running ??= this.purgeExpired()
        .then((count) => {
          if (count > 0) this.deps.logger.info({ count }, 'purged contacts deleted over 30 days ago');
        })
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'trash purge failed; will retry'))
        .finally(() => {
          this.#running = undefined;
        });
    };
    this.#timer = setInterval(run, this.deps.purgeIntervalMs ?? 60 * 60 * 1000);
    this.#timer.unref();
    run();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  private async discardPhotos(keys: ReadonlyArray<string | null>): Promise<void> {
    for (const key of keys) if (key) await this.deps.pictures.discard(key);
  }
}
