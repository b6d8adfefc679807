import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable, loggableError } from '../db/unavailable.js';
import { AppError, type ErrorCode, type FieldError, toProblem } from '../errors.js';

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

export function sendProblem(reply: FastifyReply, error: AppError): FastifyReply {
  for (const [name, value] of Object.entries(error.options.headers ?? {})) reply.header(name, value);
  return reply.status(error.status).type(PROBLEM_TYPE).send(toProblem(error));
}

// Client errors Fastify raises itself (bad JSON, wrong content type, body too large, ...). Their
// messages describe the request, never the server, so they can be shown.
const codeByStatus: Partial<Record<number, ErrorCode>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/** At most this many problems are listed in a 400, each path and message at most MAX_TEXT characters. */
const MAX_LISTED_ERRORS = 20;
const MAX_TEXT = 300;
const clipped = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);

function toAppError(error: FastifyError | Error): AppError | undefined {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'body';
    // Capped, so a body built to fail in a hundred thousand places gets a short answer, not a longer one.
    const errors: FieldError[] = error.validation.slice(0, MAX_LISTED_ERRORS).map((issue) => ({
      path: clipped(issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || where),
      message: clipped(issue.message ?? 'Invalid value'),
    }));
    const first = errors[0];
    const more = error.validation.length - errors.length;
    const detail =
      error.validation.length === 1 && first
        ? `${first.path}: ${first.message}`
        : more > 0
          ? `Some fields are not valid (the first ${errors.length} are listed; ${more} more)`
          : 'Some fields are not valid';
    return new AppError('VALIDATION_FAILED', 400, detail, { errors });
  }
  const status = 'statusCode' in error ? error.statusCode : undefined;
  if (status && status >= 400 && status < 500) {
    const code = codeByStatus[status] ?? 'BAD_REQUEST';
    return new AppError(code, status, error.message);
  }
  return undefined;
}

const databaseUnavailable = () =>
  new AppError('SERVICE_UNAVAILABLE', 503, 'The database is not available right now; try again in a few seconds', {
    headers: { 'retry-after': '5' },
  });

/** Turns every error into RFC 9457 problem+json; anything unexpected becomes a generic 500. */
export function registerErrorHandling(app: FastifyInstance): void {
  // One line per outage (at most one a minute while it lasts), not one per failed query.
  let unavailableLoggedAt = -Infinity;

  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = toAppError(error);
    if (known) {
      if (known.status >= 500) request.log.error({ err: loggableError(error) }, known.detail);
      return sendProblem(reply, known);
    }
    if (isDatabaseUnavailable(error)) {
      if (performance.now() - unavailableLoggedAt > 60_000) {
        unavailableLoggedAt = performance.now();
        request.log.error({ err: loggableError(error) }, 'database unavailable');
      }
      return sendProblem(reply, databaseUnavailable());
    }
    // The details stay in the log, tied to the request id; the client learns only that it failed.
    request.log.error({ err: loggableError(error) }, 'unhandled error');
    return sendProblem(
      reply,
      new AppError('INTERNAL_ERROR', 500, `Something went wrong on our side (request ${request.id})`),
    );
  });

  // Fastify's router answers 404 for a known path with an unknown method; tell the client which
  // methods do exist instead (405 with Allow).
  const routes: Array<{ pattern: RegExp; methods: string[] }> = [];
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat().map(String);
    const pattern = new RegExp(`^${route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+')}/?$`);
    routes.push({ pattern, methods });
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods));
    if (allowed.size > 0) {
      const allow = [...allowed].sort().join(', ');
      return sendProblem(
        reply,
        new AppError('METHOD_NOT_ALLOWED', 405, `${request.method} is not allowed here; use ${allow}`, {
          headers: { allow },
        }),
      );
    }
    return sendProblem(reply, new AppError('NOT_FOUND', 404, `No route for ${request.method} ${path}`));
  });
}
