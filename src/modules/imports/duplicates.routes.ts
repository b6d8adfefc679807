import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problems } from '../../http/openapi-helpers.js';
import { bearerSecurity, principalOf } from '../auth/authenticate.js';
import { contactIdParamsSchema, contactSchema } from '../contacts/contacts.schemas.js';
import { duplicatesSchema, MAX_MERGE_FROM, MERGE_LIMITS, mergeBodySchema, mergeQuerySchema } from './duplicates.schemas.js';
import type { DuplicatesService } from './duplicates.service.js';

export interface DuplicatesRoutesOptions {
  duplicates: DuplicatesService;
  authenticate: (request: FastifyRequest) => Promise<void>;
}

/** GET /duplicates and POST /{id}/merge. Register with prefix `/api/contacts`. */
export async function duplicatesRoutes(fastify: FastifyInstance, { duplicates, authenticate }: DuplicatesRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Contacts'];
  const owner = (request: FastifyRequest) => principalOf(request).user;

  // A static path: the router prefers it to '/:id' of the contacts routes.
  app.get(
    '/duplicates',
    {
      onRequest: authenticate,
      schema: {
        tags,
        summary: 'Contacts that look like the same person',
        description:
          'Live contacts (not those in the trash) that share an email address (ignoring case), a phone number ' +
          '(its E.164 form, however it was typed) or the full name (ignoring case, accents and extra spaces). ' +
          'One group per shared value; a set of contacts sharing several values is listed once, under the first ' +
          'reason in the order email, phone, name. Groups are ordered by reason in that order, then by value; the ' +
          'contacts in a group by name, then id, each as GET /api/contacts/{id} shows it. A contact can be in ' +
          'several groups (an email shared with one contact, a name with another).',
        security: bearerSecurity,
        response: { 200: duplicatesSchema, ...problems(401) },
      },
    },
    async (request) => duplicates.find(owner(request)),
  );

  app.post(
    '/:id/merge',
    {
      onRequest: authenticate,
      schema: {
        tags,
        summary: 'Merge other contacts into this one; they go to the trash',
        description:
          'All or nothing, and safe against other merges and edits at the same time. This contact keeps its id ' +
          '(and its CardDAV card, which gets the changed lines only); the contacts in `from` go to the trash, ' +
          'from where each can be restored.\n\n' +
          '- `emails`, `phones`, `addresses`, `websites`: united, this contact’s entries first, then each of ' +
          '`from` in order, leaving out an entry already there (same address ignoring case, same E.164 number, ' +
          'same address lines, same URL); a label is taken from a left-out entry when the kept one has none.\n' +
          '- `lastName`, `organization`, `jobTitle`, `birthday`, the photo: this contact’s, unless it has none; ' +
          'then the first of `from` that has one. `firstName` is always this contact’s. A photo taken over ' +
          'moves: the contact in the trash no longer has it.\n' +
          '- `notes`: this contact’s, then each other note not already there, separated by a blank line.\n\n' +
          `Nothing is dropped to make it fit: when the result would hold more than ${MERGE_LIMITS.emails} emails, ` +
          `${MERGE_LIMITS.phones} phones, ${MERGE_LIMITS.addresses} addresses, ${MERGE_LIMITS.websites} websites ` +
          `or ${MERGE_LIMITS.notes} characters of notes, it is a 409 \`MERGE_TOO_LARGE\` whose \`errors\` name ` +
          'each field, and nothing is written.\n\n' +
          `400 when \`from\` is empty, has more than ${MAX_MERGE_FROM} ids, names one twice or names this contact. ` +
          '404 when this contact or any of `from` is unknown, another user’s, or in the trash (as after a merge ' +
          'that got there first). 503 (with `Retry-After`) in the rare case that edits kept these contacts busy for ' +
          'about a second; nothing was merged.\n\n' +
          '`?dryRun=true` writes nothing and answers the contact as the merge would leave it (same checks, same ' +
          'errors), for showing the result before merging.',
        security: bearerSecurity,
        params: contactIdParamsSchema,
        querystring: mergeQuerySchema,
        body: mergeBodySchema,
        response: {
          200: contactSchema,
          ...problems(400, 401, 404, 409, 503),
        },
      },
    },
    async (request) => duplicates.merge(owner(request), request.params.id, request.body.from, request.query.dryRun),
  );
}
