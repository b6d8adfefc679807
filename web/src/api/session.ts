import type { TokenPair } from '../../../src/modules/auth/auth.schemas.js';

/**
 * The access token lives in this module's memory only: never in localStorage or a readable cookie,
 * so a script injected into the page can't carry it off. The refresh token travels only as the
 * server's httpOnly cookie (path /api/auth), which a reload keeps.
 */

export type RefreshOutcome = 'refreshed' | 'rejected' | 'unavailable';
export type SessionEvent = { type: 'started' } | { type: 'ended'; reason: EndReason };
/** `signed-out`: the person asked; `elsewhere`: another tab signed out; `expired`: the server refused the session. */
export type EndReason = 'signed-out' | 'elsewhere' | 'expired';

const REFRESH_RETRY_MS = 15_000;
// Not a secret: it only lets a reload tell "never signed in" from "your session ended".
const HINT_KEY = 'kith.hadSession';

let accessToken: string | null = null;
let expiresAt = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let inflight: Promise<RefreshOutcome> | null = null;
const listeners = new Set<(event: SessionEvent) => void>();
const channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel('kith-session');

channel?.addEventListener('message', (event: MessageEvent) => {
  if (event.data === 'signed-out' && accessToken) end('elsewhere');
});

export function currentAccessToken(): string | null {
  return accessToken;
}

export function onSessionChange(listener: (event: SessionEvent) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether this browser was signed in before (so a refused refresh means the session ended). */
export function hadSession(): boolean {
  try {
    return localStorage.getItem(HINT_KEY) === '1';
  } catch {
    return false;
  }
}

function setHint(on: boolean): void {
  try {
    if (on) localStorage.setItem(HINT_KEY, '1');
    else localStorage.removeItem(HINT_KEY);
  } catch {
    // Storage can be disabled; the hint only improves a message.
  }
}

function schedule(delayMs: number): void {
  clearTimeout(timer);
  timer = setTimeout(() => void refreshInBackground(), delayMs);
}

async function refreshInBackground(): Promise<void> {
  const outcome = await refreshSession();
  if (outcome === 'rejected') end('expired');
  // Offline or the server is busy: try again soon; a request in between refreshes on its own 401.
  if (outcome === 'unavailable') schedule(REFRESH_RETRY_MS);
}

/** Starts (or renews) the session with a fresh pair and plans the next silent refresh. */
export function startSession(pair: Pick<TokenPair, 'accessToken' | 'expiresIn'>): void {
  const wasSignedIn = accessToken !== null;
  accessToken = pair.accessToken;
  expiresAt = Date.now() + pair.expiresIn * 1000;
  setHint(true);
  // A minute before expiry (or at three quarters of a short lifetime), so requests never meet an expired token.
  schedule(Math.max(pair.expiresIn - 60, pair.expiresIn * 0.75) * 1000);
  if (!wasSignedIn) emit({ type: 'started' });
}

function end(reason: EndReason): void {
  const wasSignedIn = accessToken !== null;
  accessToken = null;
  expiresAt = 0;
  clearTimeout(timer);
  setHint(false);
  if (reason === 'signed-out') channel?.postMessage('signed-out');
  if (wasSignedIn || reason !== 'elsewhere') emit({ type: 'ended', reason });
}

export const endSession = end;

function emit(event: SessionEvent): void {
  for (const listener of listeners) listener(event);
}

/**
 * Trades the refresh cookie for a new token pair. One refresh at a time per tab, and (through the
 * Web Locks API) per browser: the server treats a spent refresh token as stolen and ends the whole
 * session, so two tabs must never present the same cookie.
 */
export function refreshSession(): Promise<RefreshOutcome> {
  inflight ??= withBrowserLock(requestRefresh).finally(() => {
    inflight = null;
  });
  return inflight;
}

async function withBrowserLock<T>(work: () => Promise<T>): Promise<T> {
  // navigator.locks exists only in secure contexts (https, localhost); elsewhere tabs just take their chances.
  if (typeof navigator === 'undefined' || !('locks' in navigator)) return work();
  return navigator.locks.request('kith-refresh', work);
}

async function requestRefresh(): Promise<RefreshOutcome> {
  let response: Response;
  try {
    response = await fetch('/api/auth/refresh', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
  } catch {
    return 'unavailable';
  }
  if (response.status === 401 || response.status === 400) return 'rejected';
  if (!response.ok) return 'unavailable';
  startSession((await response.json()) as TokenPair);
  return 'refreshed';
}

// A laptop waking from sleep may have missed the timer; catch up as soon as the page is seen.
if (typeof document !== 'undefined') {
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && accessToken && Date.now() > expiresAt - 30_000) {
      void refreshInBackground();
    }
  });
}
