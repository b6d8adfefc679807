import type { User } from '../../../src/modules/users/users.schemas.js';
import { api } from './client.js';
import { uploadFile, type UploadOptions } from './upload.js';

export const fetchMe = () => api<User>('/api/users/me');

export const updateMe = (body: { name?: string; timezone?: string; region?: string | null }) =>
  api<User>('/api/users/me', { method: 'PATCH', body });

export const changePassword = (body: { currentPassword: string; newPassword: string }) =>
  api<undefined>('/api/users/me/password', { method: 'POST', body });

export const uploadAvatar = (file: File, options: UploadOptions) =>
  uploadFile<User>('/api/users/me/avatar', file, options);

export const removeAvatar = () => api<User>('/api/users/me/avatar', { method: 'DELETE' });
