import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problems } from '../../http/openapi-helpers.js';
import { bearerSecurity, principalOf } from '../auth/authenticate.js';
import {
  appPasswordIdParamsSchema,
  appPasswordListSchema,
  createAppPasswordBodySchema,
  createdAppPasswordSchema,
  MAX_APP_PASSWORDS_PER_USER,
} from './app-passwords.schemas.js';
import type { AppPasswordsService } from './app-passwords.service.js';

export interface AppPasswordsRoutesOptions {
  appPasswords: AppPasswordsService;
  authenticate: (request: FastifyRequest) => Promise<void>;
}

/** The signed-in user's app passwords; another user's is a 404, like one that doesn't exist. */
export async function appPasswordsRoutes(fastify: FastifyInstance, { appPasswords, authenticate }: AppPasswordsRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Signed-in user'];
  const guarded = { onRequest: authenticate };

  app.get(
    '/me/app-passwords',
    {
      ...guarded,
      schema: {
        tags,
        summary: 'App passwords (for CardDAV clients), newest first',
        description: 'Never includes the secrets: each is shown once, when it is created.',
        security: bearerSecurity,
        response: { 200: appPasswordListSchema, ...problems(401) },
      },
    },
    async (request) => appPasswords.list(principalOf(request).user.id),
  );

  app.post(
    '/me/app-passwords',
    {
      ...guarded,
      schema: {
        tags,
        summary: `Create an app password (at most ${MAX_APP_PASSWORDS_PER_USER})`,
        description:
          'For a program that signs in over CardDAV (`/dav/`, HTTP Basic with the account email and this password), ' +
          'such as a phone’s address book. The answer is the only time the secret is shown; only a hash is kept. ' +
          'Changing or resetting the account password revokes every app password.',
        security: bearerSecurity,
        body: createAppPasswordBodySchema,
        response: { 201: createdAppPasswordSchema, ...problems(400, 401, 409) },
      },
    },
    async (request, reply) => {
      const created = await appPasswords.create(principalOf(request).user, request.body.name);
      // The secret must not linger in any cache between here and the person reading it.
      return reply.status(201).header('cache-control', 'no-store').send(created);
    },
  );

  app.delete(
    '/me/app-passwords/:id',
    {
      ...guarded,
      schema: {
        tags,
        summary: 'Revoke an app password; it stops working at once',
        security: bearerSecurity,
        params: appPasswordIdParamsSchema,
        response: { 204: z.null(), ...problems(401, 404) },
      },
    },
    async (request, reply) => {
      await appPasswords.revoke(principalOf(request).user.id, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
