import { and, eq, gt, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { type UserRow, recoveryCodes, twoFactorChallenges, users } from '../../db/schema.js';

/**
 * Stores a new pending secret, unless two-step is already on. Returns false when it is (or the
 * account is gone): the condition is in the UPDATE, so a setup racing an enable can't undo it.
 */
export async function setPendingSecret(executor: Executor, userId: string, sealedSecret: string, now: Date): Promise<boolean> {
  const rows = await executor
    .update(users)
    .set({ twoFactorPendingSecret: sealedSecret, updatedAt: now })
    .where(and(eq(users.id, userId), isNull(users.twoFactorEnabledAt)))
    .returning({ id: users.id });
  return rows.length > 0;
}

/**
 * Turns two-step on with the pending secret that the code was checked against, recording that
 * code's step as used. Undefined when the pending secret changed meanwhile (another setup) or
 * two-step is already on.
 */
export async function enableTwoFactor(
  executor: Executor,
  userId: string,
  values: { pendingSecret: string; step: number; now: Date },
): Promise<UserRow | undefined> {
  const [row] = await executor
    .update(users)
    .set({
      twoFactorSecret: values.pendingSecret,
      twoFactorPendingSecret: null,
      twoFactorEnabledAt: values.now,
      twoFactorLastStep: values.step,
      updatedAt: values.now,
    })
    .where(
      and(eq(users.id, userId), isNull(users.twoFactorEnabledAt), eq(users.twoFactorPendingSecret, values.pendingSecret)),
    )
    .returning();
  return row;
}

/** Turns two-step off and forgets everything that belonged to it. */
export async function disableTwoFactor(executor: Executor, userId: string, now: Date): Promise<UserRow | undefined> {
  await executor.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await executor.delete(twoFactorChallenges).where(eq(twoFactorChallenges.userId, userId));
  const [row] = await executor
    .update(users)
    .set({
      twoFactorSecret: null,
      twoFactorPendingSecret: null,
      twoFactorEnabledAt: null,
      twoFactorLastStep: null,
      updatedAt: now,
    })
    .where(and(eq(users.id, userId), isNotNull(users.twoFactorEnabledAt)))
    .returning();
  return row;
}

/**
 * Claims a TOTP time step for the account: one conditional UPDATE, so of two requests with the same
 * code (or an older one) exactly one gets the row; the other's WHERE no longer holds once the first
 * commits. False when the step is not newer than the last accepted one.
 */
export async function claimTotpStep(executor: Executor, userId: string, step: number): Promise<boolean> {
  const rows = await executor
    .update(users)
    .set({ twoFactorLastStep: step })
    .where(
      and(
        eq(users.id, userId),
        isNotNull(users.twoFactorEnabledAt),
        or(isNull(users.twoFactorLastStep), lt(users.twoFactorLastStep, step)),
      ),
    )
    .returning({ id: users.id });
  return rows.length > 0;
}

/** Replaces the account's recovery codes with these hashes. */
export async function replaceRecoveryCodes(executor: Executor, userId: string, codeHashes: string[], now: Date): Promise<void> {
  await executor.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await executor.insert(recoveryCodes).values(codeHashes.map((codeHash) => ({ userId, codeHash, createdAt: now })));
}

/** Spends an unused recovery code; of parallel attempts with one code exactly one gets true. */
export async function claimRecoveryCode(executor: Executor, userId: string, codeHash: string, now: Date): Promise<boolean> {
  const rows = await executor
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, codeHash), isNull(recoveryCodes.usedAt)))
    .returning({ id: recoveryCodes.id });
  return rows.length > 0;
}

export async function insertChallenge(
  executor: Executor,
  values: { tokenHash: string; userId: string; userAgent: string | null; now: Date; expiresAt: Date },
): Promise<void> {
  await executor.insert(twoFactorChallenges).values({
    tokenHash: values.tokenHash,
    userId: values.userId,
    userAgent: values.userAgent,
    createdAt: values.now,
    expiresAt: values.expiresAt,
  });
}

/** Forgets the account's challenges that can no longer be used (expired or spent). */
export async function deleteDeadChallenges(executor: Executor, userId: string, now: Date): Promise<void> {
  await executor
    .delete(twoFactorChallenges)
    .where(
      and(
        eq(twoFactorChallenges.userId, userId),
        or(lt(twoFactorChallenges.expiresAt, now), isNotNull(twoFactorChallenges.usedAt)),
      ),
    );
}

/** Ends every sign-in of the account that waits for its second step (after a password change or reset). */
export async function deleteChallenges(executor: Executor, userId: string): Promise<void> {
  await executor.delete(twoFactorChallenges).where(eq(twoFactorChallenges.userId, userId));
}

/** Whose sign-in a challenge token belongs to, while it is live; for keying the per-account throttle. */
export async function findLiveChallengeUser(executor: Executor, tokenHash: string, now: Date): Promise<string | undefined> {
  const [row] = await executor
    .select({ userId: twoFactorChallenges.userId })
    .from(twoFactorChallenges)
    .where(and(eq(twoFactorChallenges.tokenHash, tokenHash), isNull(twoFactorChallenges.usedAt), gt(twoFactorChallenges.expiresAt, now)));
  return row?.userId;
}

/**
 * Takes one of a challenge's attempts before its code is checked: the counter goes up first, in its
 * own statement, so parallel guesses can't all be checked against the same "fewer than max". The
 * attempt is given back when the code turns out right (`spendChallenge`). Undefined when the
 * challenge is unknown, expired, spent or out of attempts.
 */
export async function takeChallengeAttempt(
  executor: Executor,
  tokenHash: string,
  now: Date,
  maxAttempts: number,
): Promise<{ userId: string; userAgent: string | null; failedAttempts: number } | undefined> {
  const [row] = await executor
    .update(twoFactorChallenges)
    .set({ failedAttempts: sql`${twoFactorChallenges.failedAttempts} + 1` })
    .where(
      and(
        eq(twoFactorChallenges.tokenHash, tokenHash),
        isNull(twoFactorChallenges.usedAt),
        gt(twoFactorChallenges.expiresAt, now),
        lt(twoFactorChallenges.failedAttempts, maxAttempts),
      ),
    )
    .returning({
      userId: twoFactorChallenges.userId,
      userAgent: twoFactorChallenges.userAgent,
      failedAttempts: twoFactorChallenges.failedAttempts,
    });
  return row;
}

/** Marks a challenge used (once) and gives back the attempt its right code took. */
export async function spendChallenge(executor: Executor, tokenHash: string, now: Date): Promise<boolean> {
  const rows = await executor
    .update(twoFactorChallenges)
    .set({ usedAt: now, failedAttempts: sql`${twoFactorChallenges.failedAttempts} - 1` })
    .where(and(eq(twoFactorChallenges.tokenHash, tokenHash), isNull(twoFactorChallenges.usedAt)))
    .returning({ userId: twoFactorChallenges.userId });
  return rows.length > 0;
}
