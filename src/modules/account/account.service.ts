import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { AppError, unauthorized } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { enqueueMail } from '../../mail/outbox.repository.js';
import type { PictureSlot } from '../../storage/picture-slot.js';
import type { Principal } from '../auth/auth.service.js';
import { verifyPassword } from '../auth/passwords.js';
import { lockOwner } from '../contacts/contacts.repository.js';
import { presentContact, presentTrashedContact } from '../contacts/contacts.presenter.js';
import type { ReminderSettings } from '../reminders/reminders.schemas.js';
import { type TwoFactorService, isTwoFactorEnabled } from '../two-factor/two-factor.service.js';
import { presentUser } from '../users/users.presenter.js';
import { findUserById } from '../users/users.repository.js';
import { deleteMailTo, deleteUser, listAllContacts, listPictureKeys } from './account.repository.js';
import type { AccountExport, DeleteAccountInput } from './account.schemas.js';

export interface AccountServiceDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'appUrl'>;
  /** Removes the avatar and contact photos from the picture store once the rows are gone. */
  pictures: PictureSlot;
  reminders: { get(userId: string): Promise<ReminderSettings> };
  /** Checks (and spends) the code a user with two-step sign-in on must give to delete. */
  twoFactor: Pick<TwoFactorService, 'verifyCode'>;
  mailQueue: { kick(): void };
  logger: FastifyBaseLogger;
}

/**
 * With two-step sign-in on, a sensitive change (deleting the account, changing its email) takes a
 * code as signing in does: 400 without one, 403 for a wrong one. A TOTP step or a recovery code
 * counts once, so a code seen over someone's shoulder for a sign-in can't also be used here. (The
 * routes' rate limits bound the guesses.)
 */
export async function requireSecondFactor(
  twoFactor: Pick<TwoFactorService, 'verifyCode'>,
  user: Principal['user'],
  code: string | undefined,
): Promise<void> {
  if (!isTwoFactorEnabled(user)) return;
  if (!code) {
    throw new AppError('VALIDATION_FAILED', 400, 'Two-step sign-in is on: enter a code from your authenticator app', {
      errors: [{ path: 'code', message: 'Enter the code from your authenticator app (or a recovery code)' }],
    });
  }
  if (!(await twoFactor.verifyCode(user.id, code))) {
    throw new AppError('INVALID_CREDENTIALS', 403, 'That code is not right (or was already used)', {
      errors: [{ path: 'code', message: 'That code is not right (or was already used)' }],
    });
  }
}

/** Leaving Kith: taking everything along (export), and deleting the account with all it holds. */
export class AccountService {
  constructor(private readonly deps: AccountServiceDeps) {}

  /** The account as the API presents it, its settings, every contact and the trash: no secret of any kind. */
  async export(userId: string): Promise<AccountExport> {
    const user = await findUserById(this.deps.db, userId);
    if (!user) throw unauthorized('This account no longer exists');
    const [rows, reminders] = await Promise.all([listAllContacts(this.deps.db, userId), this.deps.reminders.get(userId)]);
    const { appUrl } = this.deps.config;
    const trash = rows
      .flatMap((row) => (row.deletedAt ? [{ ...row, deletedAt: row.deletedAt }] : []))
      .sort((a, b) => b.deletedAt.getTime() - a.deletedAt.getTime() || a.id.localeCompare(b.id));
    return {
      format: 'kith-account-export',
      version: 1,
      exportedAt: this.deps.clock.now().toISOString(),
      account: presentUser(user, appUrl),
      settings: {
        reminders,
        birthdayCalendar: { enabled: user.birthdayCalendarToken !== null },
        addressBookName: user.addressBookName,
      },
      contacts: rows.filter((row) => !row.deletedAt).map((row) => presentContact(row, appUrl)),
      trash: trash.map((row) => presentTrashedContact(row, appUrl)),
    };
  }

  /**
   * Deletes the account and everything of it, for good. The password (and, with two-step sign-in
   * on, a code) is checked first. Then one transaction: lock the user's row (the lock every contact
   * writer takes first, so a create, import, photo upload or CardDAV PUT racing this either
   * committed before, and its rows and picture keys are seen here, or waits and then finds no
   * account), note the picture keys, drop the outbox mail to the address, delete the user (every
   * other table follows by cascade) and queue the goodbye. Only after the commit are the pictures
   * removed from the store: were it the other way round, a failing transaction would leave an
   * account pointing at pictures that are gone. A store that fails leaves an unreferenced file,
   * logged, and the request still succeeds: the account is gone either way.
   */
  async delete(principal: Principal, input: DeleteAccountInput): Promise<void> {
    const { user } = principal;
    if (!(await verifyPassword(user.passwordHash, input.password))) {
      throw new AppError('INVALID_CREDENTIALS', 403, 'The password is not correct');
    }
    await requireSecondFactor(this.deps.twoFactor, user, input.code);

    const now = this.deps.clock.now();
    const keys = await this.deps.db.transaction(async (tx) => {
      if (!(await lockOwner(tx, user.id))) throw unauthorized('This account no longer exists');
      // Re-read under the lock: the address may have changed since the request was authenticated.
      const current = await findUserById(tx, user.id);
      if (!current) throw unauthorized('This account no longer exists');
      const pictureKeys = await listPictureKeys(tx, user.id);
      await deleteMailTo(tx, current.email);
      await deleteUser(tx, user.id);
      await enqueueMail(tx, current.email, { template: 'account-deleted', props: { name: current.name, deletedAt: now.toISOString() } }, now);
      return pictureKeys;
    });
    this.deps.mailQueue.kick();
    this.deps.logger.info({ userId: user.id, pictures: keys.length }, 'account deleted');
    for (const key of keys) await this.deps.pictures.discard(key);
  }
}
