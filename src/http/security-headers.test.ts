import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { createTestApp, type TestApp } from '../../test/helpers/app.js';
import { createTestDatabase } from '../../test/helpers/db.js';

// What every response carries (besides its CSP, checked on its own below).
const SECURITY_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

const APP_CSP =
  "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'none';" +
  "img-src 'self' data: blob: https:;object-src 'none';script-src 'self';script-src-attr 'none';" +
  "style-src 'self' 'unsafe-inline';connect-src 'self'";
const APP_CSP_HTTPS = APP_CSP.replace(';connect-src', ';upgrade-insecure-requests;connect-src');

function fakeDist(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kith-web-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Kith</title>');
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

let database: Database;
let plain: TestApp;
let secure: TestApp;
beforeAll(async () => {
  database = await createTestDatabase();
  const webDistDir = fakeDist();
  plain = await createTestApp({ database, deps: { webDistDir } });
  secure = await createTestApp({ database, env: { APP_URL: 'https://kith.example' }, deps: { webDistDir } });
});
afterAll(async () => {
  await plain.close();
  await secure.close();
  await database.close();
});

// Every kind of answer: a route, the 404 handler, errors from validation and from a guard, the web
// app's page and a static file, and a CORS preflight answered before any route.
const requests = [
  { name: 'API response', method: 'GET', url: '/api/health', status: 200 },
  { name: '404', method: 'GET', url: '/api/no-such-thing', status: 404 },
  { name: 'validation error', method: 'POST', url: '/api/auth/login', payload: {}, status: 400 },
  { name: 'unauthorized', method: 'GET', url: '/api/users/me', status: 401 },
  { name: "web app's index", method: 'GET', url: '/', status: 200 },
  { name: 'static file', method: 'GET', url: '/favicon.svg', status: 200 },
] as const;

describe('security headers', () => {
  for (const request of requests) {
    it(`are on every response: ${request.name}`, async () => {
      const response = await plain.app.inject({
        method: request.method,
        url: request.url,
        ...('payload' in request ? { payload: request.payload } : {}),
      });
      expect(response.statusCode).toBe(request.status);
      expect(response.headers).toMatchObject(SECURITY_HEADERS);
      expect(response.headers['content-security-policy']).toBe(APP_CSP);
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  }

  it('are on a CORS preflight', async () => {
    const response = await plain.app.inject({
      method: 'OPTIONS',
      url: '/api/auth/login',
      headers: { origin: 'http://kith.test', 'access-control-request-method': 'POST' },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers).toMatchObject({ ...SECURITY_HEADERS, 'content-security-policy': APP_CSP });
  });

  it('ask the browser to upgrade insecure requests only when APP_URL is https', async () => {
    const overHttp = await plain.app.inject('/');
    const overHttps = await secure.app.inject('/');
    expect(overHttp.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(overHttps.headers['content-security-policy']).toBe(APP_CSP_HTTPS);
    expect(overHttps.headers).toMatchObject(SECURITY_HEADERS);
    const notFound = await secure.app.inject('/api/no-such-thing');
    expect(notFound.headers['content-security-policy']).toBe(APP_CSP_HTTPS);
  });

  it('let a route set its own policy, keeping the rest', async () => {
    const avatar = await plain.app.inject('/api/avatars/initials/AB.svg?hue=10');
    expect(avatar.statusCode).toBe(200);
    expect(avatar.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(avatar.headers).toMatchObject(SECURITY_HEADERS);

    // The API reference page runs swagger-ui's own scripts under its own policy.
    for (const [t, upgrades] of [
      [plain, false],
      [secure, true],
    ] as const) {
      const docs = await t.app.inject('/docs');
      expect(docs.statusCode).toBe(200);
      expect(docs.headers['content-security-policy']).toMatch(/^default-src 'self'; base-uri 'self';.*frame-ancestors 'self';/);
      expect(docs.headers['content-security-policy']?.includes('upgrade-insecure-requests')).toBe(upgrades);
      expect(docs.headers).toMatchObject(SECURITY_HEADERS);
    }
  });
});
