/**
 * Telling "the database is not there right now" apart from every other error: a PostgreSQL
 * restart or failover ends connections (FATAL 57P01 admin_shutdown, 57P02/57P03, class 08), new
 * ones are refused while it is down (ECONNREFUSED, "the database system is starting up"), and the
 * pool times out waiting. Such a request gets 503 with Retry-After, not a 500, and the log says
 * "database unavailable" once per outage instead of every failed query with its SQL.
 */

const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006', '55000']);
const UNAVAILABLE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /not queryable/i,
  /connection (?:is )?(?:closed|ended)/i,
  /terminating connection due to administrator command/i,
  /the database system is (?:starting up|shutting down|in recovery mode)/i,
  /does not allow connections/i,
];

/** True when `error`, or anything in its cause chain (Drizzle wraps driver errors), is the database being away. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 6; depth += 1) {
    const fields = current as Error & { code?: unknown };
    if (typeof fields.code === 'string' && (UNAVAILABLE_SQLSTATES.has(fields.code) || UNAVAILABLE_NETWORK_CODES.has(fields.code))) {
      return true;
    }
    if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(current instanceof Error ? current.message : ''))) return true;
    current = current.cause;
  }
  return false;
}

/**
 * An error for the log without the SQL's parameters: Drizzle's message repeats the query and its
 * bound values (ids, emails), so only the driver's cause and the statement text are kept.
 */
export function loggableError(error: unknown): unknown {
  if (!(error instanceof Error) || !('query' in error)) return error;
  const { query, cause } = error as Error & { query?: unknown; cause?: unknown };
  return { type: error.name, query, cause };
}
