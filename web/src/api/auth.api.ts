import type { TokenPair } from '../../../src/modules/auth/auth.schemas.js';
import type { TwoFactorChallenge } from '../../../src/modules/two-factor/two-factor.schemas.js';
import type { User } from '../../../src/modules/users/users.schemas.js';
import { api } from './client.js';
import { endSession, startSession } from './session.js';

export type { TwoFactorChallenge, User };

export const register = (body: { email: string; password: string; name: string }) =>
  api<User>('/api/auth/register', { method: 'POST', body, auth: false });

export const verifyEmail = (token: string) =>
  api<User>('/api/auth/verify-email', { method: 'POST', body: { token }, auth: false });

export const resendVerification = (email: string) =>
  api<{ message: string }>('/api/auth/resend-verification', { method: 'POST', body: { email }, auth: false });

export const forgotPassword = (email: string) =>
  api<{ message: string }>('/api/auth/forgot-password', { method: 'POST', body: { email }, auth: false });

export const resetPassword = (body: { token: string; password: string }) =>
  api<undefined>('/api/auth/reset-password', { method: 'POST', body, auth: false });

/**
 * Signs in; the refresh token arrives as an httpOnly cookie and the access token stays in memory.
 * With two-step sign-in on, the password alone starts no session: the answer is the challenge that
 * `signInWithCode` completes.
 */
export async function signIn(body: { email: string; password: string }): Promise<TwoFactorChallenge | undefined> {
  const answer = await api<TokenPair | TwoFactorChallenge>('/api/auth/login', { method: 'POST', body, auth: false });
  if ('twoFactorRequired' in answer) return answer;
  startSession(answer);
  return undefined;
}

/** The second step: the challenge's token and a code from the app (or a recovery code). */
export async function signInWithCode(body: { twoFactorToken: string; code: string }): Promise<void> {
  const pair = await api<TokenPair>('/api/auth/login/two-factor', { method: 'POST', body, auth: false });
  startSession(pair);
}

/**
 * Ends this sign-in on the server (the cookie identifies it) and forgets the access token. Only the
 * server can clear the httpOnly cookie, so if it can't be reached the person stays signed in and is
 * told, rather than appearing signed out until the next reload signs them back in.
 */
export async function signOut(): Promise<void> {
  await api<undefined>('/api/auth/logout', { method: 'POST', body: {}, auth: false });
  endSession('signed-out');
}
