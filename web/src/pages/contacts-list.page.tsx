import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { MAX_CONTACTS_PER_USER } from '../../../src/modules/contacts/contacts.schemas.js';
import { type ContactSort, listContacts } from '../api/contacts.api.js';
import { queryKeys } from '../api/queries.js';
import { Loading } from '../components/loading.js';
import { PageHeader } from '../components/page-header.js';
import { QueryError } from '../components/query-error.js';
import { Notice } from '../forms/form-alert.js';
import { useDebounced } from '../lib/use-debounced.js';
import { ContactRows } from './contact-rows.js';
import { type Deleted, DeletedNotice } from './deleted-notice.js';
import { ExportButtons, ExportError, useContactsExport } from './export-contacts.js';
import { Pager } from './pager.js';

export interface FlashState {
  flash?: string;
  tone?: 'success' | 'warning';
  /** A contact just moved to the trash: the list offers Undo. */
  deleted?: Deleted;
}

export const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 300;

const SORTS: Array<{ value: ContactSort | ''; label: string }> = [
  { value: 'firstName', label: 'First name, A–Z' },
  { value: '-firstName', label: 'First name, Z–A' },
  { value: 'lastName', label: 'Last name, A–Z' },
  { value: '-lastName', label: 'Last name, Z–A' },
  { value: '-createdAt', label: 'Newest first' },
  { value: 'createdAt', label: 'Oldest first' },
  { value: 'birthday', label: 'Birthday, through the year' },
];
const isSort = (value: string | null): value is ContactSort => SORTS.some((s) => s.value === value);

/** Search, sort and page live in the URL, so reload, back and a shared link all keep them. */
export function ContactsListPage() {
  const [params, setParams] = useSearchParams();
  const state = useLocation().state as FlashState | null;
  const q = params.get('q') ?? '';
  const sortParam = params.get('sort');
  const sort = isSort(sortParam) ? sortParam : undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [search, setSearch] = useState(q);
  const settled = useDebounced(search, SEARCH_DELAY_MS);
  const contactsExport = useContactsExport();

  // Typing settles into the URL (replacing, so Back isn't a keystroke at a time); a new search starts at page 1.
  useEffect(() => {
    if (settled.trim() === q) return;
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (settled.trim()) next.set('q', settled.trim());
        else next.delete('q');
        next.delete('page');
        return next;
      },
      { replace: true, state: null },
    );
  }, [settled, q, setParams]);

  const query = { q: q || undefined, sort, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
  const contacts = useQuery({
    queryKey: [...queryKeys.contacts, 'list', query],
    queryFn: ({ signal }) => listContacts(query, signal),
    placeholderData: keepPreviousData,
  });

  const update = (changes: Record<string, string | undefined>) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      for (const [key, value] of Object.entries(changes)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      return next;
    });

  const total = contacts.data?.total ?? 0;
  const atLimit = !q && total >= MAX_CONTACTS_PER_USER;
  return (
    <>
      <PageHeader title="Contacts">
        <Link className="button primary" to="/contacts/new">
          New contact
        </Link>
      </PageHeader>
      {state?.flash ? <Notice tone={state.tone ?? 'success'}>{state.flash}</Notice> : null}
      {state?.deleted ? <DeletedNotice deleted={state.deleted} /> : null}
      {atLimit ? (
        <Notice tone="warning">
          You have {MAX_CONTACTS_PER_USER} contacts, the most Kith keeps for one person. Delete one to add another.
        </Notice>
      ) : null}
      <div className="toolbar" role="search">
        <div className="field grow">
          <label htmlFor="contacts-search">Search</label>
          <input
            id="contacts-search"
            type="search"
            value={search}
            placeholder="Name, email, phone or notes"
            maxLength={200}
            autoComplete="off"
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="contacts-sort">Sort by</label>
          <select
            id="contacts-sort"
            value={sort ?? ''}
            onChange={(event) => update({ sort: event.target.value, page: undefined })}
          >
            <option value="">{q ? 'Best match' : 'First name, A–Z'}</option>
            {SORTS.filter((s) => q || s.value !== 'firstName').map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {/* Import and the downloads come after the notices, so Tab reaches "New contact" and then Undo first. */}
      <div className="list-bar">
        <p className="result-line" aria-live="polite">
          {contacts.isFetching ? <span className="spinner small" aria-hidden="true" /> : null}
          {contacts.isFetching ? 'Searching…' : contacts.data ? summary(total, q) : ''}
        </p>
        <div className="list-tools">
          <Link className="button" to="/contacts/import">
            Import contacts
          </Link>
          <Link className="button" to="/duplicates">
            Find duplicates
          </Link>
          <ExportButtons {...contactsExport} />
        </div>
      </div>
      <ExportError error={contactsExport.error} />
      {contacts.isPending ? <Loading label="Loading contacts…" /> : null}
      {contacts.isError ? <QueryError error={contacts.error} retry={contacts.refetch} what="your contacts" /> : null}
      {contacts.data ? (
        <>
          <div className={contacts.isPlaceholderData ? 'stale' : undefined} aria-busy={contacts.isPlaceholderData}>
            <ContactRows contacts={contacts.data.items} empty={q ? 'nothing-found' : 'no-contacts'} />
          </div>
          {/* Where the shown page is, not where the URL is heading while the next page loads. */}
          <Pager
            page={Math.floor(contacts.data.offset / PAGE_SIZE) + 1}
            pageSize={PAGE_SIZE}
            total={total}
            onPage={(n) => update({ page: n > 1 ? String(n) : undefined })}
          />
        </>
      ) : null}
    </>
  );
}

function summary(total: number, q: string): string {
  const count = total === 1 ? '1 contact' : `${total} contacts`;
  return q ? `${count} found for “${q}”` : count;
}
