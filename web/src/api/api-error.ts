/** A failed request, in words a person can read: the problem+json `detail` and any field errors. */
export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail);
  }
}

const OFFLINE_DETAIL = "Kith can't be reached right now. Check your connection and try again.";

export const offlineError = () => new ApiError(0, 'NETWORK_ERROR', OFFLINE_DETAIL);

// Used only when the server's answer has no problem body (a proxy's error page, say).
function fallbackDetail(status: number): string {
  if (status === 401) return 'Please sign in again.';
  if (status === 403) return "You aren't allowed to do that.";
  if (status === 404) return "That wasn't found. It may have been deleted.";
  if (status === 413) return 'That is too large.';
  if (status === 429) return 'Too many attempts. Wait a little and try again.';
  if (status >= 500) return 'Something went wrong on the server. Try again in a moment.';
  return `The request failed (HTTP ${status}).`;
}

function isFieldError(value: unknown): value is FieldError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as FieldError).path === 'string' &&
    typeof (value as FieldError).message === 'string'
  );
}

/** Reads an error response's problem+json body; anything else becomes a plain message for its status. */
export function problemFrom(status: number, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null) {
    const { code, detail, errors } = body as Record<string, unknown>;
    if (typeof detail === 'string') {
      const fieldErrors = Array.isArray(errors) ? errors.filter(isFieldError) : [];
      return new ApiError(status, typeof code === 'string' ? code : 'HTTP_ERROR', detail, fieldErrors);
    }
  }
  return new ApiError(status, 'HTTP_ERROR', fallbackDetail(status));
}

/** Any thrown value as a sentence for the screen. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Try again.';
}
