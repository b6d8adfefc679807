import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { eq, inArray } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpCapture } from '../../test/helpers/smtp.js';
import { createTestDatabase } from '../../test/helpers/db.js';
import { type Database, type Db, openPostgres } from '../db/client.js';
import { outboxMessages } from '../db/schema.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { createMailer, type Mailer, messageIdFor } from './mailer.js';
import { claimNextMail, enqueueMail } from './outbox.repository.js';
import { OutboxWorker } from './outbox.worker.js';
import type { MailTemplate } from './templates/index.js';

const from = 'Kith <no-reply@kith.test>';
const unusedDir = path.join(tmpdir(), 'kith-unused-mail-dir');

let database: Database;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await db.delete(outboxMessages);
});

describe('outbox repository', () => {
  it('hands each due message to exactly one of many concurrent claimers', async () => {
    const now = new Date();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push(await enqueueMail(db, `user${i}@example.com`, verifyMail('U', 'https://kith.example/verify-email?token=t'), now));
    }

    // On PostgreSQL each claimer runs on its own pooled connection, so these really race.
    const claimed = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const mine: string[] = [];
        for (let row = await claimNextMail(db, now, 60_000); row; row = await claimNextMail(db, now, 60_000)) {
          mine.push(row.id);
        }
        return mine;
      }),
    );

    expect(claimed.flat().sort()).toEqual([...ids].sort());
    for (const row of await rowsOf(ids)) expect(row.attempts).toBe(1);
  });

  it('lets another worker take over a message once its lock has expired', async () => {
    const clock = new TestClock('2026-11-25T12:00:00.000Z');
    const id = await enqueueMail(db, 'olena@example.com', verifyMail('Olena', 'https://kith.example/verify-email?token=t'), clock.now());
    const future = await enqueueMail(db, 'later@example.com', verifyMail('Later', 'https://kith.example/verify-email?token=t'), new Date('2026-11-25T13:00:00.000Z'));

    expect((await claimNextMail(db, clock.now(), 60_000))?.id).toBe(id);
    clock.set(new Date('2026-11-25T12:00:59.999Z'));
    expect(await claimNextMail(db, clock.now(), 60_000)).toBeUndefined();

    clock.set(new Date('2026-11-25T12:01:00.000Z'));
    const retaken = await claimNextMail(db, clock.now(), 60_000);
    expect(retaken).toMatchObject({ id, attempts: 2, lockedUntil: new Date('2026-11-25T12:02:00.000Z') });
    expect(await claimNextMail(db, clock.now(), 60_000)).toBeUndefined();
    expect((await findRow(future)).attempts).toBe(0);
  });
});

describe('OutboxWorker with a real SMTP server', () => {
  it('delivers an enqueued message once, with its content, and then forgets its props', async () => {
    const smtp = await startSmtpCapture();
    const { logger } = captureLogs();
    const mailer = createMailer({ smtpUrl: smtp.url, from, dir: unusedDir }, logger);
    const clock = new TestClock('2026-11-25T18:40:00.000Z');
    const worker = new OutboxWorker({ db, mailer, clock, logger });
    try {
      const link = 'https://kith.example/verify-email?token=tok_123';
      const id = await enqueueMail(db, 'olena@example.com', verifyMail('Olena', link), clock.now());

      await worker.drain();
      await worker.drain();

      expect(smtp.messages).toHaveLength(1);
      const mail = smtp.messages[0]!;
      expect(mail.to).toBe('olena@example.com');
      expect(mail.headers.from).toContain('no-reply@kith.test');
      expect(mail.subject).toBe('Confirm your email address for Kith');
      expect(mail.messageId).toBe(messageIdFor(id));
      expect(smtp.linkFrom(mail, '/verify-email')).toBe(link);
      expect(smtp.tokenFrom(mail, '/verify-email')).toBe('tok_123');
      expect(mail.html).toContain(`href="${link}"`);
      expect(mail.text).toContain('Hi Olena,');

      const row = await findRow(id);
      expect(row).toMatchObject({ props: null, attempts: 1, lockedUntil: null, lastError: null });
      expect(row.sentAt).toEqual(clock.now());
    } finally {
      await worker.stop();
      await mailer.close();
      await smtp.close();
    }
  });

  it('sends nothing for mail queued in a transaction that rolled back', async () => {
    const smtp = await startSmtpCapture();
    const { logger } = captureLogs();
    const mailer = createMailer({ smtpUrl: smtp.url, from, dir: unusedDir }, logger);
    const worker = new OutboxWorker({ db, mailer, clock: systemClock, logger });
    try {
      await expect(
        db.transaction(async (tx) => {
          await enqueueMail(tx, 'ghost@example.com', verifyMail('Ghost', 'https://kith.example/verify-email?token=t'), new Date());
          throw new Error('registration failed after queuing the mail');
        }),
      ).rejects.toThrow('registration failed');

      await worker.drain();

      expect(smtp.messages).toHaveLength(0);
      expect(await db.select().from(outboxMessages)).toHaveLength(0);
    } finally {
      await worker.stop();
      await mailer.close();
      await smtp.close();
    }
  });

  it('keeps messages pending while the server is down and delivers each exactly once when it is back', async () => {
    const port = await freePort();
    const { logger, lines } = captureLogs();
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from, dir: unusedDir }, logger);
    const worker = new OutboxWorker({
      db,
      mailer,
      clock: systemClock,
      logger,
      pollIntervalMs: 10,
      retryBaseMs: 20,
      retryMaxMs: 200,
    });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      ids.push(await enqueueMail(db, `user${i}@example.com`, verifyMail(`User ${i}`, `https://kith.example/verify-email?token=t${i}`), new Date()));
    }
    let smtp: Awaited<ReturnType<typeof startSmtpCapture>> | undefined;
    try {
      const startedAt = Date.now();
      worker.start();
      await waitUntil(async () => (await rowsOf(ids)).every((row) => row.attempts >= 3), 10_000);
      const elapsedMs = Date.now() - startedAt;

      const pending = await rowsOf(ids);
      for (const row of pending) {
        expect(row.sentAt).toBeNull();
        expect(row.props).not.toBeNull();
        expect(row.lastError).toMatch(/ECONNREFUSED|connect/i);
      }
      // With 20 ms doubling up to 200 ms, a message can't have been tried more than about once per
      // 100 ms after its first few attempts; polling every 10 ms without backoff would exceed this.
      const maxAttempts = Math.max(...pending.map((row) => row.attempts));
      expect(maxAttempts).toBeLessThanOrEqual(6 + Math.ceil(elapsedMs / 100));
      const warnings = lines.filter((line) => line.level === 40);
      expect(warnings.length).toBeGreaterThanOrEqual(40);
      expect(warnings.every((line) => typeof line.mailId === 'string')).toBe(true);
      expect(JSON.stringify(lines)).not.toContain('token=');

      smtp = await startSmtpCapture({ port });
      const capture = smtp;
      await waitUntil(() => capture.messages.length >= 20, 10_000);
      await waitUntil(async () => (await rowsOf(ids)).every((row) => row.sentAt !== null), 10_000);
      await sleep(300); // time enough for a duplicate to show up, if one were coming

      expect(capture.messages).toHaveLength(20);
      expect(capture.messages.map((mail) => mail.messageId).sort()).toEqual(ids.map(messageIdFor).sort());
      for (const row of await rowsOf(ids)) expect(row.props).toBeNull();
    } finally {
      await worker.stop();
      await mailer.close();
      await smtp?.close();
    }
  });

  it('lets two workers on one database deliver each of 30 messages exactly once', async () => {
    const smtp = await startSmtpCapture();
    const { logger } = captureLogs();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push(await enqueueMail(db, `user${i}@example.com`, verifyMail(`User ${i}`, `https://kith.example/verify-email?token=t${i}`), new Date()));
    }
    // Two app instances: each its own mailer and worker, sharing only the database.
    const instances = [0, 1].map(() => {
      const mailer = countingMailer(createMailer({ smtpUrl: smtp.url, from, dir: unusedDir }, logger));
      const worker = new OutboxWorker({ db, mailer, clock: systemClock, logger, pollIntervalMs: 5 });
      return { mailer, worker };
    });
    try {
      for (const { worker } of instances) worker.start();
      await waitUntil(() => smtp.messages.length >= 30, 10_000);
      await waitUntil(async () => (await rowsOf(ids)).every((row) => row.sentAt !== null), 10_000);
      await sleep(200);

      expect(smtp.messages).toHaveLength(30);
      expect(new Set(smtp.messages.map((mail) => mail.messageId))).toEqual(new Set(ids.map(messageIdFor)));
      for (const row of await rowsOf(ids)) expect(row.attempts).toBe(1);
      // Both took part, or the test would prove nothing about two of them.
      for (const { mailer } of instances) expect(mailer.sent).toBeGreaterThan(0);
    } finally {
      for (const { worker, mailer } of instances) {
        await worker.stop();
        await mailer.close();
      }
      await smtp.close();
    }
  });
});

describe('OutboxWorker retry schedule', () => {
  it('backs off exponentially with jitter up to the cap, and alarms after 10 attempts', async () => {
    const port = await freePort();
    const { logger, lines } = captureLogs();
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from, dir: unusedDir }, logger);
    const clock = new TestClock('2026-11-25T12:00:00.000Z');
    const worker = new OutboxWorker({ db, mailer, clock, logger, retryBaseMs: 1000, retryMaxMs: 4000 });
    try {
      const id = await enqueueMail(db, 'olena@example.com', resetMail('https://kith.example/reset-password?token=secret'), clock.now());
      const delays: number[] = [];
      for (let attempt = 1; attempt <= 11; attempt++) {
        await worker.drain();
        const row = await findRow(id);
        expect(row.attempts).toBe(attempt);
        delays.push(row.nextAttemptAt.getTime() - clock.now().getTime());

        // Not due yet: another pass at the same moment leaves it alone.
        await worker.drain();
        expect((await findRow(id)).attempts).toBe(attempt);
        clock.set(row.nextAttemptAt);
      }

      const bounds = [1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000, 4000, 4000, 4000];
      delays.forEach((delay, i) => {
        expect(delay).toBeGreaterThanOrEqual(bounds[i]! / 2);
        expect(delay).toBeLessThanOrEqual(bounds[i]!);
      });
      const failures = lines.filter((line) => line.mailId === id);
      expect(failures.map((line) => line.level)).toEqual([...Array(9).fill(40), 50, 50]);
      expect(JSON.stringify(lines)).not.toContain('secret');
      expect((await findRow(id)).sentAt).toBeNull();
    } finally {
      await worker.stop();
      await mailer.close();
    }
  });
});

describe('OutboxWorker lifecycle', () => {
  it('runs one delivery at a time however often it is kicked, and stop() waits for it', async () => {
    const smtp = await startSmtpCapture();
    const { logger } = captureLogs();
    const real = createMailer({ smtpUrl: smtp.url, from, dir: unusedDir }, logger);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let sendStarted!: () => void;
    const started = new Promise<void>((resolve) => (sendStarted = resolve));
    let inFlight = 0;
    let maxInFlight = 0;
    const slow: Mailer = {
      async send(message) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        sendStarted();
        try {
          await gate;
          await real.send(message);
        } finally {
          inFlight--;
        }
      },
      close: () => real.close(),
    };
    const worker = new OutboxWorker({ db, mailer: slow, clock: systemClock, logger, pollIntervalMs: 5 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push(await enqueueMail(db, `u${i}@example.com`, verifyMail('U', 'https://kith.example/verify-email?token=t'), new Date()));
      }
      worker.start();
      worker.kick();
      worker.kick();
      const drained = worker.drain();
      await started;
      await sleep(50);
      expect(maxInFlight).toBe(1);

      let stopped = false;
      const stopping = worker.stop().then(() => (stopped = true));
      await sleep(50);
      expect(stopped).toBe(false);
      release();
      await stopping;
      await drained;

      expect(inFlight).toBe(0);
      expect(maxInFlight).toBe(1);
      expect(smtp.messages).toHaveLength(1);
      const rows = await rowsOf(ids);
      expect(rows.filter((row) => row.sentAt !== null)).toHaveLength(1);
      // The others were never claimed, so another instance can take them straight away.
      expect(rows.filter((row) => row.sentAt === null).every((row) => row.attempts === 0 && row.lockedUntil === null)).toBe(true);

      worker.kick();
      await worker.drain();
      await sleep(50);
      expect(smtp.messages).toHaveLength(1);
    } finally {
      release();
      await worker.stop();
      await slow.close();
      await smtp.close();
    }
  });

  it('logs and carries on when the database is gone, without an unhandled rejection', async () => {
    // A PostgreSQL server that isn't there: every query fails to connect.
    const broken = openPostgres(`postgres://postgres@127.0.0.1:${await freePort()}/kith`, 1);
    const { logger, lines } = captureLogs();
    const mailer = createMailer({ smtpUrl: 'smtp://127.0.0.1:9', from, dir: unusedDir }, logger);
    const worker = new OutboxWorker({ db: broken.db, mailer, clock: systemClock, logger, pollIntervalMs: 5 });
    try {
      worker.start();
      await worker.drain();
      await sleep(30);
      expect(lines.filter((line) => line.level === 40 && line.msg?.toString().includes('could not claim')).length).toBeGreaterThan(1);
    } finally {
      await worker.stop();
      await mailer.close();
      await broken.close();
    }
  });
});

describe('file mailer', () => {
  it('writes each message as an .eml file and logs its links', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'kith-mail-'));
    const dir = path.join(root, 'not-yet-there');
    const { logger, lines } = captureLogs();
    const mailer = createMailer({ smtpUrl: undefined, from, dir }, logger);
    const worker = new OutboxWorker({ db, mailer, clock: systemClock, logger });
    try {
      const link = 'http://localhost:3000/verify-email?token=dev_tok';
      const first = await enqueueMail(db, 'dev@example.com', verifyMail('Dev', link), new Date());
      const second = await enqueueMail(db, 'dev@example.com', resetMail('http://localhost:3000/reset-password?token=r'), new Date());

      await worker.drain();

      const files = (await readdir(dir)).sort();
      expect(files).toHaveLength(2);
      for (const file of files) expect(file).toMatch(/^[0-9T-]+\.[0-9]{3}Z-[0-9a-f-]{36}\.eml$/);
      const firstFile = files.find((file) => file.endsWith(`${first}.eml`));
      expect(firstFile).toBeDefined();
      expect(files.some((file) => file.endsWith(`${second}.eml`))).toBe(true);

      const parsed = await simpleParser(await readFile(path.join(dir, firstFile!)));
      expect(parsed.messageId).toBe(messageIdFor(first));
      expect(parsed.subject).toBe('Confirm your email address for Kith');
      expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '').toBe('dev@example.com');
      expect(parsed.from?.text).toContain('no-reply@kith.test');
      expect(parsed.text).toContain(link);
      expect(parsed.html).toContain(`href="${link}"`);

      const logged = lines.find((line) => line.mailId === first);
      expect(logged).toMatchObject({ level: 30, to: 'dev@example.com', subject: 'Confirm your email address for Kith', links: [link] });
      expect((await findRow(first)).sentAt).not.toBeNull();
    } finally {
      await worker.stop();
      await mailer.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});

class TestClock implements Clock {
  #now: Date;
  constructor(iso: string) {
    this.#now = new Date(iso);
  }
  now(): Date {
    return new Date(this.#now);
  }
  set(date: Date): void {
    this.#now = new Date(date);
  }
}

function verifyMail(name: string, link: string): MailTemplate {
  return { template: 'verify-email', props: { name, link } };
}

function resetMail(link: string): MailTemplate {
  return { template: 'reset-password', props: { name: 'Olena', link, expiresInMinutes: 60 } };
}

function captureLogs() {
  const lines: Array<Record<string, unknown> & { level?: number; msg?: string; mailId?: string }> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

function countingMailer(mailer: Mailer): Mailer & { sent: number } {
  const counting = {
    sent: 0,
    async send(message: Parameters<Mailer['send']>[0]) {
      await mailer.send(message);
      counting.sent++;
    },
    close: () => mailer.close(),
  };
  return counting;
}

/** A port on 127.0.0.1 where nothing listens: a capture server's, after it has closed. */
async function freePort(): Promise<number> {
  const smtp = await startSmtpCapture();
  await smtp.close();
  return smtp.port;
}

async function findRow(id: string) {
  const [row] = await db.select().from(outboxMessages).where(eq(outboxMessages.id, id));
  if (!row) throw new Error(`no outbox row ${id}`);
  return row;
}

function rowsOf(ids: string[]) {
  return db.select().from(outboxMessages).where(inArray(outboxMessages.id, ids));
}

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}
