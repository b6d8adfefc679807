import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type AppDeps, buildApp } from '../../src/app.js';
import { type Config, type Env, loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { TestClock } from './clock.js';
import { createTestDatabase } from './db.js';
import { type SmtpCapture, startSmtpCapture } from './smtp.js';

export const TEST_APP_URL = 'http://kith.test';

export interface TestApp {
  app: FastifyInstance;
  config: Readonly<Config>;
  database: Database;
  smtp: SmtpCapture;
  clock: TestClock;
  close(): Promise<void>;
}

export function testConfig(env: Env = {}): Readonly<Config> {
  return loadConfig({
    NODE_ENV: 'test',
    APP_URL: TEST_APP_URL,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'kith-test-')),
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
    LOG_LEVEL: 'silent',
    // Generous limits, so only the throttling tests meet them.
    LOGIN_MAX_PER_ACCOUNT: '1000',
    LOGIN_MAX_PER_CLIENT: '1000',
    EMAIL_MAX_PER_ADDRESS: '1000',
    EMAIL_MAX_PER_CLIENT: '1000',
    ...env,
  });
}

/**
 * A Kith instance on a fresh database, sending its mail over SMTP to a real in-process server.
 * Pass `database` to run several instances on one database.
 */
export async function createTestApp(
  options: { env?: Env; database?: Database; smtp?: SmtpCapture; deps?: Partial<AppDeps> } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const smtp = options.smtp ?? (await startSmtpCapture());
  const clock = new TestClock();
  const config = testConfig({ SMTP_URL: smtp.url, ...options.env });
  const app = await buildApp(config, {
    database,
    clock,
    logger: false,
    outbox: { pollIntervalMs: 50, retryBaseMs: 20, retryMaxMs: 200 },
    ...options.deps,
  });
  await app.ready();
  return {
    app,
    config,
    database,
    smtp,
    clock,
    async close() {
      await app.close();
      if (!options.smtp) await smtp.close();
      if (!options.database) await database.close();
    },
  };
}

/**
 * Another instance on `first`'s database, as a second server behind a load balancer would be. It
 * shares `first`'s SMTP capture too: either instance's mail worker may deliver a mail the other
 * queued. Close it before `first`.
 */
export function createSecondInstance(first: TestApp, options: { env?: Env; deps?: Partial<AppDeps> } = {}): Promise<TestApp> {
  return createTestApp({ ...options, database: first.database, smtp: first.smtp });
}
