import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../../errors.js';
import type { AuthService, Principal } from './auth.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** A preHandler that admits only requests with a valid access token of a live session. */
export function authenticateWith(auth: AuthService) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    const match = header ? /^Bearer +([^\s]+) *$/i.exec(header) : null;
    if (!match?.[1]) throw unauthorized('Send an access token as "Authorization: Bearer <token>"');
    request.principal = await auth.authenticate(match[1]);
  };
}

/** The caller of a route guarded by `authenticate`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}

/** OpenAPI: marks a route as needing the bearer token. */
export const bearerSecurity = [{ bearerAuth: [] }];
