import { type ReactNode, useEffect, useId, useRef } from 'react';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  /** Shown inside the dialog, e.g. the API's answer when the action failed. */
  error?: ReactNode;
}

/**
 * A modal <dialog>: the browser traps focus inside it, Escape cancels, and focus returns to the
 * button that opened it. The safe choice (Cancel) has the focus first.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  // Several dialogs may be on one page: each names itself by its own title.
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) {
      dialog.showModal();
      cancelRef.current?.focus();
    }
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (!props.pending) props.onCancel();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      <div className="dialog-body">{props.children}</div>
      {props.error}
      <div className="actions">
        <button ref={cancelRef} type="button" className="button" onClick={props.onCancel} disabled={props.pending}>
          Cancel
        </button>
        <button
          type="button"
          className="button danger"
          onClick={props.onConfirm}
          disabled={props.pending}
          aria-busy={props.pending || undefined}
        >
          {props.pending ? props.pendingLabel : props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
