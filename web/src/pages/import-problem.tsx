import { ApiError, messageOf } from '../api/api-error.js';

/** Checking the file (the dry run) or importing it for real. */
export type ImportStep = 'check' | 'import';

function headline(error: unknown, step: ImportStep): string {
  if (error instanceof ApiError) {
    if (error.code === 'CONTACT_LIMIT_REACHED') return 'Not all of these contacts fit.';
    if (error.status === 400) return 'Kith couldn’t read this file.';
    if (error.status === 413) return 'This file is too large.';
    if (error.status === 415) return 'Kith didn’t receive a file.';
  }
  return step === 'check' ? 'The file couldn’t be checked.' : 'The import didn’t go through.';
}

// A request that never got an answer may still have reached the server; any answer means the
// import, which is all or nothing, wrote nothing.
function outcome(error: unknown, step: ImportStep): string {
  const full = error instanceof ApiError && error.code === 'CONTACT_LIMIT_REACHED';
  if (full) return 'Nothing was imported. Import a file with fewer new contacts, or delete some contacts first.';
  if (step === 'check') return 'Nothing was imported. Fix the file, or choose another one.';
  if (error instanceof ApiError && error.status > 0) return 'Nothing was imported.';
  return 'It may or may not have reached Kith: look at your contacts before you try again.';
}

/** Worth trying again with the same file: the network, or the server having a bad moment. */
export const isPassing = (error: unknown) => error instanceof ApiError && (error.status === 0 || error.status >= 500);

/**
 * Why a file was refused, in the server's words (where in the file, how many contacts fit), with
 * what it means for the user's contacts.
 */
export function ImportProblem({ error, step, onRetry }: { error: unknown; step: ImportStep; onRetry?: () => void }) {
  return (
    <div className="alert error import-problem" role="alert">
      <p>
        <strong>{headline(error, step)}</strong> {messageOf(error)}
      </p>
      <p>{outcome(error, step)}</p>
      {onRetry && isPassing(error) ? (
        <button type="button" className="button small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** A problem found before anything was sent (too large, empty, several files dropped). */
export function LocalProblem({ problem }: { problem: string }) {
  return (
    <div className="alert error import-problem" role="alert">
      <p>{problem}</p>
    </div>
  );
}
