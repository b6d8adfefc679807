import { useState } from 'react';
import { messageOf } from '../api/api-error.js';
import { downloadFile, saveBlob } from '../api/download.js';

type Format = 'vcard' | 'csv';

const FORMATS: Array<{ format: Format; label: string; fallback: string }> = [
  { format: 'vcard', label: 'Download vCard', fallback: 'kith-contacts.vcf' },
  { format: 'csv', label: 'Download CSV', fallback: 'kith-contacts.csv' },
];

export interface ContactsExport {
  running: Format | null;
  error: string;
  start: (format: Format) => void;
}

/** Downloads every contact, as a vCard file or a Google Contacts CSV; one at a time. */
export function useContactsExport(): ContactsExport {
  const [running, setRunning] = useState<Format | null>(null);
  const [error, setError] = useState('');

  const start = (format: Format) => {
    if (running) return;
    const fallback = FORMATS.find((f) => f.format === format)!.fallback;
    setRunning(format);
    setError('');
    downloadFile(`/api/contacts/export?format=${format}`, fallback)
      .then((file) => saveBlob(file.blob, file.filename))
      .catch((caught: unknown) => setError(`The download didn’t work. ${messageOf(caught)}`))
      .finally(() => setRunning(null));
  };
  return { running, error, start };
}

/**
 * The two download buttons. They stay focusable while a download runs (aria-disabled, not
 * disabled), so a keyboard user keeps their place.
 */
export function ExportButtons({ running, start }: ContactsExport) {
  return (
    <div className="export-buttons" role="group" aria-label="Export contacts">
      {FORMATS.map(({ format, label }) => (
        <button
          key={format}
          type="button"
          className="button"
          aria-disabled={running !== null}
          aria-busy={running === format}
          onClick={() => start(format)}
        >
          {running === format ? (
            <>
              <span className="spinner small" aria-hidden="true" />
              Preparing…
            </>
          ) : (
            label
          )}
        </button>
      ))}
      <span className="visually-hidden" aria-live="polite">
        {running ? 'Preparing the download…' : ''}
      </span>
    </div>
  );
}

export function ExportError({ error }: { error: string }) {
  return error ? (
    <p className="alert error" role="alert">
      {error}
    </p>
  ) : null;
}
