import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { devMailboxEnabled, devMailboxRoutes } from './dev-mailbox.js';

export interface WebAppOptions {
  config: Pick<Config, 'isProduction' | 'mail'>;
  /** The built single-page app (`vite build` output); defaults to the repository's web/dist. */
  distDir?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
// From src/web (tsx) or dist/src/web (the compiled server), web/dist is two or three levels up.
const defaultDistCandidates = [path.resolve(here, '../../web/dist'), path.resolve(here, '../../../web/dist')];

export function findWebDist(distDir?: string): string | undefined {
  const candidates = distDir ? [distDir] : defaultDistCandidates;
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
}

// Vite puts content-hashed files under /assets: a new build gives them new names, so they never go stale.
const IMMUTABLE = 'public, max-age=31536000, immutable';
// Everything else (index.html, favicon) is checked with the server on every use; ETags keep that cheap.
const REVALIDATE = 'no-cache';

/** Paths the API owns: a miss there is the API's problem+json 404, never the app's page. */
const isServerPath = (pathname: string) =>
  pathname === '/api' || pathname.startsWith('/api/') || pathname.startsWith('/docs') || pathname === '/openapi.json';

/**
 * Serves the web app: its files from web/dist, and index.html for any other GET, so the app's own
 * routes (/contacts/…, /verify-email?token=…) work on reload and from emailed links. Also mounts
 * the development mailbox when there is no mail server. Registered after the API routes.
 */
export async function webApp(app: FastifyInstance, options: WebAppOptions) {
  const mailbox = devMailboxEnabled(options.config);
  if (mailbox) await app.register(devMailboxRoutes, { prefix: '/api/dev', dir: options.config.mail.dir });

  const root = findWebDist(options.distDir);
  if (!root) {
    app.log.warn(
      { looked: options.distDir ?? defaultDistCandidates },
      'web app not built, so only the API is served; run `npm run build` (or `npm run dev:web` while developing)',
    );
    return;
  }
  const indexHtml = await readFile(path.join(root, 'index.html'));

  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per built file, found at startup; index.html is answered below with its own caching.
    wildcard: false,
    index: false,
    globIgnore: ['index.html'],
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply, file) => {
      const inAssets = path.relative(root, file).startsWith(`assets${path.sep}`);
      reply.header('cache-control', inAssets ? IMMUTABLE : REVALIDATE);
    },
  });

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    const isDevPage = pathname === '/dev' || pathname.startsWith('/dev/');
    // A missing hashed file must be a 404, not index.html served as JavaScript.
    if (isServerPath(pathname) || pathname.startsWith('/assets/') || (isDevPage && !mailbox)) {
      return reply.callNotFound();
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', REVALIDATE).send(indexHtml);
  });
}
