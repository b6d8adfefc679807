import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from './helpers/app.js';
import { bearer, login, registerVerified } from './helpers/accounts.js';

let t: TestApp;
let accessToken: string;
beforeAll(async () => {
  t = await createTestApp({ env: { CORS_ORIGINS: 'https://app.example.com' } });
  const account = await registerVerified(t.app, t.smtp);
  ({ accessToken } = await login(t.app, account.email, account.password));
});
afterAll(() => t.close());

describe('service routes', () => {
  it('reports health and readiness', async () => {
    expect((await t.app.inject('/api/health')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/api/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok', checks: { database: 'ok' } });
  });

  it('publishes an OpenAPI document with bearer auth and the contract routes, and the reference UI', async () => {
    const doc = (await t.app.inject('/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, method] of [
      ['/api/auth/register', 'post'],
      ['/api/auth/verify-email', 'post'],
      ['/api/auth/resend-verification', 'post'],
      ['/api/auth/login', 'post'],
      ['/api/auth/refresh', 'post'],
      ['/api/auth/logout', 'post'],
      ['/api/auth/forgot-password', 'post'],
      ['/api/auth/reset-password', 'post'],
      ['/api/users/me', 'get'],
      ['/api/users/me', 'patch'],
      ['/api/users/me/password', 'post'],
      ['/api/health', 'get'],
      ['/api/ready', 'get'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    expect(doc.paths['/api/users/me'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.schemas.User.properties).toHaveProperty('avatarUrl');
    expect(doc.components.schemas.User.properties).not.toHaveProperty('passwordHash');
    let docs = await t.app.inject('/docs');
    for (let hops = 0; docs.statusCode === 302 && hops < 3; hops++) {
      docs = await t.app.inject(new URL(docs.headers.location!, 'http://kith.test/docs/').pathname);
    }
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger-ui');
  });
});

describe('errors are problem+json with stable codes', () => {
  it('404 for unknown routes and 405 for a known path with another method', async () => {
    const missing = await t.app.inject('/api/nothing-here');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.json()).toMatchObject({ status: 404, code: 'NOT_FOUND', title: 'Not found' });

    const wrongMethod = await t.app.inject({ method: 'DELETE', url: '/api/auth/login' });
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
    expect(wrongMethod.json().code).toBe('METHOD_NOT_ALLOWED');
  });

  it('400 for invalid JSON, 415 for another content type, 413 for a huge body', async () => {
    const badJson = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "a@b.c", "password": ',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toMatchObject({ status: 400, code: 'BAD_REQUEST' });

    const xml = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/xml' },
      payload: '<login/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const huge = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'a@example.com', password: 'x'.repeat(2 * 1024 * 1024), name: 'A' },
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  // One bad-input table for every route: wrong types, missing fields, huge strings, wrong shapes.
  const huge = 'x'.repeat(100_000);
  const badInputs: Array<[string, string, unknown[]]> = [
    ['POST', '/api/auth/register', [{}, { email: 1, password: 2, name: 3 }, { email: huge, password: huge, name: huge }, { email: 'not-an-email', password: 'long enough pw', name: 'A' }, 'text', null, [1]]],
    ['POST', '/api/auth/verify-email', [{}, { token: 5 }, { token: '' }, { token: huge }, [], null]],
    ['POST', '/api/auth/resend-verification', [{}, { email: ['a@b.co'] }, { email: huge }, { email: 'nope' }]],
    ['POST', '/api/auth/login', [{}, { email: 'a@b.co' }, { email: 'a@b.co', password: 5 }, { email: huge, password: huge }, { email: 'a@b.co', password: '' }]],
    ['POST', '/api/auth/refresh', [{ refreshToken: 5 }, { refreshToken: huge }, { other: 1 }, [1]]],
    ['POST', '/api/auth/logout', [{ refreshToken: 5 }, { refreshToken: huge }, 'x']],
    ['POST', '/api/auth/forgot-password', [{}, { email: null }, { email: huge }, { email: 'nope' }]],
    ['POST', '/api/auth/reset-password', [{}, { token: 'abc' }, { token: 'abc', password: 'short' }, { token: 5, password: 5 }, { token: huge, password: huge }]],
    ['PATCH', '/api/users/me', [{ name: null }, { timezone: 5 }, { region: huge }, { name: huge }, 'text']],
    ['POST', '/api/users/me/password', [{}, { currentPassword: 'x' }, { currentPassword: 5, newPassword: 5 }, { currentPassword: huge, newPassword: huge }]],
  ];
  for (const [method, url, bodies] of badInputs) {
    it(`${method} ${url} answers every bad input with a clear 4xx`, async () => {
      for (const body of bodies) {
        const response = await t.app.inject({
          method: method as 'POST' | 'PATCH',
          url,
          headers: { ...bearer(accessToken), 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        expect(response.statusCode, `${JSON.stringify(body).slice(0, 80)} -> ${response.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(response.statusCode).toBeLessThan(500);
        const problem = response.json();
        expect(problem.code).toMatch(/^[A-Z_]+$/);
        expect(problem.detail).toEqual(expect.any(String));
        expect(response.body).not.toMatch(/at .*\.(ts|js):\d+|select |insert /i);
      }
    });
  }
});

describe('HTTP hygiene', () => {
  it('sends security headers and a request id', async () => {
    const response = await t.app.inject('/api/health');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    // Served over plain http (APP_URL http://kith.test), so the browser must not be told to upgrade.
    expect(response.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(response.headers['strict-transport-security']).toBeDefined();
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('allows cross-origin calls only from the configured origins', async () => {
    const allowed = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/auth/login',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const denied = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/auth/login',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });
});
