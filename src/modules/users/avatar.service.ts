import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { unauthorized } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import type { AvatarStore, StoredAvatar } from '../../storage/avatar-store.js';
import { PictureSlot } from '../../storage/picture-slot.js';
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

/** Uploading and removing the signed-in user's picture (the steps and their order: PictureSlot). */
export class AvatarService {
  private readonly slot: PictureSlot;

  constructor(private readonly deps: AvatarServiceDeps) {
    this.slot = new PictureSlot(deps);
  }

  async replace(userId: string, upload: Buffer): Promise<User> {
    const before = await findAvatarKey(this.deps.db, userId);
    const row = await this.slot.replace(userId, upload, before ?? null, this.swap(userId));
    if (!row) throw unauthorized('This account no longer exists');
    return presentUser(row, this.deps.config.appUrl);
  }

  /** Back to the generated default. */
  async remove(userId: string): Promise<User> {
    const key = await findAvatarKey(this.deps.db, userId);
    const row = await this.slot.remove(key ?? null, this.swap(userId));
    if (!row) throw unauthorized('This account no longer exists');
    return presentUser(row, this.deps.config.appUrl);
  }

  private swap(userId: string) {
    return (picture: StoredAvatar | null) => swapAvatar(this.deps.db, userId, picture, this.deps.clock.now());
  }
}
