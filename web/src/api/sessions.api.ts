import type { Session, SessionList } from '../../../src/modules/auth/sessions.schemas.js';
import { api } from './client.js';

export type { Session };

export const sessionsKey = ['me', 'sessions'] as const;

export const listSessions = () => api<SessionList>('/api/users/me/sessions');

export const signOutSession = (id: string) =>
  api<undefined>(`/api/users/me/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const signOutOtherSessions = () => api<undefined>('/api/users/me/sessions/sign-out-others', { method: 'POST' });
