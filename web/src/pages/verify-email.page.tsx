import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../api/api-error.js';
import { verifyEmail } from '../api/auth.api.js';
import { useAuth } from '../auth/auth-context.js';
import { Loading } from '../components/loading.js';
import { PageHeader } from '../components/page-header.js';
import { FormError } from '../forms/form-alert.js';
import { ResendVerificationForm } from './resend-verification.form.js';

/** The page the emailed link opens: confirms the address with the token from the link. */
export function VerifyEmailPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { status } = useAuth();
  const verify = useMutation({ mutationFn: verifyEmail });
  const sent = useRef(false);
  const { mutate } = verify;

  useEffect(() => {
    // The token works once; React's development double-run of effects must not spend it twice.
    if (!token || sent.current) return;
    sent.current = true;
    mutate(token);
  }, [token, mutate]);

  if (token && (verify.isPending || verify.isIdle)) {
    return (
      <div className="card narrow">
        <PageHeader title="Confirming your email" />
        <Loading label="Confirming your email address…" />
      </div>
    );
  }

  if (verify.isSuccess) {
    return (
      <div className="card narrow">
        <PageHeader title="Email confirmed" />
        <p role="status">
          Thank you. <strong>{verify.data.email}</strong> is confirmed.
        </p>
        {status === 'signed-in' ? (
          <Link className="button primary" to="/contacts">
            Go to your contacts
          </Link>
        ) : (
          <Link className="button primary" to="/sign-in" state={{ email: verify.data.email }}>
            Sign in
          </Link>
        )}
      </div>
    );
  }

  const expired = !token || (verify.error instanceof ApiError && verify.error.code === 'INVALID_TOKEN');
  return (
    <div className="card narrow">
      <PageHeader title="This link doesn't work" />
      {expired ? (
        <p role="alert">
          {token
            ? 'The link has expired or was already used. If you confirmed your address before, just sign in.'
            : 'The link is missing its code. Open it from the email again, or ask for a new one.'}
        </p>
      ) : (
        <FormError error={verify.error} />
      )}
      <h2>Get a new link</h2>
      <ResendVerificationForm />
      <p className="switch">
        <Link to="/sign-in">Sign in</Link>
      </p>
    </div>
  );
}
