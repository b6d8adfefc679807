import type { DuplicateGroup, Duplicates } from '../../../src/modules/imports/duplicates.schemas.js';
import type { Contact } from './contacts.api.js';
import { api } from './client.js';

export type { DuplicateGroup, Duplicates };

export const findDuplicates = () => api<Duplicates>('/api/contacts/duplicates');

/** Merges `from` into `id` (they go to the trash); with `dryRun`, only answers what the merge would make. */
export const mergeContacts = (id: string, from: readonly string[], options: { dryRun?: boolean; signal?: AbortSignal } = {}) =>
  api<Contact>(`/api/contacts/${encodeURIComponent(id)}/merge`, {
    method: 'POST',
    body: { from },
    query: options.dryRun ? { dryRun: 'true' } : undefined,
    signal: options.signal,
  });
