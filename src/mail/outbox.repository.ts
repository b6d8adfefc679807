import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { type OutboxRow, outboxMessages } from '../db/schema.js';
import type { MailTemplate } from './templates/index.js';

// Times come from the application clock rather than SQL now(), so tests can move time and every
// instance agrees with the clock that scheduled the message.

/**
 * Queues a message for the worker. Pass the transaction that makes the change the message
 * announces, so the message exists exactly when that change commits. Returns the message id.
 */
export async function enqueueMail(executor: Executor, recipient: string, mail: MailTemplate, now: Date): Promise<string> {
  const [row] = await executor
    .insert(outboxMessages)
    .values({ template: mail.template, recipient, props: mail.props, createdAt: now, nextAttemptAt: now })
    .returning({ id: outboxMessages.id });
  if (!row) throw new Error('outbox insert returned no row');
  return row.id;
}

/**
 * Claims the most overdue unsent message that nobody holds (or whose holder's lock ran out) for
 * `lockMs`, counting the attempt. One statement: the subquery's FOR UPDATE SKIP LOCKED makes a
 * concurrent claimer on another connection pass over the row instead of waiting for it, and its
 * re-check of the WHERE clause after a lock keeps a row claimed a moment ago from being claimed
 * again, so two instances never get the same message.
 */
export async function claimNextMail(executor: Executor, now: Date, lockMs: number): Promise<OutboxRow | undefined> {
  const next = executor
    .select({ id: outboxMessages.id })
    .from(outboxMessages)
    .where(
      and(
        isNull(outboxMessages.sentAt),
        lte(outboxMessages.nextAttemptAt, now),
        or(isNull(outboxMessages.lockedUntil), lte(outboxMessages.lockedUntil, now)),
      ),
    )
    .orderBy(outboxMessages.nextAttemptAt)
    .limit(1)
    .for('update', { skipLocked: true });
  const [row] = await executor
    .update(outboxMessages)
    .set({ lockedUntil: new Date(now.getTime() + lockMs), attempts: sql`${outboxMessages.attempts} + 1` })
    .where(eq(outboxMessages.id, next))
    .returning();
  return row;
}

/** Marks a message delivered and forgets its props: they hold links with live tokens. */
export async function markMailSent(executor: Executor, id: string, now: Date): Promise<void> {
  await executor
    .update(outboxMessages)
    .set({ sentAt: now, props: null, lockedUntil: null, lastError: null })
    .where(eq(outboxMessages.id, id));
}

/** Releases a message after a failed attempt and schedules the next one. */
export async function markMailFailed(executor: Executor, id: string, error: string, nextAttemptAt: Date): Promise<void> {
  await executor
    .update(outboxMessages)
    .set({ lastError: error.slice(0, 2000), nextAttemptAt, lockedUntil: null })
    .where(eq(outboxMessages.id, id));
}
