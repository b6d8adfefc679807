import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { type ImportReport, importContacts, importFileProblem } from '../api/imports.api.js';
import { queryKeys } from '../api/queries.js';
import { PageHeader } from '../components/page-header.js';
import { Notice } from '../forms/form-alert.js';
import { useFocusLater } from '../forms/use-focus-later.js';
import '../styles/import.css';
import type { FlashState } from './contacts-list.page.js';
import { ImportFilePicker } from './import-file-picker.js';
import { ImportProblem, LocalProblem } from './import-problem.js';
import { FORMAT_NAMES, ImportItems, totalsOf, writtenBy } from './import-report.js';

type Phase = 'choose' | 'checking' | 'preview' | 'importing' | 'done';

const contactsWord = (n: number) => (n === 1 ? '1 contact' : `${n} contacts`);

/** The bar while the bytes go up; once they are all sent, what the server is doing with them. */
function UploadProgress({ progress, what, then }: { progress: number; what: string; then: string }) {
  const id = useId();
  if (progress >= 1) {
    return (
      <p className="import-working">
        <span className="spinner small" aria-hidden="true" />
        {then}
      </p>
    );
  }
  return (
    <div className="import-upload">
      <label htmlFor={id}>{what}…</label>
      <div className="progress">
        <progress id={id} max={1} value={progress} />
        <span>{Math.round(progress * 100)}%</span>
      </div>
    </div>
  );
}

/** The file, its format and what importing it does, as the server's dry run reported them. */
function Facts({ fileName, report }: { fileName: string; report: ImportReport }) {
  return (
    <dl className="import-facts">
      <div>
        <dt>File</dt>
        <dd className="import-file-name">{fileName}</dd>
      </div>
      <div>
        <dt>Format</dt>
        <dd>{FORMAT_NAMES[report.format]}</dd>
      </div>
      <div>
        <dt>Contacts</dt>
        <dd className="import-totals">{totalsOf(report)}</dd>
      </div>
    </dl>
  );
}

/**
 * Import from a vCard or CSV file in two steps: the server reads the file without changing anything
 * (a dry run) and the page shows what would happen; "Import" sends the same file for real.
 */
export function ImportPage() {
  const queryClient = useQueryClient();
  const inputId = useId();
  const focusLater = useFocusLater();
  const previewHeading = useRef<HTMLHeadingElement>(null);
  const doneHeading = useRef<HTMLHeadingElement>(null);
  const checking = useRef<AbortController>(undefined);
  const [file, setFile] = useState<File>();
  const [problem, setProblem] = useState<string>();
  const [progress, setProgress] = useState(0);

  const check = useMutation({
    mutationFn: (chosen: File) => {
      checking.current = new AbortController();
      return importContacts(chosen, { dryRun: true, onProgress: setProgress, signal: checking.current.signal });
    },
    onMutate: () => setProgress(0),
  });
  const commit = useMutation({
    mutationFn: (chosen: File) => importContacts(chosen, { dryRun: false, onProgress: setProgress }),
    onMutate: () => setProgress(0),
    // Everything under 'contacts' (the list, birthdays, the trash) loads again with the new contacts.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.contacts }),
  });

  const phase: Phase = commit.isSuccess
    ? 'done'
    : commit.isPending
      ? 'importing'
      : check.isSuccess
        ? 'preview'
        : check.isPending
          ? 'checking'
          : 'choose';

  // What just appeared gets the focus, so keyboard and screen-reader users start reading there.
  useEffect(() => {
    if (check.data) previewHeading.current?.focus();
  }, [check.data]);
  useEffect(() => {
    if (commit.data) doneHeading.current?.focus();
  }, [commit.data]);

  // Leaving the page stops a check still uploading; an import already sent goes on.
  useEffect(() => () => checking.current?.abort(), []);

  // Resetting a mutation detaches it, so an upload stopped here never reports back.
  const stopChecking = () => {
    checking.current?.abort();
    check.reset();
    commit.reset();
  };
  const choose = (chosen: File) => {
    stopChecking();
    const wrong = importFileProblem(chosen);
    setProblem(wrong);
    setFile(wrong ? undefined : chosen);
    if (!wrong) check.mutate(chosen);
  };
  const startOver = () => {
    stopChecking();
    setFile(undefined);
    setProblem(undefined);
    focusLater(inputId);
  };

  const announcement =
    phase === 'checking' && file
      ? `Checking ${file.name}…`
      : phase === 'preview' && check.data
        ? `Checked: ${totalsOf(check.data)}. Nothing has changed yet.`
        : phase === 'importing'
          ? 'Importing…'
          : phase === 'done' && commit.data
            ? `Import finished: ${totalsOf(commit.data)}.`
            : '';

  return (
    <>
      <PageHeader
        title="Import contacts"
        lead="From a vCard file, or a CSV from Google Contacts or Outlook. Nothing changes until you’ve seen what will."
      />
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>

      {phase === 'choose' || phase === 'checking' ? (
        <section className="card import-choose">
          <h2>Choose a file</h2>
          <ImportFilePicker
            inputId={inputId}
            again={Boolean(problem ?? check.error)}
            onFile={choose}
            onProblem={(text) => {
              stopChecking();
              setFile(undefined);
              setProblem(text);
            }}
          />
          {phase === 'checking' && file ? (
            <div className="import-progress">
              <UploadProgress progress={progress} what={`Sending ${file.name}`} then={`Reading ${file.name}…`} />
              <button type="button" className="button small" onClick={startOver}>
                Cancel
              </button>
            </div>
          ) : null}
          {problem ? <LocalProblem problem={problem} /> : null}
          {check.isError ? (
            <ImportProblem error={check.error} step="check" onRetry={file ? () => check.mutate(file) : undefined} />
          ) : null}
          <ul className="import-notes">
            <li>A card whose UID is already one of your contacts updates that contact instead of adding a copy.</li>
            <li>Kith keeps up to 100 contacts. A file with more new ones than fit is refused as a whole.</li>
          </ul>
        </section>
      ) : null}

      {(phase === 'preview' || phase === 'importing') && file && check.data ? (
        <section className="card import-preview" aria-labelledby="import-preview-heading">
          <h2 id="import-preview-heading" ref={previewHeading} tabIndex={-1}>
            Check before importing
          </h2>
          <Facts fileName={file.name} report={check.data} />
          {writtenBy(check.data) > 0 ? (
            <p className="muted">Nothing has changed yet.</p>
          ) : (
            <Notice tone="info">Nothing in this file would change your contacts.</Notice>
          )}
          <div className="actions">
            {writtenBy(check.data) > 0 ? (
              // aria-disabled, not disabled: the focus stays on the button while the import runs.
              <button
                type="button"
                className="button primary"
                aria-disabled={phase === 'importing'}
                aria-busy={phase === 'importing'}
                onClick={() => phase === 'preview' && commit.mutate(file)}
              >
                {phase === 'importing' ? 'Importing…' : `Import ${contactsWord(writtenBy(check.data))}`}
              </button>
            ) : null}
            <button
              type="button"
              className="button"
              aria-disabled={phase === 'importing'}
              onClick={() => phase === 'preview' && startOver()}
            >
              Choose another file
            </button>
          </div>
          {phase === 'importing' ? (
            <UploadProgress progress={progress} what={`Sending ${file.name}`} then="Importing…" />
          ) : null}
          {commit.isError ? (
            // No "Try again" here: a lost answer may hide an import that went through, and a second
            // one would add the file's contacts twice. The Import button is still there, on purpose.
            <ImportProblem error={commit.error} step="import" />
          ) : null}
          <ImportItems report={check.data} fileName={file.name} />
        </section>
      ) : null}

      {phase === 'done' && file && commit.data ? (
        <section className="card import-done" aria-labelledby="import-done-heading">
          <h2 id="import-done-heading" ref={doneHeading} tabIndex={-1}>
            Import finished
          </h2>
          <Facts fileName={file.name} report={commit.data} />
          <div className="actions">
            <Link
              className="button primary"
              to="/contacts"
              state={{ flash: `Imported from ${file.name}: ${totalsOf(commit.data)}.` } satisfies FlashState}
            >
              Go to your contacts
            </Link>
            <button type="button" className="button" onClick={startOver}>
              Import another file
            </button>
          </div>
          <ImportItems report={commit.data} fileName={file.name} />
        </section>
      ) : null}
    </>
  );
}
