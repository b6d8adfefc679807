import { ApiError } from './api-error.js';
import { api } from './client.js';

/** The secret subscription address of the birthday calendar, `{APP_URL}/cal/<token>.ics`. */
export interface BirthdayCalendar {
  url: string;
}

export const birthdayCalendarKey = ['me', 'birthday-calendar'] as const;

const PATH = '/api/users/me/birthday-calendar';

/** The calendar's address, or null while it is off (the API answers 404 then). */
export async function findBirthdayCalendar(): Promise<BirthdayCalendar | null> {
  try {
    return await api<BirthdayCalendar>(PATH);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** Turns the calendar on, or gives it a new address: either way any older address stops working. */
export const createBirthdayCalendar = () => api<BirthdayCalendar>(PATH, { method: 'POST' });

export const deleteBirthdayCalendar = () => api<undefined>(PATH, { method: 'DELETE' });
