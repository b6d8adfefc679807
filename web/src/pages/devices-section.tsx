import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { type Session, listSessions, sessionsKey, signOutOtherSessions, signOutSession } from '../api/sessions.api.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Loading } from '../components/loading.js';
import { QueryError } from '../components/query-error.js';
import { FormError } from '../forms/form-alert.js';
import { fullTime, timeAgo } from '../lib/relative-time.js';
import '../styles/devices.css';

const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

type Confirming = { kind: 'one'; session: Session } | { kind: 'others'; count: number };

/** "Now" that moves on every minute, so "5 minutes ago" doesn't go stale while the page is open. */
function useMinuteClock(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/**
 * Where the account is signed in: one row per live sign-in, this browser marked, each other one
 * with its own Sign out, and one button for all of them at once.
 */
export function DevicesSection() {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: sessionsKey, queryFn: listSessions });
  const now = useMinuteClock();
  const [confirming, setConfirming] = useState<Confirming>();
  const [done, setDone] = useState<string>();
  const doneRef = useRef<HTMLParagraphElement>(null);

  const signOut = useMutation({
    mutationFn: (target: Confirming) =>
      target.kind === 'one' ? signOutSession(target.session.id) : signOutOtherSessions(),
    onMutate: () => setDone(undefined),
    onSuccess: async (_, target) => {
      setConfirming(undefined);
      setDone(
        target.kind === 'one'
          ? `${target.session.device} was signed out.`
          : target.count === 1
            ? 'The other device was signed out.'
            : `The ${target.count} other devices were signed out.`,
      );
      await queryClient.invalidateQueries({ queryKey: sessionsKey });
    },
    onError: async () => {
      // Perhaps it was signed out meanwhile: show the list as it is now.
      await queryClient.invalidateQueries({ queryKey: sessionsKey });
    },
  });

  // The row (or rows) and their buttons are gone; the focus goes to the line saying so.
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  // This browser first, then the others as the server orders them (most recently used first).
  const items = [...(list.data?.items ?? [])].sort((a, b) => Number(b.current) - Number(a.current));
  const others = items.filter((session) => !session.current);
  const ask = (target: Confirming) => {
    signOut.reset();
    setConfirming(target);
  };

  return (
    <section className="card devices" aria-labelledby="devices-heading">
      <h2 id="devices-heading">Devices</h2>
      <p className="muted">
        Where your account is signed in. If you don’t recognise a device, sign it out and change your password.
      </p>

      {done ? (
        <p ref={doneRef} className="alert success" role="status" tabIndex={-1}>
          {done} It has to sign in again with your password.
        </p>
      ) : null}
      {list.isPending ? <Loading label="Loading your devices…" /> : null}
      {list.isError ? <QueryError error={list.error} retry={list.refetch} what="your devices" /> : null}
      {items.length > 0 ? (
        <ul className="device-list" aria-labelledby="devices-heading">
          {items.map((session) => {
            const lastUsed = timeAgo(session.lastUsedAt, now);
            return (
              <li key={session.id} className="device-row" aria-current={session.current ? 'true' : undefined}>
                <div className="device-what">
                  <span className="device-name">
                    {session.device}
                    {session.current ? <span className="device-badge">This device</span> : null}
                  </span>
                  <span className="muted small">
                    Signed in <time dateTime={session.createdAt}>{day.format(new Date(session.createdAt))}</time>
                    {' · '}
                    {session.current ? (
                      'in use now'
                    ) : (
                      <>
                        last used{' '}
                        <time dateTime={session.lastUsedAt} title={fullTime(session.lastUsedAt)}>
                          {lastUsed}
                        </time>
                      </>
                    )}
                  </span>
                </div>
                {session.current ? null : (
                  <button
                    type="button"
                    className="button small danger-outline"
                    onClick={() => ask({ kind: 'one', session })}
                  >
                    Sign out
                    <span className="visually-hidden">
                      {' '}
                      {session.device}, last used {lastUsed}
                    </span>
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      ) : null}
      {list.data && others.length === 0 ? <p className="muted">No other device is signed in.</p> : null}
      {others.length > 0 ? (
        <div className="actions">
          <button type="button" className="button danger-outline" onClick={() => ask({ kind: 'others', count: others.length })}>
            Sign out everywhere else
          </button>
        </div>
      ) : null}

      <ConfirmDialog
        open={confirming !== undefined}
        title={
          confirming?.kind === 'one'
            ? `Sign out ${confirming.session.device}?`
            : `Sign out ${confirming?.count === 1 ? 'the other device' : `all ${confirming?.count ?? ''} other devices`}?`
        }
        confirmLabel="Sign out"
        pendingLabel="Signing out…"
        pending={signOut.isPending}
        onConfirm={() => confirming && signOut.mutate(confirming)}
        onCancel={() => setConfirming(undefined)}
        error={<FormError error={signOut.error} />}
      >
        <p>
          {confirming?.kind === 'one' ? 'It is' : 'They are'} signed out at once and {confirming?.kind === 'one' ? 'has' : 'have'}{' '}
          to sign in again with your password. This browser stays signed in. App passwords (phones and computers
          syncing contacts) keep working; revoke those below.
        </p>
      </ConfirmDialog>
    </section>
  );
}
