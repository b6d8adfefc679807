import type { FastifyInstance } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { expect } from 'vitest';
import type { Clock } from '../../src/lib/clock.js';
import { bearer } from './accounts.js';

/** A clock standing still at a chosen instant until the test moves it, for codes tied to a 30 s step. */
export class FixedClock implements Clock {
  constructor(private at: Date) {}

  now(): Date {
    return new Date(this.at);
  }

  set(at: Date): void {
    this.at = at;
  }

  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

/** The code an authenticator app with this secret shows at `at`, as the test computes it itself. */
export function totpAt(secretBase32: string, at: Date): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    timestamp: at.getTime(),
  });
}

/** Turns two-step sign-in on through the API; the secret and recovery codes as the user got them. */
export async function turnOnTwoFactor(
  app: FastifyInstance,
  accessToken: string,
  password: string,
  at: Date,
): Promise<{ secret: string; recoveryCodes: string[] }> {
  const setup = await app.inject({
    method: 'POST',
    url: '/api/users/me/two-factor/setup',
    headers: bearer(accessToken),
    payload: { password },
  });
  expect(setup.statusCode, setup.body).toBe(200);
  const { secret } = setup.json<{ secret: string }>();
  const enable = await app.inject({
    method: 'POST',
    url: '/api/users/me/two-factor/enable',
    headers: bearer(accessToken),
    payload: { code: totpAt(secret, at) },
  });
  expect(enable.statusCode, enable.body).toBe(200);
  return { secret, recoveryCodes: enable.json<{ recoveryCodes: string[] }>().recoveryCodes };
}
