import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import {
  createAppPasswordBodySchema,
  MAX_APP_PASSWORDS_PER_USER,
} from '../../../src/modules/app-passwords/app-passwords.schemas.js';
import {
  type AppPassword,
  appPasswordsKey,
  type CreatedAppPassword,
  createAppPassword,
  listAppPasswords,
  revokeAppPassword,
} from '../api/app-passwords.api.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Loading } from '../components/loading.js';
import { QueryError } from '../components/query-error.js';
import { TextField } from '../forms/fields.js';
import { FormError, SubmitButton } from '../forms/form-alert.js';
import { useZodForm } from '../forms/use-zod-form.js';
import { CopyValue } from './copy-value.js';
import '../styles/app-passwords.css';

const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const moment = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const EMPTY = { name: '' };

/**
 * App passwords for address books that sync over CardDAV (a phone's Contacts, a desktop mail app):
 * name one, read it off the screen once, revoke it when the device is gone.
 */
export function AppPasswordsSection() {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: appPasswordsKey, queryFn: listAppPasswords });
  const [created, setCreated] = useState<CreatedAppPassword>();
  const [confirming, setConfirming] = useState<AppPassword>();
  const [revokedName, setRevokedName] = useState<string>();
  const panelRef = useRef<HTMLDivElement>(null);
  const revokedRef = useRef<HTMLParagraphElement>(null);
  const form = useZodForm({ schema: createAppPasswordBodySchema, initial: EMPTY, idPrefix: 'app-password' });

  const create = useMutation({
    mutationFn: createAppPassword,
    onMutate: () => setRevokedName(undefined),
    onSuccess: async (answer) => {
      form.reset(EMPTY);
      setCreated(answer);
      await queryClient.invalidateQueries({ queryKey: appPasswordsKey });
    },
    onError: form.showServerErrors,
  });
  const revoke = useMutation({
    mutationFn: (appPassword: AppPassword) => revokeAppPassword(appPassword.id),
    onSuccess: async (_, appPassword) => {
      setConfirming(undefined);
      setRevokedName(appPassword.name);
      if (created?.id === appPassword.id) setCreated(undefined);
      await queryClient.invalidateQueries({ queryKey: appPasswordsKey });
    },
  });

  // The new password is what the person came for: take them (and a screen reader) straight to it.
  useEffect(() => {
    if (created) panelRef.current?.focus();
  }, [created]);
  // The revoked row is gone with its button; the focus goes to the line saying so.
  useEffect(() => {
    if (revokedName) revokedRef.current?.focus();
  }, [revokedName]);

  const items = list.data?.items ?? [];
  const full = items.length >= MAX_APP_PASSWORDS_PER_USER;

  return (
    <section className="card app-passwords" aria-labelledby="app-passwords-heading">
      <h2 id="app-passwords-heading">Phones and computers</h2>
      <p className="muted">
        Keep your contacts in your phone’s or computer’s address book, in sync both ways (CardDAV). Each device
        gets its own app password; your account password doesn’t work there.
      </p>

      {created ? (
        <div
          ref={panelRef}
          className="new-app-password"
          tabIndex={-1}
          role="region"
          aria-labelledby="new-app-password-heading"
        >
          <h3 id="new-app-password-heading">Type these into {created.name}</h3>
          <dl>
            <CopyValue label="Server" value={created.server} />
            <CopyValue label="User name" value={created.username} />
            <CopyValue label="Password" value={created.password} />
          </dl>
          <p className="alert warning">
            This is the only time the password is shown. If you lose it, revoke it and make a new one.
          </p>
          <p className="hint">
            <strong>iPhone or iPad:</strong> Settings → Contacts → Accounts → Add Account → Other → Add CardDAV
            Account. <strong>Mac:</strong> Contacts → Settings → Accounts → + → Other Contacts Account → CardDAV.{' '}
            <strong>Android:</strong> an app such as DAVx⁵.
          </p>
          <div className="actions">
            <button type="button" className="button" onClick={() => setCreated(undefined)}>
              Done, hide the password
            </button>
          </div>
        </div>
      ) : null}

      <form
        ref={form.formRef}
        noValidate
        className="new-app-password-form"
        onSubmit={form.handleSubmit((data) => create.mutate(data))}
      >
        <TextField
          field={form.field('name')}
          label="Name of the device"
          hint="So you can tell them apart later, e.g. “Ada’s iPhone”."
          autoComplete="off"
        />
        <FormError error={create.error} extra={form.otherErrors} />
        {full && !create.error ? (
          <p className="hint">You have {MAX_APP_PASSWORDS_PER_USER}, the most there can be; revoke one to make another.</p>
        ) : null}
        <SubmitButton pending={create.isPending} pendingLabel="Creating…">
          Create app password
        </SubmitButton>
      </form>

      <h3 id="app-passwords-list-heading">Your app passwords</h3>
      {revokedName ? (
        <p ref={revokedRef} className="alert success" role="status" tabIndex={-1}>
          “{revokedName}” was revoked; it can’t sign in any more.
        </p>
      ) : null}
      {list.isPending ? <Loading label="Loading your app passwords…" /> : null}
      {list.isError ? <QueryError error={list.error} retry={list.refetch} what="your app passwords" /> : null}
      {list.data && items.length === 0 ? <p className="muted">None yet.</p> : null}
      {items.length > 0 ? (
        <ul className="app-password-list" aria-labelledby="app-passwords-list-heading">
          {items.map((appPassword) => (
            <li key={appPassword.id} className="app-password-row">
              <div className="app-password-what">
                <span className="app-password-name">{appPassword.name}</span>
                <span className="muted small">
                  Created <time dateTime={appPassword.createdAt}>{day.format(new Date(appPassword.createdAt))}</time>
                  {' · '}
                  {appPassword.lastUsedAt ? (
                    <>
                      last used{' '}
                      <time dateTime={appPassword.lastUsedAt}>{moment.format(new Date(appPassword.lastUsedAt))}</time>
                    </>
                  ) : (
                    'not used yet'
                  )}
                </span>
              </div>
              <button
                type="button"
                className="button small danger-outline"
                onClick={() => {
                  revoke.reset();
                  setConfirming(appPassword);
                }}
              >
                Revoke<span className="visually-hidden"> {appPassword.name}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}

      <ConfirmDialog
        open={confirming !== undefined}
        title={`Revoke “${confirming?.name ?? ''}”?`}
        confirmLabel="Revoke"
        pendingLabel="Revoking…"
        pending={revoke.isPending}
        onConfirm={() => confirming && revoke.mutate(confirming)}
        onCancel={() => setConfirming(undefined)}
        error={<FormError error={revoke.error} />}
      >
        <p>
          The device using it stops syncing at once. Your contacts stay in Kith; you can make a new app password
          for it any time.
        </p>
      </ConfirmDialog>
    </section>
  );
}
