import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../api/api-error.js';
import { confirmEmail } from '../api/account.api.js';
import { queryKeys } from '../api/queries.js';
import { useAuth } from '../auth/auth-context.js';
import { Loading } from '../components/loading.js';
import { PageHeader } from '../components/page-header.js';
import { FormError } from '../forms/form-alert.js';

/** The page the link mailed to a new address opens: the account takes that address. Signed in or out. */
export function ConfirmEmailPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { status } = useAuth();
  const queryClient = useQueryClient();
  const confirm = useMutation({
    mutationFn: confirmEmail,
    // Signed in here: the profile and security pages show the new address at once.
    onSuccess: (user) => queryClient.setQueryData(queryKeys.me, user),
  });
  const sent = useRef(false);
  const { mutate } = confirm;

  useEffect(() => {
    // The token works once; React's development double-run of effects must not spend it twice.
    if (!token || sent.current) return;
    sent.current = true;
    mutate(token);
  }, [token, mutate]);

  if (token && (confirm.isPending || confirm.isIdle)) {
    return (
      <div className="card narrow">
        <PageHeader title="Confirming your new address" />
        <Loading label="Confirming your new email address…" />
      </div>
    );
  }

  if (confirm.isSuccess) {
    return (
      <div className="card narrow">
        <PageHeader title="Email address changed" />
        <p role="status">
          Your Kith account now uses <strong>{confirm.data.email}</strong>. Sign in with it from now on; your password
          is the same.
        </p>
        <p className="muted">
          Phones and computers that sync over CardDAV need the new address as their user name; their app passwords
          keep working.
        </p>
        {status === 'signed-in' ? (
          <Link className="button primary" to="/security">
            Back to Sign-in &amp; security
          </Link>
        ) : (
          <Link className="button primary" to="/sign-in" state={{ email: confirm.data.email }}>
            Sign in
          </Link>
        )}
      </div>
    );
  }

  const code = confirm.error instanceof ApiError ? confirm.error.code : undefined;
  return (
    <div className="card narrow">
      <PageHeader title="This link doesn't work" />
      {!token ? (
        <p role="alert">The link is missing its code. Open it from the email again.</p>
      ) : code === 'INVALID_TOKEN' ? (
        <p role="alert">
          The link has expired or was already used. If you already confirmed this address, sign in with it; otherwise
          ask for a new link under Sign-in &amp; security.
        </p>
      ) : code === 'EMAIL_TAKEN' ? (
        <p role="alert">
          Another Kith account started using this address after we sent the link, so your address was not changed.
        </p>
      ) : (
        <FormError error={confirm.error} />
      )}
      <p className="switch">
        {status === 'signed-in' ? <Link to="/security">Sign-in &amp; security</Link> : <Link to="/sign-in">Sign in</Link>}
      </p>
    </div>
  );
}
