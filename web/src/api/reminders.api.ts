import type { ReminderSettings, ReminderSettingsInput } from '../../../src/modules/reminders/reminders.schemas.js';
import { api } from './client.js';

export const reminderSettingsKey = ['me', 'reminders'] as const;

const PATH = '/api/users/me/reminders';

export const fetchReminderSettings = () => api<ReminderSettings>(PATH);

export const saveReminderSettings = (settings: ReminderSettingsInput) =>
  api<ReminderSettings>(PATH, { method: 'PUT', body: settings });

/** The emailed link's token turns reminders off; no sign-in. */
export const unsubscribeFromReminders = (token: string) =>
  api<undefined>('/api/reminders/unsubscribe', { method: 'POST', query: { token }, body: {}, auth: false });
