import { type ReactNode, useEffect } from 'react';

/** Sets the tab title, which is also what a screen reader announces after navigation. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Kith` : 'Kith';
  }, [title]);
}

/**
 * The page's one <h1> (focusable, so focus lands on it after navigation) with optional actions
 * beside it; also names the browser tab.
 */
export function PageHeader({ title, children, lead }: { title: string; children?: ReactNode; lead?: ReactNode }) {
  usePageTitle(title);
  return (
    <div className="page-header">
      <div>
        <h1 tabIndex={-1}>{title}</h1>
        {lead ? <p className="lead">{lead}</p> : null}
      </div>
      {children ? <div className="page-actions">{children}</div> : null}
    </div>
  );
}
