import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { SmtpCapture } from './smtp.js';

let counter = 0;

/** Distinct, valid sign-up data; override any field. */
export function newAccount(overrides: Partial<{ email: string; password: string; name: string }> = {}) {
  counter += 1;
  return {
    email: `person${counter}.${process.pid}@example.com`,
    password: `correct horse battery ${counter}`,
    name: `Person ${counter}`,
    ...overrides,
  };
}

/** The token in the newest link of that kind mailed to `email`. */
export async function tokenFromMail(smtp: SmtpCapture, email: string, linkPath: string): Promise<string> {
  const message = await smtp.waitFor(
    (m) => m.to.toLowerCase() === email.toLowerCase() && smtp.linkFrom(m, linkPath) !== undefined,
    10_000,
  );
  const link = smtp.linkFrom(message, linkPath);
  const token = link ? new URL(link).searchParams.get('token') : null;
  if (!token) throw new Error(`no ${linkPath} link mailed to ${email}`);
  return token;
}

/** Registers through the API and follows the emailed verification link. */
export async function registerVerified(
  app: FastifyInstance,
  smtp: SmtpCapture,
  account = newAccount(),
): Promise<typeof account & { id: string }> {
  const registered = await app.inject({ method: 'POST', url: '/api/auth/register', payload: account });
  expect(registered.statusCode).toBe(201);
  const token = await tokenFromMail(smtp, account.email, '/verify-email');
  const verified = await app.inject({ method: 'POST', url: '/api/auth/verify-email', payload: { token } });
  expect(verified.statusCode).toBe(200);
  return { ...account, id: registered.json<{ id: string }>().id };
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export async function login(app: FastifyInstance, email: string, password: string): Promise<Tokens> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Tokens>();
}

export const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });
