import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import {
  type BirthdayCalendar,
  birthdayCalendarKey,
  createBirthdayCalendar,
  deleteBirthdayCalendar,
  findBirthdayCalendar,
} from '../api/birthday-calendar.api.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Loading } from '../components/loading.js';
import { QueryError } from '../components/query-error.js';
import { FormError } from '../forms/form-alert.js';
import { CopyValue } from './copy-value.js';
// CopyValue's look lives with the app passwords, its first home.
import '../styles/app-passwords.css';
import '../styles/birthday-calendar.css';

type Change = 'on' | 'rotated' | 'off';

const SAID: Record<Change, string> = {
  on: 'The birthday calendar is on. Add its address to your calendar app.',
  rotated:
    'The birthday calendar has a new address; the old one no longer works. Give the new one to your calendar apps.',
  off: 'The birthday calendar is off; its address no longer works.',
};

const DIALOG = {
  rotate: {
    title: 'Make a new address?',
    confirmLabel: 'Make a new address',
    pendingLabel: 'Making…',
    body: 'The current address stops working at once: a calendar subscribed to it gets no more updates until you give it the new address.',
  },
  off: {
    title: 'Turn off the birthday calendar?',
    confirmLabel: 'Turn off',
    pendingLabel: 'Turning off…',
    body: 'The address stops working at once, and calendars subscribed to it get no more updates. You can turn it on again any time; it then gets a new address.',
  },
} as const;

/**
 * The birthday calendar: a secret address that calendar apps subscribe to, one yearly event per
 * contact with a birthday. On, off, or a new address when the old one got out.
 */
export function BirthdayCalendarSection() {
  const queryClient = useQueryClient();
  const feed = useQuery({ queryKey: birthdayCalendarKey, queryFn: findBirthdayCalendar });
  const [confirming, setConfirming] = useState<keyof typeof DIALOG>();
  // A new object for every change, so the same news twice is still focused and read out.
  const [change, setChange] = useState<{ kind: Change }>();
  const changeRef = useRef<HTMLParagraphElement>(null);
  const rotateRef = useRef<HTMLButtonElement>(null);
  const offRef = useRef<HTMLButtonElement>(null);

  const settle = (kind: Change, calendar: BirthdayCalendar | null) => {
    queryClient.setQueryData(birthdayCalendarKey, calendar);
    setConfirming(undefined);
    setChange({ kind });
  };
  const turnOn = useMutation({
    mutationFn: createBirthdayCalendar,
    onMutate: () => setChange(undefined),
    onSuccess: (calendar) => settle('on', calendar),
  });
  const rotate = useMutation({
    mutationFn: createBirthdayCalendar,
    onMutate: () => setChange(undefined),
    onSuccess: (calendar) => settle('rotated', calendar),
  });
  const turnOff = useMutation({
    mutationFn: deleteBirthdayCalendar,
    onMutate: () => setChange(undefined),
    onSuccess: () => settle('off', null),
  });

  // The button pressed is gone (Turn on, Turn off) or its work is done: the focus goes to the line saying what changed.
  useEffect(() => {
    if (change) changeRef.current?.focus();
  }, [change]);

  const ask = (what: keyof typeof DIALOG) => {
    rotate.reset();
    turnOff.reset();
    setConfirming(what);
  };
  const cancel = () => {
    const opener = confirming === 'rotate' ? rotateRef : offRef;
    // The dialog leaves the page on closing (see below), so the focus is handed back by hand.
    flushSync(() => setConfirming(undefined));
    opener.current?.focus();
  };

  const calendar = feed.data;
  const dialog = confirming ? DIALOG[confirming] : undefined;
  const pending = confirming === 'rotate' ? rotate : turnOff;

  return (
    <section className="card birthday-calendar" aria-labelledby="birthday-calendar-heading">
      <h2 id="birthday-calendar-heading">Birthday calendar</h2>
      <p className="muted">
        Subscribe to your contacts’ birthdays in Google Calendar, Apple Calendar or Thunderbird: each birthday shows up
        as a yearly all-day event, and new contacts appear on their own.
      </p>

      {change ? (
        <p ref={changeRef} className="alert success" role="status" tabIndex={-1}>
          {SAID[change.kind]}
        </p>
      ) : null}
      {feed.isPending ? <Loading label="Loading your birthday calendar…" /> : null}
      {feed.isError ? <QueryError error={feed.error} retry={feed.refetch} what="your birthday calendar" /> : null}

      {calendar === null ? (
        <>
          <FormError error={turnOn.error} />
          <button
            type="button"
            className="button primary"
            disabled={turnOn.isPending}
            aria-busy={turnOn.isPending || undefined}
            onClick={() => turnOn.mutate()}
          >
            {turnOn.isPending ? 'Turning on…' : 'Turn on'}
          </button>
        </>
      ) : null}

      {calendar ? (
        <>
          <dl className="birthday-calendar-address">
            <CopyValue label="Calendar address" value={calendar.url} />
          </dl>
          <p className="hint">
            Anyone with this address can see your contacts’ names and birthdays. Keep it to yourself; if it gets out,
            make a new one.
          </p>
          <h3 id="birthday-calendar-how-heading">Add it to your calendar</h3>
          <ul className="birthday-calendar-how" aria-labelledby="birthday-calendar-how-heading">
            <li>
              <strong>Google Calendar</strong> (on the web): Other calendars → + → From URL.
            </li>
            <li>
              <strong>Apple Calendar</strong> (Mac): File → New Calendar Subscription.
            </li>
            <li>
              <strong>Thunderbird:</strong> New Calendar → On the Network.
            </li>
          </ul>
          <p className="hint">
            Paste the address there. Calendar apps look for changes every few hours, Google about once a day.
          </p>
          <div className="actions">
            <button ref={rotateRef} type="button" className="button" onClick={() => ask('rotate')}>
              New address
            </button>
            <button ref={offRef} type="button" className="button danger-outline" onClick={() => ask('off')}>
              Turn off
            </button>
          </div>
        </>
      ) : null}

      {/* Mounted only while open, so its title and texts always match the action it asks about. */}
      {dialog ? (
        <ConfirmDialog
          open
          title={dialog.title}
          confirmLabel={dialog.confirmLabel}
          pendingLabel={dialog.pendingLabel}
          pending={pending.isPending}
          onConfirm={() => pending.mutate()}
          onCancel={cancel}
          error={<FormError error={pending.error} />}
        >
          <p>{dialog.body}</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
