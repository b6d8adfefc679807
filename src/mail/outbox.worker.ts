import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/client.js';
import type { OutboxRow } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { Mailer } from './mailer.js';
import { claimNextMail, markMailFailed, markMailSent } from './outbox.repository.js';
import { isMailTemplateName, type MailTemplate, renderMail } from './templates/index.js';

export interface OutboxWorkerOptions {
  db: Db;
  mailer: Mailer;
  clock: Clock;
  logger: FastifyBaseLogger;
  /** How often a started worker looks for due messages on its own. */
  pollIntervalMs?: number;
  /** Delay after the first failed attempt; it doubles with every further failure. */
  retryBaseMs?: number;
  /** The longest delay between two attempts. */
  retryMaxMs?: number;
  /** How long a claimed message stays reserved; after that another worker may take it over. */
  lockMs?: number;
}

// Retrying never stops (a mail server can be down for a day), but after this many failures
// somebody should look.
const ALARM_AFTER_ATTEMPTS = 10;

/**
 * Delivers the mail outbox. Several instances (one per app process) may run against one database:
 * each message is claimed by exactly one of them. Within a process there is at most one delivery
 * loop; start(), kick() and drain() all feed the same loop.
 */
export class OutboxWorker {
  readonly #db: Db;
  readonly #mailer: Mailer;
  readonly #clock: Clock;
  readonly #logger: FastifyBaseLogger;
  readonly #pollIntervalMs: number;
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  readonly #lockMs: number;

  #started = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  /** The running delivery loop, if any. It never rejects. */
  #loop: Promise<void> | undefined;
  /** Set when someone asked for a pass while the loop was busy, so it looks once more before ending. */
  #again = false;

  constructor({
    db,
    mailer,
    clock,
    logger,
    pollIntervalMs = 1000,
    retryBaseMs = 1000,
    retryMaxMs = 5 * 60_000,
    lockMs = 60_000,
  }: OutboxWorkerOptions) {
    this.#db = db;
    this.#mailer = mailer;
    this.#clock = clock;
    this.#logger = logger;
    this.#pollIntervalMs = pollIntervalMs;
    this.#retryBaseMs = retryBaseMs;
    this.#retryMaxMs = retryMaxMs;
    this.#lockMs = lockMs;
  }

  /** Starts polling. Does nothing if already started or stopped. */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.kick();
  }

  /** Delivers due messages now, e.g. right after a transaction that queued mail has committed. */
  kick(): void {
    if (this.#stopped) return;
    void this.#run();
  }

  /** Processes until nothing is due (failed messages wait for their next attempt). For tests and scripts. */
  async drain(): Promise<void> {
    if (this.#stopped) return;
    await this.#run();
  }

  /** Stops polling and waits for the message being delivered, if any. A stopped worker stays stopped. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#loop;
  }

  #run(): Promise<void> {
    if (this.#loop) {
      this.#again = true;
      return this.#loop;
    }
    const loop = (async () => {
      try {
        do {
          this.#again = false;
          await this.#deliverDue();
        } while (this.#again && !this.#stopped);
      } catch (error) {
        // #deliverDue handles its own failures; this is the last guard against an unhandled rejection.
        this.#logger.error({ err: error }, 'outbox worker loop failed');
      } finally {
        this.#loop = undefined;
        this.#scheduleNextPoll();
      }
    })();
    this.#loop = loop;
    return loop;
  }

  #scheduleNextPoll(): void {
    if (!this.#started || this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#run();
    }, this.#pollIntervalMs);
    // Waiting for the next poll is no reason to keep the process alive.
    this.#timer.unref();
  }

  async #deliverDue(): Promise<void> {
    while (!this.#stopped) {
      let row: OutboxRow | undefined;
      try {
        row = await claimNextMail(this.#db, this.#clock.now(), this.#lockMs);
      } catch (error) {
        this.#logger.warn({ err: error }, 'outbox: could not claim a message; will try again');
        return;
      }
      if (!row) return;
      await this.#deliver(row);
    }
  }

  async #deliver(row: OutboxRow): Promise<void> {
    try {
      await this.#mailer.send({ id: row.id, to: row.recipient, ...(await renderMail(toMailTemplate(row))) });
    } catch (error) {
      await this.#recordFailure(row, error);
      return;
    }
    try {
      await markMailSent(this.#db, row.id, this.#clock.now());
      this.#logger.debug({ mailId: row.id, template: row.template, attempt: row.attempts }, 'outbox: mail sent');
    } catch (error) {
      // The mail went out but the row still says pending: once the lock expires it is sent again,
      // with the same Message-ID, which lets a receiving server drop the duplicate.
      this.#logger.error({ err: error, mailId: row.id }, 'outbox: mail sent but could not be marked as sent');
    }
  }

  async #recordFailure(row: OutboxRow, error: unknown): Promise<void> {
    const nextAttemptAt = new Date(this.#clock.now().getTime() + this.#retryDelayMs(row.attempts));
    const reason = error instanceof Error ? error.message : String(error);
    // Only the id and the reason: props hold links with live tokens and stay out of the logs.
    const details = { mailId: row.id, template: row.template, attempt: row.attempts, nextAttemptAt, reason };
    if (row.attempts >= ALARM_AFTER_ATTEMPTS) {
      this.#logger.error(details, 'outbox: mail delivery keeps failing');
    } else {
      this.#logger.warn(details, 'outbox: mail delivery failed; will retry');
    }
    try {
      await markMailFailed(this.#db, row.id, reason, nextAttemptAt);
    } catch (markError) {
      // The lock runs out on its own, and the message is retried then.
      this.#logger.warn({ err: markError, mailId: row.id }, 'outbox: could not record a failed delivery');
    }
  }

  /** Exponential backoff with "equal jitter": half the delay is fixed, half random, never above the cap. */
  #retryDelayMs(attempts: number): number {
    const exponential = this.#retryBaseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30);
    const capped = Math.min(this.#retryMaxMs, exponential);
    return Math.round(capped / 2 + Math.random() * (capped / 2));
  }
}

function toMailTemplate(row: OutboxRow): MailTemplate {
  if (!isMailTemplateName(row.template) || typeof row.props !== 'object' || row.props === null) {
    throw new Error(`outbox message has an unknown template or no props (template ${row.template})`);
  }
  // Rows are only written by enqueueMail from a typed MailTemplate.
  return { template: row.template, props: row.props } as MailTemplate;
}
