import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { UserRow } from '../../db/schema.js';
import { unauthorized } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { type UserPatch, updateUser } from './users.repository.js';
import { presentUser } from './users.presenter.js';
import type { User } from './users.schemas.js';

export class UsersService {
  constructor(private readonly deps: { db: Db; clock: Clock; config: Pick<Config, 'appUrl'> }) {}

  present(row: UserRow): User {
    return presentUser(row, this.deps.config.appUrl);
  }

  async update(userId: string, patch: Pick<UserPatch, 'name' | 'timezone' | 'region'>): Promise<User> {
    const row = await updateUser(this.deps.db, userId, patch, this.deps.clock.now());
    if (!row) throw unauthorized('This account no longer exists');
    return this.present(row);
  }
}
