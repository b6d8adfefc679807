import { useMutation } from '@tanstack/react-query';
import { Link, useLocation } from 'react-router';
import { resendVerification } from '../api/auth.api.js';
import { DevMailboxHint } from '../components/dev-mailbox-hint.js';
import { PageHeader } from '../components/page-header.js';
import { FormError, Notice } from '../forms/form-alert.js';

export interface CheckEmailState {
  email?: string;
}

/** After sign-up: where the link went, and how to get another. */
export function CheckEmailPage() {
  const email = (useLocation().state as CheckEmailState | null)?.email;
  const resend = useMutation({ mutationFn: resendVerification });

  return (
    <div className="card narrow">
      <PageHeader title="Check your email" />
      <p>
        We sent a link to {email ? <strong>{email}</strong> : 'your address'}. Open it to confirm your address, then
        sign in.
      </p>
      <DevMailboxHint />
      {email ? (
        <div className="stack">
          <p className="muted">Nothing arrived? Check your spam folder, or ask for a new link.</p>
          {resend.isSuccess ? <Notice tone="success">A new link is on its way to {email}.</Notice> : null}
          <FormError error={resend.error} />
          <button type="button" className="button" onClick={() => resend.mutate(email)} disabled={resend.isPending}>
            {resend.isPending ? 'Sending…' : 'Send a new link'}
          </button>
        </div>
      ) : null}
      <p className="switch">
        Confirmed already? <Link to="/sign-in">Sign in</Link>
      </p>
    </div>
  );
}
