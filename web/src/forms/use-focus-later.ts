import { useEffect, useState } from 'react';

/**
 * Moves focus to the element with an id once it has rendered: to a row just added, or to the
 * "Add" button when the row that held the focus is removed, so the keyboard never falls to <body>.
 */
export function useFocusLater(): (id: string) => void {
  const [target, setTarget] = useState<string>();
  useEffect(() => {
    if (!target) return;
    document.getElementById(target)?.focus();
    setTarget(undefined);
  }, [target]);
  return setTarget;
}
