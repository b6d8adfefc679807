/** Shared by the birthday reminder tests: a clock set by hand, a ticker fired by hand, short calls. */
import { setTimeout as sleep } from 'node:timers/promises';
import { isNull } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { outboxMessages } from '../../src/db/schema.js';
import type { Clock } from '../../src/lib/clock.js';
import type { ReminderTicker } from '../../src/modules/reminders/reminders.scheduler.js';
import { bearer, login, registerVerified } from './accounts.js';
import { type TestApp, createTestApp } from './app.js';
import type { CapturedMail, SmtpCapture } from './smtp.js';

/** A clock that stands still until the test sets it. */
export class FixedClock implements Clock {
  #now: number;

  constructor(iso: string) {
    this.#now = Date.parse(iso);
  }

  now(): Date {
    return new Date(this.#now);
  }

  set(iso: string): void {
    this.#now = Date.parse(iso);
  }
}

/** Fires the reminder scheduler of every instance it was given to, all at once, when told. */
export class ManualTicker implements ReminderTicker {
  readonly #runs = new Set<() => Promise<void>>();

  start(run: () => Promise<void>): () => void {
    this.#runs.add(run);
    return () => this.#runs.delete(run);
  }

  /** One pass on every running instance, concurrently; resolves when all are done. */
  async tick(): Promise<void> {
    await Promise.all([...this.#runs].map((run) => run()));
  }

  get instances(): number {
    return this.#runs.size;
  }
}

// The clock jumps days and months; sessions must outlive that.
export const longSessions = { ACCESS_TOKEN_TTL_SECONDS: String(2 * 365 * 24 * 3600), REFRESH_TOKEN_TTL_DAYS: '1000' };

/** A Kith instance whose reminders run only when `ticker` fires, on `clock`. */
export function reminderApp(
  clock: FixedClock,
  ticker: ManualTicker,
  options: { database?: Database; smtp?: SmtpCapture } = {},
): Promise<TestApp> {
  return createTestApp({ ...options, env: longSessions, deps: { clock, reminders: { ticker } } });
}

export interface ReminderUser {
  id: string;
  email: string;
  password: string;
  token: string;
  put(body: unknown, app?: FastifyInstance): Promise<LightMyRequestResponse>;
  get(app?: FastifyInstance): Promise<LightMyRequestResponse>;
  /** PUT that must succeed. */
  enable(settings: { daysBefore: number[]; hour: number }): Promise<void>;
  addContact(firstName: string, birthday: string, lastName?: string): Promise<string>;
}

/** A new signed-in user living in `timezone`. */
export async function reminderUser(t: TestApp, timezone: string): Promise<ReminderUser> {
  const account = await registerVerified(t.app, t.smtp);
  const { accessToken } = await login(t.app, account.email, account.password);
  const headers = bearer(accessToken);
  const zone = await t.app.inject({ method: 'PATCH', url: '/api/users/me', headers, payload: { timezone } });
  expect(zone.statusCode, zone.body).toBe(200);
  const user: ReminderUser = {
    id: account.id,
    email: account.email.toLowerCase(),
    password: account.password,
    token: accessToken,
    put: (body, app = t.app) => app.inject({ method: 'PUT', url: '/api/users/me/reminders', headers, payload: body as object }),
    get: (app = t.app) => app.inject({ method: 'GET', url: '/api/users/me/reminders', headers }),
    async enable(settings) {
      const response = await user.put({ enabled: true, ...settings });
      expect(response.statusCode, response.body).toBe(200);
    },
    async addContact(firstName, birthday, lastName) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/contacts',
        headers,
        payload: { firstName, birthday, ...(lastName ? { lastName } : {}) },
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ id: string }>().id;
    },
  };
  return user;
}

/** Waits until the outbox has delivered everything queued (so what SMTP got is all there will be). */
export async function outboxSettled(database: Database, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await database.db.select({ id: outboxMessages.id }).from(outboxMessages).where(isNull(outboxMessages.sentAt));
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending.length} mail(s) still in the outbox after ${timeoutMs} ms`);
    await sleep(25);
  }
}

export const isReminder = (message: CapturedMail) => /birthday/i.test(message.subject);

/** The reminder emails `email` has received so far. */
export const remindersTo = (smtp: SmtpCapture, email: string): CapturedMail[] =>
  smtp.messages.filter((message) => message.to === email && isReminder(message));
