import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problems } from '../../http/openapi-helpers.js';
import { bearerSecurity, principalOf } from '../auth/authenticate.js';
import { contactIdParamsSchema, contactSchema, trashListSchema } from './contacts.schemas.js';
import type { TrashService } from './trash.service.js';

export interface TrashRoutesOptions {
  trash: TrashService;
  authenticate: (request: FastifyRequest) => Promise<void>;
}

/** The trash of the signed-in user's contacts. Register with prefix `/api/contacts`. */
export async function trashRoutes(fastify: FastifyInstance, { trash, authenticate }: TrashRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Trash'];
  const guarded = { onRequest: authenticate, schema: { tags, security: bearerSecurity } };
  const owner = (request: FastifyRequest) => principalOf(request).user;

  app.get(
    '/trash',
    {
      ...guarded,
      schema: {
        ...guarded.schema,
        summary: 'Deleted contacts, newest deletion first',
        description: 'Each stays here for 30 days after its deletion (`purgeAt`), then is deleted for good.',
        response: { 200: trashListSchema, ...problems(401) },
      },
    },
    async (request) => trash.list(owner(request)),
  );

  app.post(
    '/:id/restore',
    {
      ...guarded,
      schema: {
        ...guarded.schema,
        summary: 'Bring a contact back from the trash',
        description: 'It counts toward the 100 again, so this is a 409 when the user already has 100 contacts.',
        params: contactIdParamsSchema,
        response: { 200: contactSchema, ...problems(401, 404, 409) },
      },
    },
    async (request) => trash.restore(owner(request), request.params.id),
  );

  app.delete(
    '/trash/:id',
    {
      ...guarded,
      schema: {
        ...guarded.schema,
        summary: 'Delete a contact in the trash for good, with its photo',
        params: contactIdParamsSchema,
        response: { 204: z.null(), ...problems(401, 404) },
      },
    },
    async (request, reply) => {
      await trash.purge(owner(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/trash',
    {
      ...guarded,
      schema: {
        ...guarded.schema,
        summary: 'Empty the trash: delete every contact in it for good',
        response: { 204: z.null(), ...problems(401) },
      },
    },
    async (request, reply) => {
      await trash.empty(owner(request));
      return reply.status(204).send(null);
    },
  );
}
