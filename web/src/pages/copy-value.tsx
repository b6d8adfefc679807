import { useEffect, useRef, useState } from 'react';

type Outcome = 'copied' | 'selected';

/** Selects the element's text, so the person can copy it with the keyboard or the phone's menu. */
function selectText(element: HTMLElement): void {
  const selection = window.getSelection();
  if (!selection) return;
  const range = document.createRange();
  range.selectNodeContents(element);
  selection.removeAllRanges();
  selection.addRange(range);
}

/**
 * A value to type into another program, with a Copy button. Where the clipboard can't be written
 * (an http:// address, a browser that says no), the value is selected instead and the button says
 * how to copy it.
 */
export function CopyValue({ label, value }: { label: string; value: string }) {
  const valueRef = useRef<HTMLElement>(null);
  const [outcome, setOutcome] = useState<Outcome>();

  // "Copied" is a moment's confirmation, not a state the row stays in.
  useEffect(() => {
    if (outcome !== 'copied') return undefined;
    const timer = window.setTimeout(() => setOutcome(undefined), 2500);
    return () => window.clearTimeout(timer);
  }, [outcome]);

  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setOutcome('copied');
    } catch {
      if (valueRef.current) selectText(valueRef.current);
      setOutcome('selected');
    }
  };

  return (
    <div className="copy-value">
      <dt>{label}</dt>
      <dd>
        <code ref={valueRef} onFocus={(event) => selectText(event.currentTarget)} tabIndex={0}>
          {value}
        </code>
        <button type="button" className="button small" onClick={() => void copy()}>
          Copy<span className="visually-hidden"> {label.toLowerCase()}</span>
        </button>
        <span className="copy-status" role="status">
          {outcome === 'copied' ? `${label} copied` : null}
          {outcome === 'selected' ? 'Selected: press Ctrl+C (⌘C on a Mac) or use Copy in your menu' : null}
        </span>
      </dd>
    </div>
  );
}
