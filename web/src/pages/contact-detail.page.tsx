import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { TRASH_RETENTION_DAYS } from '../../../src/modules/contacts/contacts.schemas.js';
import { deleteContact, getContact } from '../api/contacts.api.js';
import { queryKeys } from '../api/queries.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ContactPicture } from '../components/contact-picture.js';
import { Loading } from '../components/loading.js';
import { PageHeader } from '../components/page-header.js';
import { QueryError } from '../components/query-error.js';
import { FormError, Notice } from '../forms/form-alert.js';
import { fullName } from '../lib/names.js';
import { ContactDetails } from './contact-details.js';
import type { FlashState } from './contacts-list.page.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function ContactDetailPage() {
  const id = useParams().id ?? '';
  const navigate = useNavigate();
  const state = useLocation().state as FlashState | null;
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const contact = useQuery({ queryKey: queryKeys.contact(id), queryFn: () => getContact(id) });
  const remove = useMutation({
    mutationFn: () => deleteContact(id),
    onSuccess: async () => {
      const name = contact.data ? fullName(contact.data) : 'The contact';
      queryClient.removeQueries({ queryKey: queryKeys.contact(id) });
      await queryClient.invalidateQueries({ queryKey: queryKeys.contacts });
      // The list offers Undo; the contact is only in the trash.
      await navigate('/contacts', { replace: true, state: { deleted: { id, name } } satisfies FlashState });
    },
  });

  if (contact.isPending) return <Loading label="Loading contact…" />;
  if (contact.isError) {
    return (
      <>
        <QueryError error={contact.error} retry={contact.refetch} what="this contact" />
        <Link to="/contacts">← All contacts</Link>
      </>
    );
  }

  const c = contact.data;
  const name = fullName(c);
  return (
    <div className="narrow-page">
      <Link className="back-link" to="/contacts">
        ← All contacts
      </Link>
      {state?.flash ? <Notice tone={state.tone ?? 'success'}>{state.flash}</Notice> : null}
      <div className="card contact-card">
        <div className="contact-heading">
          <ContactPicture contact={c} size="large" alt={c.photoUrl ? `Photo of ${name}` : ''} />
          <PageHeader title={name} lead={[c.jobTitle, c.organization].filter(Boolean).join(' · ') || undefined} />
        </div>
        <ContactDetails contact={c} />
        <p className="muted small">
          Added {dateTime.format(new Date(c.createdAt))}
          {/* A photo added right after the create changes the contact within the same minute: nothing to say. */}
          {dateTime.format(new Date(c.updatedAt)) !== dateTime.format(new Date(c.createdAt))
            ? ` · changed ${dateTime.format(new Date(c.updatedAt))}`
            : ''}
        </p>
        <div className="actions">
          <Link className="button primary" to={`/contacts/${c.id}/edit`}>
            Edit
          </Link>
          <button type="button" className="button danger-outline" onClick={() => setConfirming(true)}>
            Delete
          </button>
        </div>
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Delete ${name}?`}
        confirmLabel="Delete"
        pendingLabel="Deleting…"
        pending={remove.isPending}
        onConfirm={() => remove.mutate()}
        onCancel={() => {
          remove.reset();
          setConfirming(false);
        }}
        error={<FormError error={remove.error} />}
      >
        <p>
          {name} moves to the trash, where they stay for {TRASH_RETENTION_DAYS} days before they are deleted for good.
          You can restore them from there.
        </p>
      </ConfirmDialog>
    </div>
  );
}
