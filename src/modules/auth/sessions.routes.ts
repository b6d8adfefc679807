import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problems } from '../../http/openapi-helpers.js';
import { bearerSecurity, principalOf } from './authenticate.js';
import { sessionIdParamsSchema, sessionListSchema } from './sessions.schemas.js';
import type { SessionsService } from './sessions.service.js';

export interface SessionsRoutesOptions {
  sessions: SessionsService;
  authenticate: (request: FastifyRequest) => Promise<void>;
}

/** The signed-in user's sessions (the devices list); another user's is a 404, like one that doesn't exist. */
export async function sessionsRoutes(fastify: FastifyInstance, { sessions, authenticate }: SessionsRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Signed-in user'];
  const guarded = { onRequest: authenticate };

  app.get(
    '/me/sessions',
    {
      ...guarded,
      schema: {
        tags,
        summary: 'Where the account is signed in: live sessions, most recently used first',
        description:
          'One item per sign-in that has neither been signed out nor expired. `current` marks the session this ' +
          'request was made with. `lastUsedAt` is kept to the minute. App passwords (CardDAV) are listed separately.',
        security: bearerSecurity,
        response: { 200: sessionListSchema, ...problems(401) },
      },
    },
    async (request) => sessions.list(principalOf(request)),
  );

  app.delete(
    '/me/sessions/:id',
    {
      ...guarded,
      schema: {
        tags,
        summary: 'Sign out one session; its access and refresh tokens stop working at once',
        description:
          'Ending the current session is allowed and is the same as signing out: the access token of this request ' +
          'stops working too, and the client has to sign in again.',
        security: bearerSecurity,
        params: sessionIdParamsSchema,
        response: { 204: z.null(), ...problems(401, 404) },
      },
    },
    async (request, reply) => {
      await sessions.revoke(principalOf(request).user.id, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/me/sessions/sign-out-others',
    {
      ...guarded,
      schema: {
        tags,
        summary: 'Sign out everywhere else: every session but the current one ends',
        description: 'App passwords are not affected; revoke those one by one, or change the password to revoke them all.',
        security: bearerSecurity,
        response: { 204: z.null(), ...problems(401) },
      },
    },
    async (request, reply) => {
      await sessions.revokeOthers(principalOf(request));
      return reply.status(204).send(null);
    },
  );
}
