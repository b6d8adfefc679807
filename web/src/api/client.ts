import { ApiError, offlineError, problemFrom } from './api-error.js';
import { currentAccessToken, endSession, refreshSession } from './session.js';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Public routes (sign-in, sign-up, ...) send no token and never try to refresh. */
  auth?: boolean;
  signal?: AbortSignal;
}

export const SESSION_ENDED = 'Your session has ended. Please sign in again.';

function urlFor(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = options.auth === false ? null : currentAccessToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  try {
    return await fetch(urlFor(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw offlineError();
  }
}

/** Answers a 401 on a signed-in request: refresh once and say whether to retry. */
export async function recoverFromUnauthorized(): Promise<boolean> {
  const outcome = await refreshSession();
  if (outcome === 'refreshed') return true;
  if (outcome === 'rejected') {
    endSession('expired');
    throw new ApiError(401, 'UNAUTHORIZED', SESSION_ENDED);
  }
  throw offlineError();
}

/** The body of an answer: parsed JSON, the text when it isn't JSON, undefined when empty. */
export async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Calls the Kith API. Resolves with the parsed body; rejects with an ApiError whose `detail` can be
 * shown as it is. A signed-in request that meets a 401 refreshes the session once and tries again.
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await request(path, options);
  const body = await readBody(response);
  if (!response.ok) throw problemFrom(response.status, body);
  return body as T;
}

/** A request as `api` sends it (token, one refresh and retry on a 401), answered as the raw Response. */
export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  let response = await send(path, options);
  if (response.status === 401 && options.auth !== false && (await recoverFromUnauthorized())) {
    response = await send(path, options);
  }
  return response;
}
