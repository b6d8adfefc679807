import { useEffect } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { endSession } from '../api/session.js';
import { useAuth } from '../auth/auth-context.js';
import { PageHeader } from '../components/page-header.js';
import type { GoodbyeState } from './leaving-section.js';

/** Where someone lands once their account is deleted (and they are signed out). */
export function GoodbyePage() {
  const state = useLocation().state as Partial<GoodbyeState> | null;
  const { clearNotice } = useAuth();
  const deleted = Boolean(state?.deletedEmail);

  // The session ends here, once this public page is shown, not where the account was deleted: the
  // router moves pages in a transition, and ending the session first would let the signed-in
  // pages' guard send the person to sign-in instead. Its tokens died with the account anyway.
  useEffect(() => {
    if (!deleted) return;
    endSession('signed-out');
    clearNotice();
  }, [deleted, clearNotice]);

  // Only right after a deletion; typed in by hand, the address has nothing to say.
  if (!state?.deletedEmail) return <Navigate to="/sign-in" replace />;
  return (
    <div className="card narrow">
      <PageHeader title="Your account was deleted" />
      <p role="status">
        The Kith account <strong>{state.deletedEmail}</strong> and everything in it are gone, and you are signed out.
        A last email confirms it.
      </p>
      <p className="muted">Thanks for using Kith. You can sign up again with the same address at any time.</p>
      <div className="actions">
        <Link className="button primary" to="/sign-up">
          Sign up
        </Link>
        <Link className="button" to="/sign-in">
          Sign in
        </Link>
      </div>
    </div>
  );
}
