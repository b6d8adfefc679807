import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { deleteContact, getContact } from '../api/contacts.api.js';
import { queryKeys } from '../api/queries.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { InitialsAvatar } from '../components/initials-avatar.js';
import { Loading } from '../components/loading.js';
import { PageHeader } from '../components/page-header.js';
import { QueryError } from '../components/query-error.js';
import { FormError, Notice } from '../forms/form-alert.js';
import { formatBirthday } from '../lib/birthdays.js';
import { fullName } from '../lib/names.js';
import type { FlashState } from './contacts-list.page.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function ContactDetailPage() {
  const id = useParams().id ?? '';
  const navigate = useNavigate();
  const flash = (useLocation().state as FlashState | null)?.flash;
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const contact = useQuery({ queryKey: queryKeys.contact(id), queryFn: () => getContact(id) });
  const remove = useMutation({
    mutationFn: () => deleteContact(id),
    onSuccess: async () => {
      const name = contact.data ? fullName(contact.data) : 'The contact';
      queryClient.removeQueries({ queryKey: queryKeys.contact(id) });
      await queryClient.invalidateQueries({ queryKey: queryKeys.contacts });
      await navigate('/contacts', { replace: true, state: { flash: `${name} was deleted.` } satisfies FlashState });
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
      {flash ? <Notice tone="success">{flash}</Notice> : null}
      <div className="card contact-card">
        <div className="contact-heading">
          <InitialsAvatar firstName={c.firstName} lastName={c.lastName} size="large" />
          <PageHeader title={name} />
        </div>
        <dl className="details">
          <Detail label="Email">{c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : null}</Detail>
          <Detail label="Phone">{c.phone ? <a href={`tel:${c.phone}`}>{c.phone}</a> : null}</Detail>
          <Detail label="Birthday">{c.birthday ? formatBirthday(c.birthday) : null}</Detail>
          <Detail label="Notes">{c.notes ? <span className="notes">{c.notes}</span> : null}</Detail>
        </dl>
        <p className="muted small">
          Added {dateTime.format(new Date(c.createdAt))}
          {c.updatedAt !== c.createdAt ? ` · changed ${dateTime.format(new Date(c.updatedAt))}` : ''}
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
        <p>This removes {name} and everything you noted about them. It can't be undone.</p>
      </ConfirmDialog>
    </div>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="detail">
      <dt>{label}</dt>
      <dd>{children ?? <span className="muted">—</span>}</dd>
    </div>
  );
}
