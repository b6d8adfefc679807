import { z } from 'zod';

/** Stable, client-facing error codes. A client may branch on these; never rename one. */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'EMAIL_TAKEN'
  | 'INVALID_CREDENTIALS'
  | 'EMAIL_NOT_VERIFIED'
  | 'INVALID_CODE'
  | 'TWO_FACTOR_ALREADY_ENABLED'
  | 'TWO_FACTOR_NOT_ENABLED'
  | 'TWO_FACTOR_SETUP_REQUIRED'
  | 'INVALID_TOKEN'
  | 'CONTACT_LIMIT_REACHED'
  | 'APP_PASSWORD_LIMIT'
  | 'MERGE_TOO_LARGE'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNREADABLE_FILE'
  | 'BAD_REQUEST'
  | 'RATE_LIMITED'
  | 'UNAUTHORIZED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR';

const titles: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'Validation failed',
  EMAIL_TAKEN: 'Email already registered',
  INVALID_CREDENTIALS: 'Invalid credentials',
  EMAIL_NOT_VERIFIED: 'Email not verified',
  INVALID_CODE: 'Invalid code',
  TWO_FACTOR_ALREADY_ENABLED: 'Two-step sign-in already on',
  TWO_FACTOR_NOT_ENABLED: 'Two-step sign-in not on',
  TWO_FACTOR_SETUP_REQUIRED: 'Two-step sign-in setup required',
  INVALID_TOKEN: 'Invalid token',
  CONTACT_LIMIT_REACHED: 'Contact limit reached',
  APP_PASSWORD_LIMIT: 'App password limit reached',
  MERGE_TOO_LARGE: 'Merged contact too large',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNREADABLE_FILE: 'Unreadable file',
  BAD_REQUEST: 'Bad request',
  RATE_LIMITED: 'Too many requests',
  UNAUTHORIZED: 'Unauthorized',
  SERVICE_UNAVAILABLE: 'Service unavailable',
  INTERNAL_ERROR: 'Internal server error',
};

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  override name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    readonly detail: string,
    readonly options: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export type Problem = z.infer<typeof problemSchema>;

export function toProblem(error: AppError): Problem {
  return {
    type: `about:blank#${error.code.toLowerCase()}`,
    title: titles[error.code],
    status: error.status,
    detail: error.detail,
    code: error.code,
    ...(error.options.errors ? { errors: error.options.errors } : {}),
  };
}

export const notFound = (what = 'Resource') => new AppError('NOT_FOUND', 404, `${what} not found`);
export const unauthorized = (detail = 'Authentication required') => new AppError('UNAUTHORIZED', 401, detail);
export const invalidToken = (detail = 'The token is unknown, expired or already used') =>
  new AppError('INVALID_TOKEN', 400, detail);
