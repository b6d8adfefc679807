import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../lib/clock.js';
import { problems } from '../../http/openapi-helpers.js';
import { bearerSecurity, principalOf } from '../auth/authenticate.js';
import type { ExportService } from './export.service.js';

const TYPES = { vcard: 'text/vcard; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const;
const EXTENSIONS = { vcard: 'vcf', csv: 'csv' } as const;

/** GET /export. Register with prefix `/api/contacts`. */
export async function exportRoutes(
  fastify: FastifyInstance,
  { exports, authenticate, clock }: { exports: ExportService; authenticate: (request: FastifyRequest) => Promise<void>; clock: Clock },
) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/export',
    {
      onRequest: authenticate,
      schema: {
        tags: ['Contacts'],
        summary: 'Download every contact: one vCard file, or a CSV with Google Contacts’ columns',
        description:
          'The vCard file holds each contact’s card as CardDAV serves it: the card a phone stored, byte for byte, ' +
          'or a vCard 3.0 for contacts made here. Contacts in the trash are left out.',
        security: bearerSecurity,
        querystring: z.object({ format: z.enum(['vcard', 'csv']).default('vcard') }),
        response: {
          200: {
            description: 'The file, as an attachment',
            content: { 'text/vcard': { schema: z.string() }, 'text/csv': { schema: z.string() } },
          },
          ...problems(400, 401),
        },
      },
    },
    async (request, reply) => {
      const { format } = request.query;
      const file = await exports.export(principalOf(request).user.id, format);
      const date = clock.now().toISOString().slice(0, 10);
      return reply
        .type(TYPES[format])
        .header('content-disposition', `attachment; filename="kith-contacts-${date}.${EXTENSIONS[format]}"`)
        .header('cache-control', 'no-store')
        .serializer((payload) => payload as string)
        .send(file);
    },
  );
}
