import type {
  AppPassword,
  AppPasswordList,
  CreateAppPasswordBody,
  CreatedAppPassword,
} from '../../../src/modules/app-passwords/app-passwords.schemas.js';
import { api } from './client.js';

export type { AppPassword, CreatedAppPassword };

export const appPasswordsKey = ['me', 'app-passwords'] as const;

export const listAppPasswords = () => api<AppPasswordList>('/api/users/me/app-passwords');

export const createAppPassword = (body: CreateAppPasswordBody) =>
  api<CreatedAppPassword>('/api/users/me/app-passwords', { method: 'POST', body });

export const revokeAppPassword = (id: string) =>
  api<undefined>(`/api/users/me/app-passwords/${encodeURIComponent(id)}`, { method: 'DELETE' });
