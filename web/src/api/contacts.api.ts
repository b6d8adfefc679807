import type {
  Contact,
  ContactInput,
  ContactList,
  ContactPatch,
  SortKey,
  UpcomingBirthdays,
} from '../../../src/modules/contacts/contacts.schemas.js';
import { api } from './client.js';

export type { Contact, ContactList, SortKey, UpcomingBirthdays };
export type ContactSort = SortKey | `-${SortKey}`;

export interface ListParams {
  q?: string;
  sort?: ContactSort;
  limit: number;
  offset: number;
}

export const listContacts = (params: ListParams, signal?: AbortSignal) =>
  api<ContactList>('/api/contacts', { query: { ...params }, signal });

export const getContact = (id: string) => api<Contact>(`/api/contacts/${encodeURIComponent(id)}`);

export const createContact = (body: ContactInput) => api<Contact>('/api/contacts', { method: 'POST', body });

export const updateContact = (id: string, body: ContactPatch) =>
  api<Contact>(`/api/contacts/${encodeURIComponent(id)}`, { method: 'PATCH', body });

export const deleteContact = (id: string) =>
  api<undefined>(`/api/contacts/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const upcomingBirthdays = (days: number) =>
  api<UpcomingBirthdays>('/api/contacts/birthdays', { query: { days } });
