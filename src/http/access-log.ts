/**
 * The access log: one line per request, written once it has been answered, in place of Fastify's
 * two ("incoming request" and "request completed").
 *
 * The line names the path without its query string, and a calendar feed's path without its token.
 * Query strings carry the single-use tokens of the emailed links (`/reset-password?token=…`,
 * `/verify-email?token=…`, `/confirm-email?token=…`, unsubscribe links) and people's search terms;
 * `/cal/<token>.ics` is a feed's only key. None of them belongs in a log file that lives for months
 * and is read by whoever runs the server.
 */
import type { FastifyInstance } from 'fastify';

const FEED_PREFIX = '/cal/';

/** `url` as the access log shows it: the path alone, with a feed's token masked. */
export function loggedPath(url: string): string {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path.startsWith(FEED_PREFIX) ? `${FEED_PREFIX}<token>.ics` : path;
}

/** `arrivals`: also a debug line as each request comes in, which a request that never ends leaves behind. */
export function registerAccessLog(app: FastifyInstance, { arrivals }: { arrivals: boolean }): void {
  if (arrivals) {
    app.addHook('onRequest', (request, _reply, done) => {
      request.log.debug({ method: request.method, path: loggedPath(request.url) }, 'incoming request');
      done();
    });
  }
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        path: loggedPath(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ip: request.ip,
      },
      'request',
    );
    done();
  });
}
