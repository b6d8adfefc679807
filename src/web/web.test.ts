import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { createTestDatabase } from '../../test/helpers/db.js';
import { newAccount } from '../../test/helpers/accounts.js';
import { createTestApp, type TestApp } from '../../test/helpers/app.js';
import { readMailbox } from './dev-mailbox.js';

// A stand-in for `vite build` output, so these tests don't depend on a build having run.
function fakeDist(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kith-web-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><title>Kith</title><script type="module" src="/assets/app-1a2b3c.js"></script>',
  );
  writeFileSync(path.join(dir, 'assets', 'app-1a2b3c.js'), 'console.log("kith")');
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

// One database for the file: each extra app here only checks what it serves.
let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe('serving the web app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ database, deps: { webDistDir: fakeDist() } });
  });
  afterAll(() => t.close());

  it('answers the app routes with index.html, never cached without asking', async () => {
    for (const url of ['/', '/contacts', '/contacts/6f1c/edit', '/verify-email?token=abc', '/no/such/page']) {
      const response = await t.app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toContain('<title>Kith</title>');
      // The server's CSP allows only same-origin scripts, which is what the built page uses.
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });

  it('serves hashed assets for a year and other files with revalidation', async () => {
    const asset = await t.app.inject({ url: '/assets/app-1a2b3c.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    const icon = await t.app.inject({ url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('keeps the API, docs and missing assets as problem+json 404s', async () => {
    for (const url of ['/api/nope', '/api', '/api/users/me/nothing', '/docs-old', '/assets/gone-123.js']) {
      const response = await t.app.inject({ url });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect((await t.app.inject({ url: '/openapi.json' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/health' })).json()).toEqual({ status: 'ok' });
  });

  it('answers other methods on app paths as before', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/contacts' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('has no development mailbox when a mail server is configured', async () => {
    expect((await t.app.inject({ url: '/api/dev/mailbox' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/dev/mailbox' })).statusCode).toBe(404);
  });
});

describe('without a built web app', () => {
  it('still serves the API', async () => {
    const t = await createTestApp({ database, deps: { webDistDir: path.join(tmpdir(), 'kith-no-such-dist') } });
    try {
      expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200);
      const page = await t.app.inject({ url: '/contacts' });
      expect(page.statusCode).toBe(404);
      expect(page.headers['content-type']).toMatch(/^application\/problem\+json/);
    } finally {
      await t.close();
    }
  });
});

describe('development mailbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    // No SMTP_URL: the file mailer writes .eml files, which the mailbox reads back.
    t = await createTestApp({ database, env: { SMTP_URL: '' }, deps: { webDistDir: fakeDist() } });
  });
  afterAll(() => t.close());

  it('lists the messages the file mailer wrote, with their links', async () => {
    const account = newAccount({ name: 'Zoë Ünal' });
    const registered = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: account });
    expect(registered.statusCode).toBe(201);

    let items: Array<{ to: string; subject: string; links: string[]; text: string; date: string }> = [];
    for (let attempt = 0; attempt < 100 && items.length === 0; attempt += 1) {
      const response = await t.app.inject({ url: '/api/dev/mailbox' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      items = response.json<{ items: typeof items }>().items;
      if (items.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const [message] = items;
    expect(message?.to).toBe(account.email);
    expect(message?.text).toContain('Zoë');
    expect(message?.links.some((link) => link.startsWith(`${t.config.appUrl}/verify-email?token=`))).toBe(true);
    expect(Date.parse(message?.date ?? '')).not.toBeNaN();

    // The SPA page for it exists too.
    expect((await t.app.inject({ url: '/dev/mailbox' })).statusCode).toBe(200);
  });

  it('reads an empty or missing folder as no messages', async () => {
    expect(await readMailbox(path.join(tmpdir(), 'kith-no-such-mail-dir'))).toEqual([]);
  });

  it('does not exist in production, even without a mail server', async () => {
    const production = await createTestApp({
      database,
      env: { NODE_ENV: 'production', SMTP_URL: '', DATABASE_URL: 'postgres://unused@127.0.0.1/unused' },
      deps: { webDistDir: fakeDist() },
    });
    try {
      for (const url of ['/api/dev/mailbox', '/dev/mailbox', '/dev']) {
        const response = await production.app.inject({ url });
        expect(response.statusCode, url).toBe(404);
      }
      expect((await production.app.inject({ url: '/contacts' })).statusCode).toBe(200);
    } finally {
      await production.close();
    }
  });
});
