import type {
  Contact,
  ContactInput,
  ContactList,
  ContactPatch,
  SortKey,
  TrashedContact,
  TrashList,
  UpcomingBirthdays,
} from '../../../src/modules/contacts/contacts.schemas.js';
import { api } from './client.js';
import { uploadFile, type UploadOptions } from './upload.js';

export type { Contact, ContactInput, ContactList, ContactPatch, SortKey, TrashedContact, UpcomingBirthdays };
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

/** Moves the contact to the trash, from where `restoreContact` brings it back. */
export const deleteContact = (id: string) =>
  api<undefined>(`/api/contacts/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const uploadContactPhoto = (id: string, file: File, options: UploadOptions) =>
  uploadFile<Contact>(`/api/contacts/${encodeURIComponent(id)}/photo`, file, options);

export const removeContactPhoto = (id: string) =>
  api<Contact>(`/api/contacts/${encodeURIComponent(id)}/photo`, { method: 'DELETE' });

export const listTrash = () => api<TrashList>('/api/contacts/trash');

export const restoreContact = (id: string) =>
  api<Contact>(`/api/contacts/${encodeURIComponent(id)}/restore`, { method: 'POST' });

export const deleteForever = (id: string) =>
  api<undefined>(`/api/contacts/trash/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const emptyTrash = () => api<undefined>('/api/contacts/trash', { method: 'DELETE' });

export const upcomingBirthdays = (days: number) =>
  api<UpcomingBirthdays>('/api/contacts/birthdays', { query: { days } });
