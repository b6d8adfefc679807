import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import type { Db, Executor } from '../../db/client.js';
import type { UserRow } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { type Clock, addSeconds } from '../../lib/clock.js';
import { generateToken, hashToken } from '../../lib/secrets.js';
import { enqueueMail } from '../../mail/outbox.repository.js';
import { verifyPassword } from '../auth/passwords.js';
import { findUserById } from '../users/users.repository.js';
import {
  RECOVERY_CODE_COUNT,
  SecretBox,
  asRecoveryCode,
  asTotpCode,
  generateRecoveryCode,
  generateTotpSecret,
  hashRecoveryCode,
  matchTotpStep,
  otpauthUrl,
} from './two-factor-secrets.js';
import {
  claimRecoveryCode,
  claimTotpStep,
  deleteDeadChallenges,
  disableTwoFactor,
  enableTwoFactor,
  findLiveChallengeUser,
  insertChallenge,
  replaceRecoveryCodes,
  setPendingSecret,
  spendChallenge,
  takeChallengeAttempt,
} from './two-factor.repository.js';
import type { RecoveryCodes, TwoFactorChallenge, TwoFactorSetup } from './two-factor.schemas.js';

/** Long enough to open the app and type a code, short enough that a stolen token is soon useless. */
export const CHALLENGE_TTL_SECONDS = 5 * 60;
/** Wrong codes one sign-in may try before it must start again with the password. */
export const MAX_CODE_ATTEMPTS = 5;

export interface TwoFactorServiceDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'jwt' | 'appUrl'>;
  /** Nudges the mail worker once a transaction that queued mail has committed. */
  mailQueue: { kick(): void };
  logger: FastifyBaseLogger;
}

export const isTwoFactorEnabled = (user: Pick<UserRow, 'twoFactorEnabledAt'>) => user.twoFactorEnabledAt !== null;

export class TwoFactorService {
  private readonly box: SecretBox;

  constructor(private readonly deps: TwoFactorServiceDeps) {
    this.box = new SecretBox(deps.config.jwt.secret);
  }

  /** Step one of turning it on: a new secret, kept pending until a code from it comes back. */
  async setup(user: UserRow, password: string): Promise<TwoFactorSetup> {
    await this.checkPassword(user, password);
    if (isTwoFactorEnabled(user)) throw alreadyEnabled();
    const secret = generateTotpSecret();
    if (!(await setPendingSecret(this.deps.db, user.id, this.box.seal(user.id, secret), this.now()))) throw alreadyEnabled();
    return { secret, otpauthUrl: otpauthUrl(secret, user.email) };
  }

  /** Step two: a code from the pending secret turns two-step on and gives the recovery codes, once. */
  async enable(userId: string, code: string): Promise<RecoveryCodes> {
    const now = this.now();
    const user = await findUserById(this.deps.db, userId);
    if (!user) throw new AppError('UNAUTHORIZED', 401, 'This account no longer exists');
    if (isTwoFactorEnabled(user)) throw alreadyEnabled();
    const pending = user.twoFactorPendingSecret;
    const secret = pending ? this.box.open(user.id, pending) : undefined;
    if (!pending || !secret) {
      throw new AppError('TWO_FACTOR_SETUP_REQUIRED', 400, 'Start setting up two-step sign-in first (with your password)');
    }
    const totp = asTotpCode(code);
    const step = totp ? matchTotpStep(secret, totp, now) : undefined;
    if (step === undefined) {
      throw new AppError('INVALID_CODE', 400, 'That code is not right; enter the code your app shows now', {
        errors: [{ path: 'code', message: 'That code is not right; enter the code your app shows now' }],
      });
    }
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
    await this.deps.db.transaction(async (tx) => {
      const enabled = await enableTwoFactor(tx, user.id, { pendingSecret: pending, step, now });
      // Another setup replaced the secret after this code's was read, or another enable won.
      if (!enabled) {
        throw new AppError('TWO_FACTOR_SETUP_REQUIRED', 400, 'Setup was started again meanwhile; use the newest QR code');
      }
      const hashes = recoveryCodes.map((c) => hashRecoveryCode(user.id, asRecoveryCode(c) ?? c));
      await replaceRecoveryCodes(tx, user.id, hashes, now);
      await this.sendChanged(tx, enabled, true, now);
    });
    this.deps.mailQueue.kick();
    return { recoveryCodes };
  }

  /** Turns it off; needs the password and a code (from the app or a recovery code), like a sign-in. */
  async disable(user: UserRow, password: string, code: string): Promise<void> {
    await this.checkPassword(user, password);
    if (!isTwoFactorEnabled(user)) throw new AppError('TWO_FACTOR_NOT_ENABLED', 409, 'Two-step sign-in is not on');
    const now = this.now();
    await this.deps.db.transaction(async (tx) => {
      if (!(await this.consumeCode(tx, user, code, now))) {
        throw new AppError('INVALID_CREDENTIALS', 403, 'That code is not right (or was already used)', {
          errors: [{ path: 'code', message: 'That code is not right (or was already used)' }],
        });
      }
      const disabled = await disableTwoFactor(tx, user.id, now);
      if (!disabled) throw new AppError('TWO_FACTOR_NOT_ENABLED', 409, 'Two-step sign-in is not on');
      await this.sendChanged(tx, disabled, false, now);
    });
    this.deps.mailQueue.kick();
  }

  /**
   * Whether `code` is a current code from the account's authenticator app or one of its unused
   * recovery codes; the code is spent either way it matches (a TOTP step or a recovery code counts
   * once). False when two-step is off. The caller throttles: every call is a guess.
   */
  async verifyCode(userId: string, code: string, executor: Executor = this.deps.db): Promise<boolean> {
    const user = await findUserById(executor, userId);
    if (!user || !isTwoFactorEnabled(user)) return false;
    return this.consumeCode(executor, user, code, this.now());
  }

  /** After a correct password with two-step on: the token the second step exchanges for a session. */
  async startChallenge(user: UserRow, userAgent: string | undefined): Promise<TwoFactorChallenge> {
    const now = this.now();
    const token = generateToken();
    await deleteDeadChallenges(this.deps.db, user.id, now);
    await insertChallenge(this.deps.db, {
      tokenHash: hashToken(token),
      userId: user.id,
      userAgent: userAgent ?? null,
      now,
      expiresAt: addSeconds(now, CHALLENGE_TTL_SECONDS),
    });
    return { twoFactorRequired: true, twoFactorToken: token, expiresIn: CHALLENGE_TTL_SECONDS };
  }

  /** The account a live challenge token belongs to, for the per-account throttle. */
  async challengeUserId(token: string): Promise<string | undefined> {
    return findLiveChallengeUser(this.deps.db, hashToken(token), this.now());
  }

  /**
   * The second step: a right code spends the challenge and names who signed in (and with which
   * User-Agent); the caller starts the session. Each try takes one of the challenge's attempts
   * before the code is looked at.
   */
  async completeChallenge(token: string, code: string): Promise<{ userId: string; userAgent: string | undefined }> {
    const now = this.now();
    const tokenHash = hashToken(token);
    const challenge = await takeChallengeAttempt(this.deps.db, tokenHash, now, MAX_CODE_ATTEMPTS);
    if (!challenge) throw deadChallenge();
    const user = await findUserById(this.deps.db, challenge.userId);
    if (!user || !isTwoFactorEnabled(user)) throw deadChallenge();
    const won = await this.deps.db.transaction(async (tx) => {
      if (!(await this.consumeCode(tx, user, code, now))) return false;
      if (!(await spendChallenge(tx, tokenHash, now))) throw deadChallenge();
      return true;
    });
    if (!won) {
      const left = MAX_CODE_ATTEMPTS - challenge.failedAttempts;
      throw new AppError(
        'INVALID_CREDENTIALS',
        401,
        left > 0
          ? `That code is not right (or was already used); ${left} ${left === 1 ? 'try' : 'tries'} left`
          : 'That code is not right, and that was the last try; sign in again with your password',
      );
    }
    return { userId: user.id, userAgent: challenge.userAgent ?? undefined };
  }

  /** Spends `code` if it is the app's code for a step not used yet, or an unused recovery code. */
  private async consumeCode(executor: Executor, user: UserRow, code: string, now: Date): Promise<boolean> {
    const totp = asTotpCode(code);
    if (totp) {
      const secret = user.twoFactorSecret ? this.box.open(user.id, user.twoFactorSecret) : undefined;
      if (!secret) {
        // Sealed under another key: JWT_SECRET was changed. Recovery codes still work.
        this.deps.logger.warn({ userId: user.id }, 'two-step secret unreadable (was JWT_SECRET changed?)');
        return false;
      }
      const step = matchTotpStep(secret, totp, now);
      return step !== undefined && (await claimTotpStep(executor, user.id, step));
    }
    const recovery = asRecoveryCode(code);
    return recovery !== undefined && (await claimRecoveryCode(executor, user.id, hashRecoveryCode(user.id, recovery), now));
  }

  private async checkPassword(user: UserRow, password: string): Promise<void> {
    if (!(await verifyPassword(user.passwordHash, password))) {
      throw new AppError('INVALID_CREDENTIALS', 403, 'The password is not correct', {
        errors: [{ path: 'password', message: 'The password is not correct' }],
      });
    }
  }

  private async sendChanged(tx: Executor, user: UserRow, enabled: boolean, now: Date): Promise<void> {
    await enqueueMail(
      tx,
      user.email,
      { template: 'two-factor-changed', props: {
          name: user.name,
          enabled,
          changedAt: now.toISOString(),
          securityUrl: `${this.deps.config.appUrl}/security`,
        },
      },
      now,
    );
  }

  private now(): Date {
    return this.deps.clock.now();
  }
}

const alreadyEnabled = () => new AppError('TWO_FACTOR_ALREADY_ENABLED', 409, 'Two-step sign-in is already on');

const deadChallenge = () =>
  new AppError(
    'INVALID_TOKEN',
    401,
    'This sign-in has expired, was already used or had too many wrong codes; sign in again with your password',
  );
