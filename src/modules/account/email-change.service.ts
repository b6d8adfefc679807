import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { AppError, invalidToken, unauthorized } from '../../errors.js';
import { type Clock, addSeconds } from '../../lib/clock.js';
import { generateToken, hashToken } from '../../lib/secrets.js';
import { enqueueMail } from '../../mail/outbox.repository.js';
import type { Principal } from '../auth/auth.service.js';
import { claimEmailChangeToken, insertEmailToken, invalidateEmailTokens } from '../auth/email-tokens.repository.js';
import { verifyPassword } from '../auth/passwords.js';
import { presentUser } from '../users/users.presenter.js';
import { findUserByEmail, findUserById } from '../users/users.repository.js';
import type { User } from '../users/users.schemas.js';
import type { TwoFactorService } from '../two-factor/two-factor.service.js';
import { isUniqueViolation, setUserEmail } from './account.repository.js';
import { requireSecondFactor } from './account.service.js';

export interface EmailChangeServiceDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'appUrl' | 'tokens'>;
  /** Nudges the mail worker once a transaction that queued mail has committed. */
  mailQueue: { kick(): void };
  /** Checks (and spends) the code a user with two-step sign-in on must also give. */
  twoFactor: Pick<TwoFactorService, 'verifyCode'>;
}

export const emailTaken = () => new AppError('EMAIL_TAKEN', 409, 'Another Kith account already uses this email address');

/**
 * Changing the account's email address: a link to the new address, and only following it changes
 * anything. What stays as it was, on purpose: the password, every session (the owner's other
 * devices stay signed in, which is also how they can undo a change they did not make) and the app
 * passwords (CardDAV then signs in with the new address). What goes: password reset and
 * verification links mailed to the old address, which would otherwise still open the account.
 */
export class EmailChangeService {
  constructor(private readonly deps: EmailChangeServiceDeps) {}

  /**
   * Mails a confirmation link to `newEmail`; a newer request replaces older links. A taken address
   * is refused at once (409): it takes the password to ask, and registering already tells anyone
   * whether an address has an account, so a vague answer here would hide nothing and only confuse.
   */
  async request(principal: Principal, input: { newEmail: string; password: string; code?: string | undefined }): Promise<void> {
    const { user } = principal;
    if (!(await verifyPassword(user.passwordHash, input.password))) {
      throw new AppError('INVALID_CREDENTIALS', 403, 'The password is not correct');
    }
    // The address is how a forgotten password is recovered: with two-step on, moving it takes a code too.
    await requireSecondFactor(this.deps.twoFactor, user, input.code);
    if (input.newEmail === user.email) {
      throw new AppError('VALIDATION_FAILED', 400, 'This is already your email address', {
        errors: [{ path: 'newEmail', message: 'This is already your email address' }],
      });
    }
    if (await findUserByEmail(this.deps.db, input.newEmail)) throw emailTaken();

    const now = this.deps.clock.now();
    const token = generateToken();
    const { tokens, appUrl } = this.deps.config;
    await this.deps.db.transaction(async (tx) => {
      // Only the newest link works: an address typed by mistake a minute ago can't be confirmed later.
      await invalidateEmailTokens(tx, user.id, 'change_email', now);
      await insertEmailToken(tx, {
        userId: user.id,
        purpose: 'change_email',
        tokenHash: hashToken(token),
        newEmail: input.newEmail,
        now,
        expiresAt: addSeconds(now, tokens.verifyTtlHours * 3600),
      });
      const link = `${appUrl}/confirm-email?token=${encodeURIComponent(token)}`;
      await enqueueMail(
        tx,
        input.newEmail,
        { template: 'email-change', props: { name: user.name, newEmail: input.newEmail, link, expiresInHours: tokens.verifyTtlHours } },
        now,
      );
    });
    this.deps.mailQueue.kick();
  }

  /**
   * Follows the link: the account takes the new address, the old one is told. 409 when another
   * account took the address since the link was sent; the link then stays unused (the transaction
   * is rolled back), so it works if the address becomes free before it expires.
   */
  async confirm(token: string): Promise<User> {
    const now = this.deps.clock.now();
    try {
      const user = await this.deps.db.transaction(async (tx) => {
        const claimed = await claimEmailChangeToken(tx, hashToken(token), now);
        if (!claimed) throw invalidToken('This confirmation link is unknown, expired or already used');
        const before = await findUserById(tx, claimed.userId);
        if (!before) throw invalidToken();
        const after = await setUserEmail(tx, claimed.userId, claimed.newEmail, now);
        if (!after) throw unauthorized('This account no longer exists');
        // Links sent to the old address must not open the account any more, nor another change link.
        for (const purpose of ['reset_password', 'verify_email', 'change_email'] as const) {
          await invalidateEmailTokens(tx, after.id, purpose, now);
        }
        if (before.email !== after.email) {
          await enqueueMail(
            tx,
            before.email,
            {
              template: 'email-changed',
              props: { name: after.name, oldEmail: before.email, newEmail: after.email, changedAt: now.toISOString() },
            },
            now,
          );
        }
        return after;
      });
      this.deps.mailQueue.kick();
      return presentUser(user, this.deps.config.appUrl);
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) throw emailTaken();
      throw error;
    }
  }
}
