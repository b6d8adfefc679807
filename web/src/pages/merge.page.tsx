import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { TRASH_RETENTION_DAYS } from '../../../src/modules/contacts/contacts.schemas.js';
import { ApiError } from '../api/api-error.js';
import { type Contact, getContact } from '../api/contacts.api.js';
import { mergeContacts } from '../api/duplicates.api.js';
import { queryKeys } from '../api/queries.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ContactPicture } from '../components/contact-picture.js';
import { Loading } from '../components/loading.js';
import { PageHeader } from '../components/page-header.js';
import { QueryError } from '../components/query-error.js';
import { FormError } from '../forms/form-alert.js';
import { fullName } from '../lib/names.js';
import { ContactDetails } from './contact-details.js';
import type { FlashState } from './contacts-list.page.js';
import '../styles/duplicates.css';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The ids in `?ids=a,b,c`, each once. */
const idsFrom = (param: string | null) => [...new Set((param ?? '').split(',').map((id) => id.trim()).filter((id) => UUID.test(id)))];

const list = (names: string[]) => new Intl.ListFormat(undefined, { type: 'conjunction' }).format(names);

/** What tells a contact from others of the same name, for screen readers: its first email, phone, organization. */
const distinguishing = (c: Contact) => [c.email, c.phone, c.organization].filter(Boolean).join(', ');

/** Job title and organization on one line, as the contact page shows them. */
const workLine = (c: Contact) => [c.jobTitle, c.organization].filter(Boolean).join(' · ');

function ContactSummary({ contact }: { contact: Contact }) {
  return (
    <>
      <span className="merge-heading">
        <ContactPicture contact={contact} size="medium" />
        <span className="merge-name">
          <strong>{fullName(contact)}</strong>
          {workLine(contact) ? <span className="contact-meta">{workLine(contact)}</span> : null}
        </span>
      </span>
      <ContactDetails contact={contact} />
    </>
  );
}

/**
 * Side by side (stacked on a phone): the contacts of a group, one chosen to keep; below, what the
 * merged contact will hold, as the server works it out (a dry run); then Merge, after a confirm.
 */
export function MergePage() {
  const [params, setParams] = useSearchParams();
  const ids = idsFrom(params.get('ids'));
  const keepParam = params.get('keep');
  const keepId = keepParam && ids.includes(keepParam) ? keepParam : ids[0];
  const from = ids.filter((id) => id !== keepId);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);

  const loaded = useQueries({ queries: ids.map((id) => ({ queryKey: queryKeys.contact(id), queryFn: () => getContact(id) })) });
  const contacts = loaded.flatMap((q) => (q.data ? [q.data] : []));
  const failed = loaded.find((q) => q.isError);
  const ready = ids.length >= 2 && contacts.length === ids.length && keepId !== undefined;
  const kept = contacts.find((c) => c.id === keepId);
  const others = from.flatMap((id) => contacts.find((c) => c.id === id) ?? []);

  const preview = useQuery({
    queryKey: [...queryKeys.contacts, 'merge-preview', keepId, ...from],
    queryFn: ({ signal }) => mergeContacts(keepId!, from, { dryRun: true, signal }),
    enabled: ready,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const merge = useMutation({
    mutationFn: () => mergeContacts(keepId!, from),
    onSuccess: async (merged) => {
      const name = fullName(merged);
      const gone = others.map(fullName);
      const flash =
        `Merged into ${name}. ${list(gone)} ${gone.length === 1 ? 'is' : 'are'} in the trash, ` +
        `where you can restore ${gone.length === 1 ? 'it' : 'them'} for ${TRASH_RETENTION_DAYS} days.`;
      queryClient.setQueryData(queryKeys.contact(merged.id), merged);
      // Away from this page first: its queries of the merged-away contacts would now answer 404.
      await navigate(`/contacts/${merged.id}`, { replace: true, state: { flash } satisfies FlashState });
      for (const id of from) queryClient.removeQueries({ queryKey: queryKeys.contact(id) });
      await queryClient.invalidateQueries({ queryKey: queryKeys.contacts });
    },
  });

  const choose = (id: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.set('keep', id);
        return next;
      },
      { replace: true },
    );

  const header = (
    <>
      <Link className="back-link" to="/duplicates">
        ← All duplicates
      </Link>
      <PageHeader title="Merge contacts" lead="Choose the contact to keep. The others are merged into it and moved to the trash." />
    </>
  );
  if (ids.length < 2) {
    return (
      <>
        {header}
        <div className="empty">
          <p>Choose at least two contacts to merge.</p>
          <Link to="/duplicates">Find duplicates</Link>
        </div>
      </>
    );
  }
  if (failed) return <>{header}<QueryError error={failed.error} retry={failed.refetch} what="these contacts" /></>;
  if (!ready || !kept) return <>{header}<Loading label="Loading the contacts…" /></>;

  const tooLarge = preview.error instanceof ApiError && preview.error.code === 'MERGE_TOO_LARGE';
  return (
    <>
      {header}
      <fieldset className="merge-choices">
        <legend>Which contact do you want to keep?</legend>
        <div className="merge-columns">
          {contacts.map((contact) => (
            <div key={contact.id} className={contact.id === keepId ? 'merge-choice chosen' : 'merge-choice'}>
              <div className="merge-pick">
                <input
                  type="radio"
                  id={`keep-${contact.id}`}
                  name="keep"
                  value={contact.id}
                  checked={contact.id === keepId}
                  onChange={() => choose(contact.id)}
                />
                <label htmlFor={`keep-${contact.id}`}>
                  Keep {fullName(contact)}
                  {/* Two contacts of a group often have one name: the first detail tells them apart. */}
                  {distinguishing(contact) ? <span className="visually-hidden"> ({distinguishing(contact)})</span> : null}
                </label>
                {contact.id === keepId ? <span className="merge-badge">Kept</span> : null}
              </div>
              <ContactSummary contact={contact} />
            </div>
          ))}
        </div>
      </fieldset>

      <section className="merge-result card" aria-labelledby="merge-result-title" aria-busy={preview.isFetching || undefined}>
        <h2 id="merge-result-title">The merged contact will hold</h2>
        {preview.isPending ? <Loading label="Working out the merged contact…" /> : null}
        {preview.isError ? (
          <FormError error={preview.error} extra={tooLarge && preview.error instanceof ApiError ? preview.error.errors : undefined} />
        ) : null}
        {preview.data && !preview.isError ? <ContactSummary contact={preview.data} /> : null}
        <p className="muted small">
          {list(others.map(fullName))} will be moved to the trash, where you can restore{' '}
          {others.length === 1 ? 'it' : 'them'} for {TRASH_RETENTION_DAYS} days.
        </p>
        <div className="actions">
          <button type="button" className="button primary" onClick={() => setConfirming(true)} disabled={!preview.data || preview.isError || preview.isFetching}>
            Merge {contacts.length} contacts
          </button>
          <Link className="button" to="/duplicates">
            Cancel
          </Link>
        </div>
      </section>

      <ConfirmDialog
        open={confirming}
        title={`Merge ${contacts.length} contacts into ${fullName(kept)}?`}
        confirmLabel="Merge"
        pendingLabel="Merging…"
        pending={merge.isPending}
        onConfirm={() => merge.mutate()}
        onCancel={() => {
          merge.reset();
          setConfirming(false);
        }}
        error={<FormError error={merge.error} />}
      >
        <p>
          {fullName(kept)} gets their details; {list(others.map(fullName))} {others.length === 1 ? 'goes' : 'go'} to the trash.
        </p>
      </ConfirmDialog>
    </>
  );
}
