import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { Config, Env } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { testConfig } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.js';

export interface RunningKith {
  /** `http://127.0.0.1:<port>`: where the browser goes, and the APP_URL in every emailed link. */
  url: string;
  app: FastifyInstance;
  config: Readonly<Config>;
  database: Database;
  /** The SMTP server Kith sends to; undefined with `mail: 'files'` (the development mailbox). */
  smtp: SmtpCapture | undefined;
  close(): Promise<void>;
}

// APP_URL has to name the port before the app is built, so a free one is found first (the OS
// hands out a port no one holds; the moment between closing and listening again is harmless here).
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * A real Kith listening on 127.0.0.1 with a fresh database, serving the built web app from
 * web/dist, and sending mail over SMTP to a capturing server (or, with `mail: 'files'`, writing
 * .eml files for the development mailbox).
 */
export async function startKith(
  options: {
    env?: Env;
    mail?: 'smtp' | 'files';
    /** Adds hooks before the server starts, e.g. to slow a route down. */
    configure?: (app: FastifyInstance) => void;
  } = {},
): Promise<RunningKith> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = await createTestDatabase();
  const smtp = options.mail === 'files' ? undefined : await startSmtpCapture();
  const config = testConfig({ APP_URL: url, PORT: String(port), SMTP_URL: smtp?.url ?? '', ...options.env });
  const app = await buildApp(config, {
    database,
    logger: false,
    outbox: { pollIntervalMs: 50, retryBaseMs: 20, retryMaxMs: 200 },
  });
  options.configure?.(app);
  await app.listen({ port, host: '127.0.0.1' });
  return {
    url,
    app,
    config,
    database,
    smtp,
    async close() {
      await app.close();
      await smtp?.close();
      await database.close();
    },
  };
}

/** The link of that kind in the newest message to `email`, as the person would click it. */
export async function linkMailedTo(smtp: SmtpCapture, email: string, linkPath: string, after = 0): Promise<string> {
  const [message] = (
    await smtp.waitForCount(
      (m) => m.to === email.toLowerCase() && smtp.linkFrom(m, linkPath) !== undefined,
      after + 1,
      15_000,
    )
  ).slice(after);
  const link = message ? smtp.linkFrom(message, linkPath) : undefined;
  if (!link) throw new Error(`no ${linkPath} link mailed to ${email}`);
  return link;
}
