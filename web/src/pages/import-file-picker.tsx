import { type DragEvent, useEffect, useState } from 'react';
import { IMPORT_ACCEPT } from '../api/imports.api.js';

interface ImportFilePickerProps {
  inputId: string;
  /** Once a file was refused, the button offers "another" one. */
  again: boolean;
  onFile: (file: File) => void;
  /** Said when more than one file is dropped at once. */
  onProblem: (problem: string) => void;
}

const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');

/**
 * The native file input (hidden but focusable, its label drawn as the button), inside a zone a file
 * can be dropped on. Keyboard and screen-reader users have the input; dropping is for the mouse.
 */
export function ImportFilePicker({ inputId, again, onFile, onProblem }: ImportFilePickerProps) {
  const [dragging, setDragging] = useState(false);

  // A file dropped beside the zone would make the browser leave Kith to show it.
  useEffect(() => {
    const refuse = (event: globalThis.DragEvent) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      if (event.type === 'dragover') event.dataTransfer.dropEffect = 'none';
    };
    window.addEventListener('dragover', refuse);
    window.addEventListener('drop', refuse);
    return () => {
      window.removeEventListener('dragover', refuse);
      window.removeEventListener('drop', refuse);
    };
  }, []);

  const over = (event: DragEvent<HTMLDivElement>) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.stopPropagation();
    event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const leave = (event: DragEvent<HTMLDivElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
  };
  const drop = (event: DragEvent<HTMLDivElement>) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.stopPropagation();
    setDragging(false);
    const files = [...event.dataTransfer.files];
    if (files.length > 1) onProblem('Drop one file at a time.');
    else if (files[0]) onFile(files[0]);
  };

  return (
    <div
      className={dragging ? 'drop-zone dragging' : 'drop-zone'}
      onDragEnter={over}
      onDragOver={over}
      onDragLeave={leave}
      onDrop={drop}
    >
      <input
        id={inputId}
        className="visually-hidden file-input"
        type="file"
        accept={IMPORT_ACCEPT}
        aria-describedby={`${inputId}-hint`}
        onChange={(event) => {
          const file = event.target.files?.[0];
          // Emptied at once, so choosing the same file again (once fixed, say) is still a change.
          event.target.value = '';
          if (file) onFile(file);
        }}
      />
      <label htmlFor={inputId} className="button primary file-button">
        {again ? 'Choose another file' : 'Choose a file'}
      </label>
      <p className="drop-hint" aria-hidden="true">
        {dragging ? 'Drop it to check it' : 'or drop it here'}
      </p>
      <p className="hint" id={`${inputId}-hint`}>
        A vCard file (.vcf) or a CSV exported from Google Contacts or Outlook, up to 5 MB.
      </p>
    </div>
  );
}
