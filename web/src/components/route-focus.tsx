import { useEffect, useRef } from 'react';
import { Outlet, useLocation } from 'react-router';

const WAIT_FOR_HEADING_MS = 3000;

/**
 * After a route change, focus moves to the new page's <h1>, as a full page load would start from
 * the top: keyboard and screen-reader users land on what just appeared, not on a vanished button.
 * A page still loading gets its focus once its heading shows.
 */
function useFocusHeadingOnNavigate(): void {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return undefined;
    }
    const focusHeading = () => {
      const heading = document.querySelector<HTMLElement>('main h1');
      heading?.focus();
      return heading !== null;
    };
    if (focusHeading()) return undefined;
    const observer = new MutationObserver(() => {
      if (focusHeading()) observer.disconnect();
    });
    observer.observe(document.body, { childList: true, subtree: true });
    const timer = setTimeout(() => observer.disconnect(), WAIT_FOR_HEADING_MS);
    return () => {
      observer.disconnect();
      clearTimeout(timer);
    };
  }, [pathname]);
}

/** The root of every route. */
export function RootLayout() {
  useFocusHeadingOnNavigate();
  return <Outlet />;
}
