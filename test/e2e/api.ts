import { expect } from 'vitest';
import type { RunningKith } from './kith.js';
import { linkMailedTo } from './kith.js';

let counter = 0;

/** Distinct sign-up data for a browser test. */
export function person(name = 'Ada Byron') {
  counter += 1;
  return {
    name,
    email: `e2e.${counter}.${process.pid}.${Date.now()}@example.com`,
    password: `violet harbour lantern ${counter}`,
  };
}

async function call<T>(
  kith: RunningKith,
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<T> {
  const response = await fetch(`${kith.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  expect(response.ok, `${init.method ?? 'GET'} ${path}: ${response.status} ${text}`).toBe(true);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Sets up an account over HTTP (register, follow the emailed link), for tests about other things. */
export async function registerVerified(kith: RunningKith, account = person()): Promise<typeof account> {
  if (!kith.smtp) throw new Error('registerVerified needs the SMTP capture');
  await call(kith, '/api/auth/register', { method: 'POST', body: account });
  const token = new URL(await linkMailedTo(kith.smtp, account.email, '/verify-email')).searchParams.get('token');
  await call(kith, '/api/auth/verify-email', { method: 'POST', body: { token } });
  return account;
}

export async function accessTokenFor(kith: RunningKith, account: { email: string; password: string }): Promise<string> {
  const pair = await call<{ accessToken: string }>(kith, '/api/auth/login', {
    method: 'POST',
    body: { email: account.email, password: account.password },
  });
  return pair.accessToken;
}

export function createContact(kith: RunningKith, token: string, contact: Record<string, unknown>) {
  return call<{ id: string }>(kith, '/api/contacts', { method: 'POST', body: contact, token });
}

/** Moves the contact to the trash. */
export function deleteContact(kith: RunningKith, token: string, id: string) {
  return call(kith, `/api/contacts/${id}`, { method: 'DELETE', token });
}

export async function uploadContactPhoto(kith: RunningKith, token: string, id: string, png: Buffer): Promise<void> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'photo.png');
  const response = await fetch(`${kith.url}/api/contacts/${id}/photo`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  expect(response.ok, `PUT photo: ${response.status} ${await response.text()}`).toBe(true);
}

export function changePassword(kith: RunningKith, token: string, currentPassword: string, newPassword: string) {
  return call(kith, '/api/users/me/password', { method: 'POST', body: { currentPassword, newPassword }, token });
}
