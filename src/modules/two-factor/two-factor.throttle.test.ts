import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { bearer, login, registerVerified } from '../../../test/helpers/accounts.js';
import { FixedClock, totpAt, turnOnTwoFactor } from '../../../test/helpers/two-factor.js';

const clock = new FixedClock(new Date('2026-03-02T10:00:15.000Z'));
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ deps: { clock }, env: { LOGIN_MAX_PER_ACCOUNT: '6', LOGIN_MAX_PER_CLIENT: '40' } });
});
afterAll(() => t?.close());

describe('throttling two-step sign-in', () => {
  it('counts second steps per account, across tokens and client addresses', async () => {
    const account = await registerVerified(t.app, t.smtp);
    const { accessToken } = await login(t.app, account.email, account.password);
    const { secret } = await turnOnTwoFactor(t.app, accessToken, account.password, clock.now());
    clock.advance(30_000);
    const challenge = async (ip: string) => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: account.email, password: account.password },
        remoteAddress: ip,
      });
      return response.json<{ twoFactorToken: string }>().twoFactorToken;
    };
    const tokens = [await challenge('10.5.0.1'), await challenge('10.5.0.2')];
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login/two-factor',
        payload: { twoFactorToken: tokens[i % 2], code: String(200000 + i) },
        remoteAddress: `10.5.1.${i}`,
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) {
        expect(response.json()).toMatchObject({ code: 'RATE_LIMITED' });
        expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    // The right code is throttled too: the limit is on trying.
    const right = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login/two-factor',
      payload: { twoFactorToken: await challenge('10.5.0.3'), code: totpAt(secret, clock.now()) },
      remoteAddress: '10.5.2.1',
    });
    expect(right.statusCode).toBe(429);
  });

  it('counts setup, enable and disable per account', async () => {
    const account = await registerVerified(t.app, t.smtp);
    const { accessToken } = await login(t.app, account.email, account.password);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/users/me/two-factor/setup',
        headers: bearer(accessToken),
        payload: { password: 'wrong password' },
        remoteAddress: `10.6.0.${i}`,
      });
      statuses.push(response.statusCode);
    }
    expect(statuses).toEqual([403, 403, 403, 403, 403, 403, 429]);
  });
});
