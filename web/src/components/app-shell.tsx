import { useMutation } from '@tanstack/react-query';
import { NavLink, Outlet } from 'react-router';
import { messageOf } from '../api/api-error.js';
import { signOut } from '../api/auth.api.js';
import { useMe } from '../api/queries.js';

export function SkipLink() {
  return (
    <a className="skip-link" href="#main">
      Skip to content
    </a>
  );
}

function UserBadge() {
  const me = useMe();
  if (!me.data) return <span className="user-badge placeholder" aria-hidden="true" />;
  return (
    <span className="user-badge">
      <img src={me.data.avatarUrl} alt="" width={28} height={28} />
      <span className="user-name">{me.data.name}</span>
    </span>
  );
}

/** The frame around every signed-in page: brand, navigation, sign-out. */
export function AppShell() {
  const signOutMutation = useMutation({ mutationFn: signOut });
  return (
    <>
      <SkipLink />
      <header className="app-header">
        <div className="header-inner">
          <NavLink to="/contacts" className="brand">
            Kith
          </NavLink>
          <nav aria-label="Main">
            <ul>
              <li>
                <NavLink to="/contacts">Contacts</NavLink>
              </li>
              <li>
                <NavLink to="/birthdays">Birthdays</NavLink>
              </li>
              <li>
                <NavLink to="/duplicates">Duplicates</NavLink>
              </li>
              <li>
                <NavLink to="/trash">Trash</NavLink>
              </li>
              <li>
                <NavLink to="/profile" aria-label="Profile">
                  <UserBadge />
                  <span className="profile-word">Profile</span>
                </NavLink>
              </li>
            </ul>
          </nav>
          <button
            type="button"
            className="button subtle sign-out"
            onClick={() => signOutMutation.mutate()}
            disabled={signOutMutation.isPending}
          >
            {signOutMutation.isPending ? 'Signing out…' : 'Sign out'}
          </button>
        </div>
        {signOutMutation.isError ? (
          <p className="alert error header-alert" role="alert">
            Couldn't sign out. {messageOf(signOutMutation.error)}
          </p>
        ) : null}
      </header>
      <main id="main" className="page">
        <Outlet />
      </main>
    </>
  );
}

/** The frame around sign-in, sign-up and the other pages for people who aren't signed in. */
export function PublicShell() {
  return (
    <>
      <SkipLink />
      <header className="public-header">
        <NavLink to="/" className="brand">
          Kith
        </NavLink>
      </header>
      <main id="main" className="public-page">
        <Outlet />
      </main>
    </>
  );
}
