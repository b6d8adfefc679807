import type { ChangeEmailInput, DeleteAccountInput } from '../../../src/modules/account/account.schemas.js';
import type { User } from '../../../src/modules/users/users.schemas.js';
import { api } from './client.js';
import { type DownloadedFile, downloadFile } from './download.js';

/** Mails a confirmation link to the new address; nothing changes until it is followed. */
export const requestEmailChange = (body: ChangeEmailInput) =>
  api<{ message: string; newEmail: string }>('/api/users/me/email', { method: 'POST', body });

/** The link's page: works signed in or out, so it sends no token. */
export const confirmEmail = (token: string) =>
  api<User>('/api/auth/confirm-email', { method: 'POST', body: { token }, auth: false });

export const downloadAccountData = (): Promise<DownloadedFile> => downloadFile('/api/users/me/export', 'kith-account.json');

export const deleteAccount = (body: DeleteAccountInput) => api<undefined>('/api/users/me', { method: 'DELETE', body });

/**
 * After the account is deleted: its sign-in is gone on the server already, so this only asks the
 * server to clear the refresh cookie (it alone can, being httpOnly) and forgets the access token.
 */
export async function forgetDeletedAccount(): Promise<void> {
  await api<undefined>('/api/auth/logout', { method: 'POST', body: {}, auth: false }).catch(() => undefined);
}
