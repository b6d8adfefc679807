import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { SESSION_ENDED } from '../api/client.js';
import { type EndReason, hadSession, onSessionChange, refreshSession } from '../api/session.js';

export type AuthStatus = 'checking' | 'signed-in' | 'signed-out' | 'unreachable';

interface AuthState {
  status: AuthStatus;
  /** Why the person is looking at the sign-in page, if there's something to say. */
  notice: string | undefined;
}

interface AuthContextValue extends AuthState {
  /** Tries the refresh cookie again (after the server couldn't be reached). */
  retry: () => void;
  clearNotice: () => void;
}

const AuthContext = createContext<AuthContextValue | undefined>(undefined);

const noticeFor: Record<EndReason, string | undefined> = {
  'signed-out': 'You have signed out.',
  elsewhere: 'You signed out in another tab.',
  expired: SESSION_ENDED,
};

/**
 * Knows whether someone is signed in. On load it trades the refresh cookie for an access token, so
 * a reload keeps the session without any token stored in the page.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<AuthState>({ status: 'checking', notice: undefined });

  const check = useCallback(() => {
    setState((current) => ({ ...current, status: 'checking' }));
    void refreshSession().then((outcome) => {
      if (outcome === 'refreshed') return; // onSessionChange reports it
      if (outcome === 'unavailable') setState({ status: 'unreachable', notice: undefined });
      else setState({ status: 'signed-out', notice: hadSession() ? SESSION_ENDED : undefined });
    });
  }, []);

  useEffect(() => {
    const unsubscribe = onSessionChange((event) => {
      if (event.type === 'started') {
        setState({ status: 'signed-in', notice: undefined });
        return;
      }
      // Nothing of the last person's data stays in the cache for the next one.
      queryClient.clear();
      setState({ status: 'signed-out', notice: noticeFor[event.reason] });
    });
    check();
    return unsubscribe;
  }, [check, queryClient]);

  const clearNotice = useCallback(() => setState((current) => ({ ...current, notice: undefined })), []);
  const value = useMemo(() => ({ ...state, retry: check, clearNotice }), [state, check, clearNotice]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
