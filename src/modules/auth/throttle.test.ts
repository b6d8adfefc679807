import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { newAccount, registerVerified } from '../../../test/helpers/accounts.js';
import { createTestDatabase, usingPostgres } from '../../../test/helpers/db.js';
import type { Database } from '../../db/client.js';
import type { SmtpCapture } from '../../../test/helpers/smtp.js';
import { startSmtpCapture } from '../../../test/helpers/smtp.js';

const limits = { LOGIN_MAX_PER_ACCOUNT: '5', LOGIN_MAX_PER_CLIENT: '8', EMAIL_MAX_PER_ADDRESS: '2' };

const attempt = (t: TestApp, email: string, ip = '10.0.0.1') =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: 'wrong password here' },
    remoteAddress: ip,
  });

describe('login throttle in process memory', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: limits });
  });
  afterAll(() => t.close());

  it('limits attempts per account across client addresses, with Retry-After', async () => {
    const account = await registerVerified(t.app, t.smtp);
    for (let i = 0; i < 5; i++) {
      expect((await attempt(t, account.email, `10.1.0.${i}`)).statusCode).toBe(401);
    }
    const blocked = await attempt(t, account.email.toUpperCase(), '10.1.0.99');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // The correct password is throttled too: the limit is on trying, not on failing.
    const right = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: account.email, password: account.password },
      remoteAddress: '10.1.0.100',
    });
    expect(right.statusCode).toBe(429);
  });

  it('limits attempts per client address across accounts', async () => {
    const statuses = [];
    for (let i = 0; i < 9; i++) statuses.push((await attempt(t, `someone${i}@example.com`, '10.2.0.1')).statusCode);
    expect(statuses.slice(0, 8).every((s) => s === 401)).toBe(true);
    expect(statuses[8]).toBe(429);
    expect((await attempt(t, 'someone@example.com', '10.2.0.2')).statusCode).toBe(401);
  });

  it('limits reset and verification emails per address', async () => {
    const account = newAccount();
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/forgot-password',
        payload: { email: account.email },
        remoteAddress: `10.3.0.${i}`,
      });
      statuses.push(response.statusCode);
    }
    expect(statuses).toEqual([202, 202, 429]);
  });
});

const redisUrl = process.env.TEST_REDIS_URL;

describe.runIf(redisUrl)('login throttle shared through Redis', () => {
  let database: Database;
  let smtp: SmtpCapture;
  let instances: TestApp[];
  beforeAll(async () => {
    const redis = new Redis(redisUrl!);
    // Each run gets its own counters: a key prefix would be cleaner, but the plugin's namespace is
    // fixed by the app; flushing the test database (not 0) keeps other users of Redis safe.
    await redis.flushdb();
    redis.disconnect();
    database = await createTestDatabase();
    smtp = await startSmtpCapture();
    const env = { ...limits, REDIS_URL: redisUrl! };
    instances = [await createTestApp({ env, database, smtp }), await createTestApp({ env, database, smtp })];
  });
  afterAll(async () => {
    for (const instance of instances) await instance.close();
    await smtp.close();
    await database.close();
  });

  it(`counts attempts for one account across two instances${usingPostgres ? ' on PostgreSQL' : ''}`, async () => {
    const [a, b] = instances as [TestApp, TestApp];
    const account = await registerVerified(a.app, smtp);
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await attempt(i % 2 === 0 ? a : b, account.email, `10.4.0.${i}`)).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const ready = await b.app.inject('/api/ready');
    expect(ready.json()).toMatchObject({ checks: { database: 'ok', redis: 'ok' } });
  });
});
