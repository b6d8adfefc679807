import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { type EmailTokenPurpose, emailTokens } from '../../db/schema.js';

export async function insertEmailToken(
  executor: Executor,
  values: { userId: string; purpose: EmailTokenPurpose; tokenHash: string; now: Date; expiresAt: Date; newEmail?: string },
): Promise<void> {
  await executor.insert(emailTokens).values({
    userId: values.userId,
    purpose: values.purpose,
    tokenHash: values.tokenHash,
    newEmail: values.newEmail ?? null,
    createdAt: values.now,
    expiresAt: values.expiresAt,
  });
}

/**
 * Uses up a live token and returns its user id. One conditional UPDATE claims it, so however many
 * requests race with the same token, exactly one of them gets the user.
 */
export async function claimEmailToken(
  executor: Executor,
  tokenHash: string,
  purpose: EmailTokenPurpose,
  now: Date,
): Promise<string | undefined> {
  const [row] = await executor
    .update(emailTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(emailTokens.tokenHash, tokenHash),
        eq(emailTokens.purpose, purpose),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, now),
      ),
    )
    .returning({ userId: emailTokens.userId });
  return row?.userId;
}

/**
 * Uses up a live `change_email` token and returns its user and the address it was sent to; one
 * conditional UPDATE, like claimEmailToken, so a link works once however many clicks race.
 */
export async function claimEmailChangeToken(
  executor: Executor,
  tokenHash: string,
  now: Date,
): Promise<{ userId: string; newEmail: string } | undefined> {
  const [row] = await executor
    .update(emailTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(emailTokens.tokenHash, tokenHash),
        eq(emailTokens.purpose, 'change_email'),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, now),
      ),
    )
    .returning({ userId: emailTokens.userId, newEmail: emailTokens.newEmail });
  return row?.newEmail ? { userId: row.userId, newEmail: row.newEmail } : undefined;
}

/** Spends every unused token of that purpose, e.g. older reset links when a new one is sent. */
export async function invalidateEmailTokens(
  executor: Executor,
  userId: string,
  purpose: EmailTokenPurpose,
  now: Date,
): Promise<void> {
  await executor
    .update(emailTokens)
    .set({ usedAt: now })
    .where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, purpose), isNull(emailTokens.usedAt)));
}
