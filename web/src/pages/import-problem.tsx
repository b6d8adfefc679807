import { ApiError, messageOf } from '../api/api-error.js';

/** Checking the file (the dry run) or importing it for real. */
export type ImportStep = 'check' | 'import';

const codeOf = (error: unknown) => (error instanceof ApiError ? error.code : undefined);
const statusOf = (error: unknown) => (error instanceof ApiError ? error.status : undefined);

function headline(error: unknown, step: ImportStep): string {
  if (codeOf(error) === 'CONTACT_LIMIT_REACHED') return 'These contacts don’t all fit.';
  const status = statusOf(error);
  if (status === 400) return 'Kith couldn’t read this file.';
  if (status === 413) return 'This file is too large.';
  if (step === 'check') return 'The file couldn’t be checked.';
  // Any answer from the server means the import, which is all or nothing, wrote nothing.
  return status ? 'Nothing was imported.' : 'The import may not have gone through.';
}

/** What to do next, where the server's words don't already say it. */
function nextStep(error: unknown, step: ImportStep): string | undefined {
  if (codeOf(error) === 'CONTACT_LIMIT_REACHED') {
    return 'Import a file with fewer new contacts, or delete some contacts first.';
  }
  const status = statusOf(error);
  if (status === 400 || status === 415) return 'Fix the file, or choose another one.';
  if (status === 413) return 'Split it into smaller files, up to 5 MB each.';
  if (step === 'import' && !status) return 'Look at your contacts before you try again.';
  return undefined;
}

/** Worth trying again with the same file: the network, or the server having a bad moment. */
const isPassing = (error: unknown) => {
  const status = statusOf(error);
  return status === 0 || (status !== undefined && status >= 500);
};

/**
 * Why a file was refused, in the server's words (where in the file, how many contacts fit), with
 * what to do about it.
 */
export function ImportProblem({ error, step, onRetry }: { error: unknown; step: ImportStep; onRetry?: () => void }) {
  const next = nextStep(error, step);
  return (
    <div className="alert error import-problem" role="alert">
      <p className="import-problem-headline">
        <strong>{headline(error, step)}</strong>
      </p>
      <p>{messageOf(error)}</p>
      {next ? <p>{next}</p> : null}
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
