/**
 * Shutting down without dropping a request. Node's `server.close()` stops listening and at once
 * destroys every idle keep-alive socket, so a request a client sent on one a moment earlier is
 * met with a reset. Draining keeps those sockets instead: listening stops, every request that
 * still arrives on an open socket is answered (Fastify adds `Connection: close` once closing, and
 * /api/ready answers 503), and idle sockets are closed only when their clients have left or the
 * linger time is up.
 */
import type { FastifyInstance } from 'fastify';

const draining = new WeakSet<FastifyInstance>();

/** Whether `app` is shutting down; readiness then fails, so a load balancer sends nothing new. */
export const isDraining = (app: FastifyInstance) => draining.has(app);

export function registerDrain(app: FastifyInstance): void {
  app.addHook('preClose', async () => {
    draining.add(app);
  });
}

const openConnections = (app: FastifyInstance) =>
  new Promise<number>((resolve) => app.server.getConnections((error, count) => resolve(error ? 0 : count)));

/** Closes `app`, giving open keep-alive sockets up to `lingerMs` to be used and left. */
export async function drainAndClose(app: FastifyInstance, lingerMs: number): Promise<void> {
  draining.add(app);
  const server = app.server;
  const closeIdle = server.closeIdleConnections.bind(server);
  server.closeIdleConnections = () => undefined;
  // Stops listening now; resolves once every socket has closed and the onClose hooks have run.
  const closed = app.close();
  const deadline = Date.now() + lingerMs;
  while (Date.now() < deadline && (await openConnections(app)) > 0) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  closeIdle();
  await closed;
}
