import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { Config } from '../config.js';

/** Kith's security headers, as helmet options. */
export function securityHeaderOptions(config: Pick<Config, 'appUrl'>): HelmetOptions {
  return {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        // A self-hosted Kith on plain http (a LAN address, say) would otherwise have the browser
        // rewrite every script and image URL to https and load nothing.
        upgradeInsecureRequests: config.appUrl.startsWith('https:') ? [] : null,
      },
    },
  };
}

/**
 * The headers helmet's middleware sets on a fresh response with these options, found by running it
 * once against a stand-in response that records them. The options must not depend on the request
 * (no CSP nonce functions): the result is reused for every response.
 */
export function computeSecurityHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name.toLowerCase(), String(value));
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  // Helmet reports a bad directive value (from a directive function) through next(error).
  if (failure !== undefined) throw new Error('helmet rejected the security header options', { cause: failure });
  return Object.fromEntries(headers);
}

/**
 * Sends helmet's security headers on every response: routes, 404s, errors, static files and CORS
 * preflights alike. A route may still set its own value of one (the avatar routes' stricter CSP,
 * the /docs page's CSP from swagger-ui).
 *
 * Why not @fastify/helmet: it runs helmet() anew on every request, parsing the CSP directives and
 * building every header again, which was about 4% of the server's CPU on GET /api/contacts/:id in
 * a CPU profile. The headers never change, so they are computed once here and copied onto each
 * reply by one cheap hook.
 */
export function registerSecurityHeaders(app: FastifyInstance, config: Pick<Config, 'appUrl'>): void {
  const headers = computeSecurityHeaders(securityHeaderOptions(config));
  // onRequest, so the headers are on the reply before anything can answer (a CORS preflight, the
  // 404 handler, an error) and anything later (a route, swagger-ui's onSend) can override one.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
