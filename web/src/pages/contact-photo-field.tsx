import { useEffect, useId, useState } from 'react';
import { InitialsAvatar } from '../components/initials-avatar.js';
import { useFocusLater } from '../forms/use-focus-later.js';
import { PICTURE_ACCEPT, pictureProblem } from '../lib/pictures.js';

/** What saving the form does to the photo; it is sent after the contact's fields are saved. */
export type PhotoChange = { kind: 'keep' } | { kind: 'replace'; file: File } | { kind: 'remove' };

interface ContactPhotoFieldProps {
  /** The saved photo, if any. */
  current: string | null;
  firstName: string;
  lastName: string;
  change: PhotoChange;
  onChange: (change: PhotoChange) => void;
  /** From 0 to 1 while the photo is uploading; undefined otherwise. */
  progress: number | undefined;
}

/**
 * The contact's photo, chosen with the rest of the form: a preview at once, saved (with a progress
 * bar) by the same Save button, and dropped by Cancel like every other change.
 */
export function ContactPhotoField({ current, firstName, lastName, change, onChange, progress }: ContactPhotoFieldProps) {
  const inputId = useId();
  const focusLater = useFocusLater();
  const [preview, setPreview] = useState<string>();
  const [problem, setProblem] = useState<string>();
  // A new key empties the file input when the choice is dropped.
  const [inputKey, setInputKey] = useState(0);
  const file = change.kind === 'replace' ? change.file : undefined;

  // The preview is a blob: URL of the chosen file, released when another is chosen or the form closes.
  useEffect(() => {
    if (!file) {
      setPreview(undefined);
      return undefined;
    }
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const choose = (chosen: File | undefined) => {
    const wrong = chosen ? pictureProblem(chosen) : undefined;
    setProblem(wrong);
    if (chosen && !wrong) onChange({ kind: 'replace', file: chosen });
    else onChange({ kind: 'keep' });
  };
  const drop = (next: PhotoChange) => {
    setProblem(undefined);
    setInputKey((key) => key + 1);
    onChange(next);
    // The pressed button gives way to its opposite; the file input stays.
    focusLater(inputId);
  };
  const uploading = progress !== undefined;
  const shown = preview ?? (change.kind === 'remove' ? null : current);

  return (
    <fieldset className="field photo-field">
      <legend>
        Photo <span className="optional">(optional)</span>
      </legend>
      <div className="avatar-row">
        {shown ? (
          <img
            className="avatar-large"
            src={shown}
            alt={preview ? 'Preview of the new photo' : 'The current photo'}
            width={96}
            height={96}
          />
        ) : (
          <InitialsAvatar firstName={firstName} lastName={lastName || null} size="large" />
        )}
        <div className="stack">
          <div className="actions photo-actions">
            {/* The native control, hidden but focusable, with its label drawn as the button. */}
            <input
              key={inputKey}
              id={inputId}
              className="visually-hidden file-input"
              type="file"
              accept={PICTURE_ACCEPT}
              disabled={uploading}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? `${inputId}-problem` : `${inputId}-hint`}
              onChange={(event) => choose(event.target.files?.[0])}
            />
            <label htmlFor={inputId} className="button small file-button">
              Choose a photo
            </label>
            {!uploading && change.kind === 'replace' ? (
              <button type="button" className="button small" onClick={() => drop({ kind: 'keep' })}>
                {current ? 'Keep the current photo' : 'Don’t use this photo'}
              </button>
            ) : null}
            {change.kind === 'keep' && current ? (
              <button type="button" className="button small" onClick={() => drop({ kind: 'remove' })}>
                Remove photo
              </button>
            ) : null}
            {change.kind === 'remove' ? (
              <button type="button" className="button small" onClick={() => drop({ kind: 'keep' })}>
                Keep the photo
              </button>
            ) : null}
          </div>
          {uploading ? (
            <div className="progress">
              <progress max={1} value={progress} aria-label="Upload progress" />
              <span>{Math.round(progress * 100)}%</span>
            </div>
          ) : null}
          {problem ? (
            <p className="field-error" id={`${inputId}-problem`} role="alert">
              {problem}
            </p>
          ) : (
            <p className="hint" id={`${inputId}-hint`}>
              {change.kind === 'replace'
                ? `${change.file.name} is saved when you save the contact.`
                : change.kind === 'remove'
                  ? 'The photo is removed when you save the contact.'
                  : 'JPEG or PNG, up to 5 MB.'}
            </p>
          )}
        </div>
      </div>
    </fieldset>
  );
}
