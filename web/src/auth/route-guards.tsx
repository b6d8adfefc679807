import { Navigate, Outlet, useLocation } from 'react-router';
import { Loading } from '../components/loading.js';
import { useAuth } from './auth-context.js';

export interface FromState {
  from?: string;
}

function Unreachable({ retry }: { retry: () => void }) {
  return (
    <main className="centered-page" id="main">
      <div className="card narrow">
        <h1>Kith can't be reached</h1>
        <p>The server didn't answer. Check your connection, then try again.</p>
        <button type="button" className="button primary" onClick={retry}>
          Try again
        </button>
      </div>
    </main>
  );
}

/** Pages for signed-in people; anyone else goes to sign-in and comes back afterwards. */
export function RequireAuth() {
  const { status, retry } = useAuth();
  const location = useLocation();
  if (status === 'checking') return <Loading label="Opening Kith…" fullPage />;
  if (status === 'unreachable') return <Unreachable retry={retry} />;
  if (status === 'signed-out') {
    const from = `${location.pathname}${location.search}`;
    return <Navigate to="/sign-in" replace state={{ from } satisfies FromState} />;
  }
  return <Outlet />;
}

/** Only paths inside the app, so a crafted link can't send someone elsewhere after sign-in. */
function safeReturnPath(from: string | undefined): string {
  return from?.startsWith('/') && !from.startsWith('//') ? from : '/contacts';
}

/** Sign-in and sign-up: someone signed in goes on to where they were headed, or their contacts. */
export function SignedOutOnly() {
  const { status } = useAuth();
  const state = useLocation().state as FromState | null;
  if (status === 'checking') return <Loading label="Opening Kith…" fullPage />;
  if (status === 'signed-in') return <Navigate to={safeReturnPath(state?.from)} replace />;
  return <Outlet />;
}
