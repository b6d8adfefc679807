import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from './helpers/app.js';
import { newAccount } from './helpers/accounts.js';
import { type SmtpCapture, startSmtpCapture } from './helpers/smtp.js';

describe('registration while the SMTP server is down', () => {
  let t: TestApp;
  let smtp: SmtpCapture;
  let port: number;
  beforeAll(async () => {
    // Reserve a port, then close the server: Kith's mail now goes to a port where nothing listens.
    const probe = await startSmtpCapture();
    port = probe.port;
    await probe.close();
    t = await createTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    await t.close();
    await smtp?.close();
  });

  it('accepts all 20 sign-ups, then delivers each email exactly once when SMTP is back', async () => {
    const accounts = Array.from({ length: 20 }, () => newAccount());
    const responses = await Promise.all(
      accounts.map((payload) => t.app.inject({ method: 'POST', url: '/api/auth/register', payload })),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    await new Promise((resolve) => setTimeout(resolve, 500)); // a few failed delivery rounds

    smtp = await startSmtpCapture({ port });
    await smtp.waitForCount(() => true, 20, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // time for any duplicate to show up
    const recipients = smtp.messages.map((m) => m.to).sort();
    expect(recipients).toEqual(accounts.map((a) => a.email).sort());
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(20);
  });
});
