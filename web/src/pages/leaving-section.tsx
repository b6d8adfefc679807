import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { type DeleteAccountInput, deleteAccountBodySchema } from '../../../src/modules/account/account.schemas.js';
import { messageOf } from '../api/api-error.js';
import { deleteAccount, downloadAccountData, forgetDeletedAccount } from '../api/account.api.js';
import type { User } from '../api/auth.api.js';
import { saveBlob } from '../api/download.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { PasswordField, ShowPasswords, TextField } from '../forms/fields.js';
import { FormError } from '../forms/form-alert.js';
import { useZodForm } from '../forms/use-zod-form.js';
import '../styles/account.css';

/** Where the person lands once the account is gone (see GoodbyePage). */
export interface GoodbyeState {
  deletedEmail: string;
}

/** Leaving Kith: taking everything along as one JSON file, and deleting the account for good. */
export function LeavingSection({ user }: { user: User }) {
  return (
    <section className="card leaving" aria-labelledby="leaving-heading">
      <h2 id="leaving-heading">Leaving Kith</h2>
      <DownloadData />
      <DeleteAccount user={user} />
    </section>
  );
}

function DownloadData() {
  const [running, setRunning] = useState(false);
  const [error, setError] = useState('');
  const start = () => {
    if (running) return;
    setRunning(true);
    setError('');
    downloadAccountData()
      .then((file) => saveBlob(file.blob, file.filename))
      .catch((caught: unknown) => setError(`The download didn’t work. ${messageOf(caught)}`))
      .finally(() => setRunning(false));
  };
  return (
    <div className="leaving-part" role="group" aria-labelledby="download-data-heading">
      <h3 id="download-data-heading">Download all your data</h3>
      <p className="muted">
        One JSON file with your account, your settings, every contact and the trash. To move your address book to
        another app, the vCard export on the contacts page is the better fit.
      </p>
      {/* Stays focusable while the file is prepared (aria-disabled), so a keyboard user keeps their place. */}
      <button type="button" className="button" aria-disabled={running} aria-busy={running} onClick={start}>
        {running ? (
          <>
            <span className="spinner small" aria-hidden="true" />
            Preparing…
          </>
        ) : (
          'Download all my data'
        )}
      </button>
      {error ? (
        <p className="alert error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function DeleteAccount({ user }: { user: User }) {
  const navigate = useNavigate();
  const [shown, setShown] = useState(false);
  const [confirming, setConfirming] = useState<DeleteAccountInput>();
  // With two-step sign-in on, deleting takes a code too, as signing in does.
  const twoFactor = user.twoFactorEnabled;
  const form = useZodForm({
    schema: deleteAccountBodySchema,
    initial: { password: '', code: '' },
    idPrefix: 'delete-account',
    toInput: (values) => (twoFactor ? values : { password: values.password }),
  });
  const remove = useMutation({
    mutationFn: async (body: DeleteAccountInput) => {
      await deleteAccount(body);
      await forgetDeletedAccount();
    },
    // The goodbye page ends the session in the browser once it is shown (see GoodbyePage).
    onSuccess: () => navigate('/goodbye', { replace: true, state: { deletedEmail: user.email } satisfies GoodbyeState }),
    onError: (error) => {
      setConfirming(undefined);
      form.showServerErrors(error);
    },
  });

  return (
    <div className="leaving-part" role="group" aria-labelledby="delete-account-heading">
      <h3 id="delete-account-heading">Delete your account</h3>
      <div className="alert warning" id="delete-account-warning">
        <p>
          <strong>This can’t be undone.</strong> Deleting your account removes, for good and at once:
        </p>
        <ul>
          <li>every contact, the trash included, and their photos;</li>
          <li>your profile picture, settings, birthday reminders and calendar feed;</li>
          <li>your app passwords: phones and computers stop syncing;</li>
          <li>every sign-in, on every device.</li>
        </ul>
        <p>Download your data first if you may want it later. {user.email} can sign up again, as a new, empty account.</p>
      </div>
      <form
        ref={form.formRef}
        noValidate
        aria-describedby="delete-account-warning"
        onSubmit={form.handleSubmit((data) => {
          remove.reset();
          setConfirming(data);
        })}
      >
        <PasswordField field={form.field('password')} label="Your password" autoComplete="current-password" shown={shown} />
        <ShowPasswords id="delete-account-show" shown={shown} onChange={setShown} />
        {twoFactor ? (
          <TextField
            field={form.field('code')}
            label="Code from your authenticator app, or a recovery code"
            inputMode="text"
            autoComplete="one-time-code"
            autoCapitalize="off"
            spellCheck={false}
          />
        ) : null}
        <FormError error={remove.error} extra={form.otherErrors} />
        <div className="actions">
          <button type="submit" className="button danger-outline">
            Delete account…
          </button>
        </div>
      </form>
      <ConfirmDialog
        open={confirming !== undefined}
        title="Delete your Kith account?"
        confirmLabel="Delete my account"
        pendingLabel="Deleting…"
        pending={remove.isPending}
        onConfirm={() => {
          if (confirming) remove.mutate(confirming);
        }}
        onCancel={() => setConfirming(undefined)}
      >
        <p>
          Your account <strong>{user.email}</strong>, every contact, photo and setting will be deleted now, for good.
          You will be signed out everywhere.
        </p>
      </ConfirmDialog>
    </div>
  );
}
