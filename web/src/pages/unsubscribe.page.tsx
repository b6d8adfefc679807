import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../api/api-error.js';
import { unsubscribeFromReminders } from '../api/reminders.api.js';
import { PageHeader } from '../components/page-header.js';
import { FormError } from '../forms/form-alert.js';

/**
 * Where a reminder email's "turn reminders off" link leads. Opening the page changes nothing: mail
 * scanners and link previews open links on their own, so only the button press turns reminders off.
 * (Mail clients' own unsubscribe buttons POST to the List-Unsubscribe address and skip this page.)
 */
export function UnsubscribePage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const turnOff = useMutation({ mutationFn: unsubscribeFromReminders });
  const doneRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    if (turnOff.isSuccess) doneRef.current?.focus();
  }, [turnOff.isSuccess]);

  if (turnOff.isSuccess) {
    return (
      <div className="card narrow">
        <PageHeader title="Birthday reminders are off" />
        <p ref={doneRef} role="status" tabIndex={-1}>
          You will get no more birthday reminder emails from Kith.
        </p>
        <p className="muted">
          Changed your mind? Turn them on again under Birthday reminders in your <Link to="/profile">Profile</Link>.
        </p>
      </div>
    );
  }

  const invalid = !token || (turnOff.error instanceof ApiError && ['INVALID_TOKEN', 'VALIDATION_FAILED'].includes(turnOff.error.code));
  if (invalid) {
    return (
      <div className="card narrow">
        <PageHeader title="This link doesn't work" />
        <p role="alert">
          {token
            ? 'The link is not complete or was changed. Open it from the reminder email again.'
            : 'The link is missing its code. Open it from the reminder email again.'}
        </p>
        <p className="muted">
          You can also turn reminders off under Birthday reminders in your <Link to="/profile">Profile</Link>.
        </p>
      </div>
    );
  }

  return (
    <div className="card narrow">
      <PageHeader title="Turn off birthday reminders?" />
      <p>Kith will stop emailing you about your contacts’ birthdays. Nothing else changes, and you can turn them on again in your Profile.</p>
      <FormError error={turnOff.error} />
      <button
        type="button"
        className="button primary"
        disabled={turnOff.isPending}
        aria-busy={turnOff.isPending || undefined}
        onClick={() => turnOff.mutate(token)}
      >
        {turnOff.isPending ? 'Turning off…' : 'Turn off reminders'}
      </button>
    </div>
  );
}
