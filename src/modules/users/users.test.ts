import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { bearer, login, registerVerified } from '../../../test/helpers/accounts.js';

let t: TestApp;
let accessToken: string;
beforeAll(async () => {
  t = await createTestApp();
  const account = await registerVerified(t.app, t.smtp);
  ({ accessToken } = await login(t.app, account.email, account.password));
});
afterAll(() => t.close());

const patchMe = (payload: unknown) =>
  t.app.inject({ method: 'PATCH', url: '/api/users/me', headers: bearer(accessToken), payload: payload as object });

describe('PATCH /api/users/me', () => {
  it('changes name, time zone and region, and GET shows the change', async () => {
    const response = await patchMe({ name: '  Grace Hopper ', timezone: 'Europe/Kyiv', region: 'ua' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ name: 'Grace Hopper', timezone: 'Europe/Kyiv', region: 'UA' });
    const me = await t.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(accessToken) });
    expect(me.json()).toMatchObject({ name: 'Grace Hopper', timezone: 'Europe/Kyiv', region: 'UA' });
    expect(me.json().avatarUrl).toContain('/api/avatars/initials/GH.svg');
  });

  it('clears the region with null and leaves absent fields alone', async () => {
    const response = await patchMe({ region: null });
    expect(response.json()).toMatchObject({ name: 'Grace Hopper', timezone: 'Europe/Kyiv', region: null });
  });

  it('rejects invalid values and fields a client must not set', async () => {
    const cases: unknown[] = [
      { timezone: 'Mars/Olympus' },
      { region: 'XX' },
      { region: 'UKR' },
      { name: '' },
      { name: 'x'.repeat(101) },
      { email: 'other@example.com' },
      { emailVerified: false },
      { name: 42 },
      [],
    ];
    for (const payload of cases) {
      const response = await patchMe(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
    }
    const me = await t.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(accessToken) });
    expect(me.json()).toMatchObject({ name: 'Grace Hopper', emailVerified: true });
  });
});

describe('default avatar', () => {
  it('is served by the app as an SVG with the initials, escaped and cacheable', async () => {
    const me = await t.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(accessToken) });
    const url = new URL(me.json().avatarUrl);
    const response = await t.app.inject({ method: 'GET', url: url.pathname + url.search });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.body).toContain('>GH</text>');
    const hostile = await t.app.inject({ method: 'GET', url: '/api/avatars/initials/%3Cs.svg' });
    expect(hostile.statusCode).toBe(400);
  });
});
