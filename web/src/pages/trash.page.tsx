import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { TRASH_RETENTION_DAYS } from '../../../src/modules/contacts/contacts.schemas.js';
import { deleteForever, emptyTrash, listTrash, restoreContact, type TrashedContact } from '../api/contacts.api.js';
import { queryKeys } from '../api/queries.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ContactPicture } from '../components/contact-picture.js';
import { Loading } from '../components/loading.js';
import { PageHeader } from '../components/page-header.js';
import { QueryError } from '../components/query-error.js';
import { FormError } from '../forms/form-alert.js';
import { fullName } from '../lib/names.js';

const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const DAY_MS = 86_400_000;

/** "in 29 days", "tomorrow", "today": when the contact is gone for good. */
function untilPurge(purgeAt: string): string {
  const days = Math.max(0, Math.ceil((new Date(purgeAt).getTime() - Date.now()) / DAY_MS));
  return relative.format(days, 'day');
}

type Confirming = { kind: 'one'; contact: TrashedContact } | { kind: 'all'; count: number };

interface Done {
  text: string;
  /** The restored contact, to open from the message. */
  link?: { to: string; label: string };
}

/** Deleted contacts, kept for 30 days: restore one, delete one for good, or empty the trash. */
export function TrashPage() {
  const queryClient = useQueryClient();
  const trash = useQuery({ queryKey: queryKeys.trash, queryFn: listTrash });
  const [confirming, setConfirming] = useState<Confirming>();
  const [done, setDone] = useState<Done>();
  const doneRef = useRef<HTMLDivElement>(null);

  const finish = async (message: Done) => {
    setConfirming(undefined);
    setDone(message);
    // The restored contact is back in the lists and birthdays; everything under 'contacts' reloads.
    await queryClient.invalidateQueries({ queryKey: queryKeys.contacts });
  };
  const restore = useMutation({
    mutationFn: (contact: TrashedContact) => restoreContact(contact.id),
    onMutate: () => setDone(undefined),
    onSuccess: (contact) =>
      finish({
        text: `${fullName(contact)} is back in your contacts.`,
        link: { to: `/contacts/${contact.id}`, label: `Open ${fullName(contact)}` },
      }),
  });
  const forget = useMutation({
    mutationFn: (contact: TrashedContact) => deleteForever(contact.id),
    onSuccess: (_, contact) => finish({ text: `${fullName(contact)} was deleted for good.` }),
  });
  const empty = useMutation({
    mutationFn: emptyTrash,
    onSuccess: () => finish({ text: 'The trash is empty now.' }),
  });

  // The row whose button was pressed is gone: the focus goes to the message saying what happened.
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  const cancel = () => {
    forget.reset();
    empty.reset();
    setConfirming(undefined);
  };
  const items = trash.data?.items ?? [];
  const busy = restore.isPending || forget.isPending || empty.isPending;

  return (
    <>
      <PageHeader
        title="Trash"
        lead={`Deleted contacts stay here for ${TRASH_RETENTION_DAYS} days, then they are deleted for good.`}
      >
        {items.length > 0 ? (
          <button
            type="button"
            className="button danger-outline"
            onClick={() => setConfirming({ kind: 'all', count: items.length })}
            disabled={busy}
          >
            Empty trash
          </button>
        ) : null}
      </PageHeader>
      {done ? (
        <div ref={doneRef} className="alert success" role="status" tabIndex={-1}>
          {done.text} {done.link ? <Link to={done.link.to}>{done.link.label}</Link> : null}
        </div>
      ) : null}
      <FormError error={restore.error} />
      {trash.isPending ? <Loading label="Loading the trash…" /> : null}
      {trash.isError ? <QueryError error={trash.error} retry={trash.refetch} what="the trash" /> : null}
      {trash.data && items.length === 0 ? (
        <div className="empty">
          <p>The trash is empty.</p>
          <p className="muted">Contacts you delete wait here, so you can change your mind.</p>
        </div>
      ) : null}
      {items.length > 0 ? (
        <ul className="trash-list">
          {items.map((contact) => {
            const name = fullName(contact);
            return (
              <li key={contact.id} className="trash-row">
                <ContactPicture contact={contact} size="small" />
                <div className="trash-what">
                  <span className="contact-name">{name}</span>
                  <span className="contact-meta">
                    Deleted <time dateTime={contact.deletedAt}>{day.format(new Date(contact.deletedAt))}</time>
                    {' · '}
                    <span className="purge">
                      deleted for good <time dateTime={contact.purgeAt}>{untilPurge(contact.purgeAt)}</time>
                      {' '}({day.format(new Date(contact.purgeAt))})
                    </span>
                  </span>
                </div>
                <div className="trash-actions">
                  <button
                    type="button"
                    className="button small"
                    onClick={() => restore.mutate(contact)}
                    disabled={busy}
                    aria-busy={(restore.isPending && restore.variables.id === contact.id) || undefined}
                  >
                    {restore.isPending && restore.variables.id === contact.id ? 'Restoring…' : 'Restore'}
                    <span className="visually-hidden"> {name}</span>
                  </button>
                  <button
                    type="button"
                    className="button small danger-outline"
                    onClick={() => setConfirming({ kind: 'one', contact })}
                    disabled={busy}
                  >
                    Delete forever<span className="visually-hidden"> {name}</span>
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
      <ConfirmDialog
        open={confirming !== undefined}
        title={confirming?.kind === 'one' ? `Delete ${fullName(confirming.contact)} forever?` : 'Empty the trash?'}
        confirmLabel={confirming?.kind === 'one' ? 'Delete forever' : 'Empty trash'}
        pendingLabel="Deleting…"
        pending={forget.isPending || empty.isPending}
        onConfirm={() => {
          if (confirming?.kind === 'one') forget.mutate(confirming.contact);
          else empty.mutate();
        }}
        onCancel={cancel}
        error={<FormError error={forget.error ?? empty.error} />}
      >
        <p>
          {confirming?.kind === 'one'
            ? `${fullName(confirming.contact)} and everything you noted about them will be gone. This can't be undone.`
            : `The ${confirming?.count === 1 ? 'contact' : `${confirming?.count ?? 0} contacts`} in the trash will be gone for good. This can't be undone.`}
        </p>
      </ConfirmDialog>
    </>
  );
}
