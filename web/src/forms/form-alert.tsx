import type { ReactNode } from 'react';
import { ApiError, type FieldError, messageOf } from '../api/api-error.js';

function summaryOf(error: unknown): string {
  // The fields say what is wrong with each of them; the summary only points there.
  if (error instanceof ApiError && error.code === 'VALIDATION_FAILED' && error.errors.length > 0) {
    return error.errors.length === 1 ? 'Check the highlighted field.' : 'Check the highlighted fields.';
  }
  return messageOf(error);
}

/** The API's answer to a failed submit, in words; field errors that belong to no input are listed. */
export function FormError({ error, extra, children }: { error: unknown; extra?: FieldError[]; children?: ReactNode }) {
  if (!error && (!extra || extra.length === 0)) return null;
  return (
    <div className="alert error" role="alert">
      {error ? <p>{summaryOf(error)}</p> : null}
      {extra && extra.length > 0 ? (
        <ul>
          {extra.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              {e.path}: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {children}
    </div>
  );
}

export function Notice({ tone = 'info', children }: { tone?: 'info' | 'success' | 'warning'; children: ReactNode }) {
  return (
    <div className={`alert ${tone}`} role="status">
      {children}
    </div>
  );
}

export function SubmitButton({
  pending,
  children,
  pendingLabel,
}: {
  pending: boolean;
  children: ReactNode;
  pendingLabel: string;
}) {
  return (
    <button type="submit" className="button primary" disabled={pending} aria-busy={pending || undefined}>
      {pending ? pendingLabel : children}
    </button>
  );
}
