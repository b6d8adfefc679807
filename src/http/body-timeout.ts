/**
 * The request timeout for bodies. Node's `requestTimeout` stops a request whose headers trickle
 * in, but once the headers are complete it no longer watches the body, so a client sending one
 * byte a second could hold a request (and its socket) for as long as it liked. This gives the
 * whole request the same limit: a body still incomplete when the time is up gets a 408 and the
 * connection is closed.
 */
import type { FastifyInstance } from 'fastify';

const TIMED_OUT = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: application/problem+json\r\n';

export function registerBodyTimeout(app: FastifyInstance, timeoutMs: number): void {
  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw;
    if (raw.complete) {
      done();
      return;
    }
    const timer = setTimeout(() => {
      const socket = raw.socket as typeof raw.socket | undefined;
      if (raw.complete || reply.sent || typeof socket?.end !== 'function') return;
      request.log.info('request body not complete within the request timeout; closing the connection');
      const body = JSON.stringify({
        type: 'about:blank#request_timeout',
        title: 'Request timeout',
        status: 408,
        detail: `The request did not arrive whole within ${Math.round(timeoutMs / 1000)} s`,
        code: 'REQUEST_TIMEOUT',
      });
      socket.end(`${TIMED_OUT}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      socket.destroySoon();
    }, timeoutMs);
    timer.unref();
    const clear = () => clearTimeout(timer);
    // Watching ends when the body is in, the request is gone, or an answer went out without it.
    raw.once('end', clear);
    raw.once('close', clear);
    reply.raw.once('finish', clear);
    done();
  });
}
