import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import type { Db, Executor } from '../../db/client.js';
import type { EmailTokenPurpose, UserRow } from '../../db/schema.js';
import { AppError, invalidToken, unauthorized } from '../../errors.js';
import { type Clock, addSeconds } from '../../lib/clock.js';
import { generateToken, hashToken } from '../../lib/secrets.js';
import { enqueueMail } from '../../mail/outbox.repository.js';
import type { MailTemplate } from '../../mail/templates/index.js';
import { deleteUserAppPasswords } from '../app-passwords/app-passwords.repository.js';
import { findUserByEmail, findUserById, insertUser, updateUser } from '../users/users.repository.js';
import { presentUser } from '../users/users.presenter.js';
import type { User } from '../users/users.schemas.js';
import type { TwoFactorChallenge } from '../two-factor/two-factor.schemas.js';
import { type TwoFactorService, isTwoFactorEnabled } from '../two-factor/two-factor.service.js';
import { readAccessToken, signAccessToken } from './access-tokens.js';
import type { TokenPair } from './auth.schemas.js';
import { claimEmailToken, insertEmailToken, invalidateEmailTokens } from './email-tokens.repository.js';
import { deviceName, isNewDevice, storableUserAgent } from './device-name.js';
import { deleteChallenges } from '../two-factor/two-factor.repository.js';
import { burnPasswordCheck, hashPassword, isCommonPassword, isContextPassword, verifyPassword } from './passwords.js';
import {
  createSessionWithRefreshToken,
  extendSession,
  findLiveSession,
  findLiveSessionOfUser,
  findRefreshTokenSession,
  insertRefreshToken,
  listSessionUserAgents,
  revokeSession,
  revokeUserSessions,
  spendRefreshToken,
  touchSession,
} from './sessions.repository.js';

/** A session's lastUsedAt is kept to the minute: finer would mean a write on every request. */
const LAST_USED_RESOLUTION_SECONDS = 60;

/** Who is calling, as established from a live session. */
export interface Principal {
  user: UserRow;
  sessionId: string;
}

/** The longest a sign-in lasts, however often it is used (ASVS 5.0 7.3.2). */
export const MAX_SESSION_DAYS = 90;

/** Where a sign-in comes from, as the devices list shows it. */
export interface SignInContext {
  userAgent?: string;
}

export interface AuthServiceDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'appUrl' | 'jwt' | 'tokens'>;
  /** Nudges the mail worker once a transaction that queued mail has committed. */
  mailQueue: { kick(): void };
  logger: FastifyBaseLogger;
  /** Two-step sign-in: the second step after a correct password, when the account has it on. */
  twoFactor: TwoFactorService;
}

export class AuthService {
  constructor(private readonly deps: AuthServiceDeps) {}

  async register(input: { email: string; password: string; name: string }): Promise<User> {
    await rejectCommonPassword(input.password, 'password', input);
    const passwordHash = await hashPassword(input.password);
    const now = this.now();
    const user = await this.deps.db.transaction(async (tx) => {
      const created = await insertUser(tx, { email: input.email, name: input.name, passwordHash, now });
      if (!created) throw new AppError('EMAIL_TAKEN', 409, 'An account with this email already exists');
      await this.sendEmailLink(tx, created, 'verify_email', now);
      return created;
    });
    this.deps.mailQueue.kick();
    return this.present(user);
  }

  async verifyEmail(token: string): Promise<User> {
    const now = this.now();
    const user = await this.deps.db.transaction(async (tx) => {
      const userId = await claimEmailToken(tx, hashToken(token), 'verify_email', now);
      if (!userId) throw invalidToken('This verification link is unknown, expired or already used');
      return updateUser(tx, userId, { emailVerified: true }, now);
    });
    if (!user) throw invalidToken();
    return this.present(user);
  }

  async resendVerification(email: string): Promise<void> {
    const user = await findUserByEmail(this.deps.db, email);
    if (!user || user.emailVerified) return;
    const now = this.now();
    await this.deps.db.transaction((tx) => this.sendEmailLink(tx, user, 'verify_email', now));
    this.deps.mailQueue.kick();
  }

  /** A token pair, or (with two-step sign-in on) the challenge that `loginWithCode` completes. */
  async login(email: string, password: string, context: SignInContext = {}): Promise<TokenPair | TwoFactorChallenge> {
    const user = await findUserByEmail(this.deps.db, email);
    if (!user) {
      await burnPasswordCheck(password);
      throw invalidCredentials();
    }
    if (!(await verifyPassword(user.passwordHash, password))) throw invalidCredentials();
    // Only after a correct password, so this answer can't be used to probe which emails exist.
    if (!user.emailVerified) {
      throw new AppError('EMAIL_NOT_VERIFIED', 403, 'Confirm your email address first; we can send the link again');
    }
    if (isTwoFactorEnabled(user)) return this.deps.twoFactor.startChallenge(user, context.userAgent);
    return this.startSession(user.id, context);
  }

  /** The second step of a sign-in with two-step on: the challenge token from `login` and a code. */
  async loginWithCode(twoFactorToken: string, code: string): Promise<TokenPair> {
    const { userId, userAgent } = await this.deps.twoFactor.completeChallenge(twoFactorToken, code);
    return this.startSession(userId, { userAgent });
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const now = this.now();
    const tokenHash = hashToken(refreshToken);
    const next = generateToken();
    const outcome = await this.deps.db.transaction(async (tx) => {
      const sessionId = await spendRefreshToken(tx, tokenHash, now);
      if (!sessionId) {
        const replayedSession = await findRefreshTokenSession(tx, tokenHash);
        // A spent token coming back means it was copied, or two clients raced with one token:
        // either way nobody can tell the holder apart, so the whole sign-in ends.
        if (replayedSession) await revokeSession(tx, replayedSession, now);
        return { replayedSession };
      }
      const session = await findLiveSession(tx, sessionId, now);
      if (!session) return {};
      await extendSession(tx, session.id, this.sessionExpiry(now, session.createdAt), now);
      await insertRefreshToken(tx, { sessionId: session.id, tokenHash: hashToken(next), now });
      return { session };
    });
    if (!outcome.session) {
      if (outcome.replayedSession) {
        this.deps.logger.warn({ sessionId: outcome.replayedSession }, 'spent refresh token presented; session revoked');
      }
      throw new AppError('INVALID_TOKEN', 401, 'The refresh token is unknown, expired or already used');
    }
    return this.tokenPair(outcome.session.userId, outcome.session.id, next, now);
  }

  async logout(refreshToken: string | undefined): Promise<void> {
    if (!refreshToken) return;
    const sessionId = await findRefreshTokenSession(this.deps.db, hashToken(refreshToken));
    if (sessionId) await revokeSession(this.deps.db, sessionId, this.now());
  }

  async forgotPassword(email: string): Promise<void> {
    const user = await findUserByEmail(this.deps.db, email);
    if (!user) return;
    const now = this.now();
    await this.deps.db.transaction(async (tx) => {
      // Only the newest link works: an older email lying in an inbox is no longer a way in.
      await invalidateEmailTokens(tx, user.id, 'reset_password', now);
      await this.sendEmailLink(tx, user, 'reset_password', now);
    });
    this.deps.mailQueue.kick();
  }

  async resetPassword(token: string, password: string): Promise<void> {
    await rejectCommonPassword(password, 'password');
    const passwordHash = await hashPassword(password);
    const now = this.now();
    await this.deps.db.transaction(async (tx) => {
      const userId = await claimEmailToken(tx, hashToken(token), 'reset_password', now);
      if (!userId) throw invalidToken('This reset link is unknown, expired or already used');
      // Following the emailed link proves the address, so the account counts as verified too.
      const user = await updateUser(tx, userId, { passwordHash, emailVerified: true }, now);
      if (!user) throw invalidToken();
      // Only now is the account known; refusing here rolls the claim back, so the link still works.
      await rejectCommonPassword(password, 'password', user);
      await invalidateEmailTokens(tx, userId, 'reset_password', now);
      await revokeUserSessions(tx, userId, now);
      // A sign-in begun with the old password must not finish with a code.
      await deleteChallenges(tx, userId);
      // Whoever knew the old password may have made app passwords with it; they go with it.
      await deleteUserAppPasswords(tx, userId);
      await this.sendPasswordChanged(tx, user, now);
    });
    this.deps.mailQueue.kick();
  }

  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    if (!(await verifyPassword(principal.user.passwordHash, currentPassword))) {
      throw new AppError('INVALID_CREDENTIALS', 403, 'The current password is not correct');
    }
    if (currentPassword === newPassword) {
      throw validationFailed('newPassword', 'Choose a password different from the current one');
    }
    await rejectCommonPassword(newPassword, 'newPassword', principal.user);
    const passwordHash = await hashPassword(newPassword);
    const now = this.now();
    await this.deps.db.transaction(async (tx) => {
      const user = await updateUser(tx, principal.user.id, { passwordHash }, now);
      if (!user) throw unauthorized();
      await revokeUserSessions(tx, user.id, now, principal.sessionId);
      await deleteChallenges(tx, user.id);
      await deleteUserAppPasswords(tx, user.id);
      await this.sendPasswordChanged(tx, user, now);
    });
    this.deps.mailQueue.kick();
  }

  /** The caller behind an access token, re-checked against the live session and account. */
  async authenticate(accessToken: string): Promise<Principal> {
    const now = this.now();
    const claims = readAccessToken(accessToken, this.deps.config.jwt.secret, now);
    if (!claims) throw unauthorized('The access token is invalid or expired');
    const found = await findLiveSessionOfUser(this.deps.db, claims.userId, claims.sessionId, now);
    if (!found) throw unauthorized('This session has ended; sign in again');
    const staleBefore = addSeconds(now, -LAST_USED_RESOLUTION_SECONDS);
    if (!found.lastUsedAt || found.lastUsedAt < staleBefore) {
      await this.recordUse({ userId: claims.userId, sessionId: claims.sessionId, now, staleBefore });
    }
    return { user: found.user, sessionId: claims.sessionId };
  }

  /** At most once a minute per session; a failure to record it is logged, never the request's failure. */
  private async recordUse(values: { userId: string; sessionId: string; now: Date; staleBefore: Date }): Promise<void> {
    try {
      await touchSession(this.deps.db, values);
    } catch (error) {
      this.deps.logger.warn({ err: error, sessionId: values.sessionId }, 'could not record a session use');
    }
  }

  async getUser(userId: string): Promise<UserRow | undefined> {
    return findUserById(this.deps.db, userId);
  }

  /**
   * Starts a session for a user whose sign-in is complete. A sign-in from a device none of the
   * user's earlier sessions had (see isNewDevice) also queues the "New sign-in" email, in the same
   * transaction; the usual sign-in, from a known device, stays one statement.
   */
  private async startSession(userId: string, context: SignInContext): Promise<TokenPair> {
    const now = this.now();
    const refreshToken = generateToken();
    const userAgent = storableUserAgent(context.userAgent);
    const values = { userId, tokenHash: hashToken(refreshToken), now, expiresAt: this.sessionExpiry(now), userAgent };
    // Read before the session exists, so the new one is not its own precedent. Two sign-ins from one
    // new device at the same moment may both be told about; neither goes untold.
    const newDevice = isNewDevice(userAgent, await listSessionUserAgents(this.deps.db, userId));
    let sessionId: string;
    if (newDevice) {
      sessionId = await this.deps.db.transaction(async (tx) => {
        const id = await createSessionWithRefreshToken(tx, values);
        const user = await findUserById(tx, userId);
        if (user) await this.sendNewSignIn(tx, user, userAgent, now);
        return id;
      });
      this.deps.mailQueue.kick();
    } else {
      sessionId = await createSessionWithRefreshToken(this.deps.db, values);
    }
    return this.tokenPair(userId, sessionId, refreshToken, now);
  }

  private async sendNewSignIn(tx: Executor, user: UserRow, userAgent: string | null, now: Date): Promise<void> {
    const mail: MailTemplate = {
      template: 'new-sign-in',
      props: {
        name: user.name,
        signedInAt: now.toISOString(),
        device: deviceName(userAgent),
        securityUrl: `${this.deps.config.appUrl}/security`,
      },
    };
    await enqueueMail(tx, user.email, mail, now);
  }

  private tokenPair(userId: string, sessionId: string, refreshToken: string, now: Date): TokenPair {
    const { secret, accessTtlSeconds } = this.deps.config.jwt;
    const accessToken = signAccessToken({ userId, sessionId }, secret, accessTtlSeconds, now);
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: accessTtlSeconds };
  }

  /**
   * A session lives `refreshTtlDays` past its last refresh (the inactivity timeout), but never
   * more than MAX_SESSION_DAYS after it began: then the password is asked for again.
   */
  private sessionExpiry(now: Date, startedAt: Date = now): Date {
    const idle = addSeconds(now, this.deps.config.tokens.refreshTtlDays * 24 * 60 * 60);
    const absolute = addSeconds(startedAt, MAX_SESSION_DAYS * 24 * 60 * 60);
    return idle < absolute ? idle : absolute;
  }

  private async sendEmailLink(tx: Executor, user: UserRow, purpose: EmailTokenPurpose, now: Date): Promise<void> {
    const token = generateToken();
    const { tokens, appUrl } = this.deps.config;
    const verifying = purpose === 'verify_email';
    const ttlSeconds = verifying ? tokens.verifyTtlHours * 3600 : tokens.resetTtlMinutes * 60;
    await insertEmailToken(tx, {
      userId: user.id,
      purpose,
      tokenHash: hashToken(token),
      now,
      expiresAt: addSeconds(now, ttlSeconds),
    });
    const link = `${appUrl}/${verifying ? 'verify-email' : 'reset-password'}?token=${encodeURIComponent(token)}`;
    const mail: MailTemplate = verifying
      ? { template: 'verify-email', props: { name: user.name, link } }
      : { template: 'reset-password', props: { name: user.name, link, expiresInMinutes: tokens.resetTtlMinutes } };
    await enqueueMail(tx, user.email, mail, now);
  }

  private async sendPasswordChanged(tx: Executor, user: UserRow, now: Date): Promise<void> {
    await enqueueMail(
      tx,
      user.email,
      { template: 'password-changed', props: { name: user.name, changedAt: now.toISOString() } },
      now,
    );
  }

  private present(user: UserRow): User {
    return presentUser(user, this.deps.config.appUrl);
  }

  private now(): Date {
    return this.deps.clock.now();
  }
}

const invalidCredentials = () => new AppError('INVALID_CREDENTIALS', 401, 'The email or password is not correct');

function validationFailed(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', 400, message, { errors: [{ path, message }] });
}

async function rejectCommonPassword(password: string, path: string, account?: { email: string; name: string }): Promise<void> {
  if (await isCommonPassword(password)) {
    throw validationFailed(path, 'This password is one of the most commonly used; choose another');
  }
  if (account && isContextPassword(password, account)) {
    throw validationFailed(path, 'This password is made of your name, your email address or words about Kith; choose another');
  }
}
