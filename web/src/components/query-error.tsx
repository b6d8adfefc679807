import { messageOf } from '../api/api-error.js';

/** A failed load: what went wrong, and a way to try again. */
export function QueryError({ error, retry, what }: { error: unknown; retry?: () => unknown; what: string }) {
  return (
    <div className="alert error" role="alert">
      <p>
        <strong>Couldn't load {what}.</strong> {messageOf(error)}
      </p>
      {retry ? (
        <button type="button" className="button small" onClick={() => void retry()}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
