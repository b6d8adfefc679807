import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problems } from '../../http/openapi-helpers.js';
import { bearerSecurity, principalOf } from '../auth/authenticate.js';
import {
  birthdaysQuerySchema,
  contactIdParamsSchema,
  contactInputSchema,
  contactListSchema,
  contactPatchSchema,
  contactSchema,
  listContactsQuerySchema,
  upcomingBirthdaysSchema,
} from './contacts.schemas.js';
import type { ContactsService } from './contacts.service.js';

export interface ContactsRoutesOptions {
  contacts: ContactsService;
  authenticate: (request: FastifyRequest) => Promise<void>;
}

/**
 * Reads answer with JSON the service made already: each contact's JSON is made, and checked
 * against contactSchema, once per snapshot of the user's contacts, not on every request.
 */
const sendJson = (reply: FastifyReply, json: string) =>
  reply
    .type('application/json; charset=utf-8')
    .serializer((payload) => payload as string)
    .send(json);

/** The signed-in user's own contacts; another user's contact is a 404, like one that doesn't exist. */
export async function contactsRoutes(fastify: FastifyInstance, { contacts, authenticate }: ContactsRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Contacts'];
  const guarded = { onRequest: authenticate };
  const owner = (request: FastifyRequest) => principalOf(request).user;

  app.get(
    '/',
    {
      ...guarded,
      schema: {
        tags,
        summary: 'List, search and filter contacts',
        security: bearerSecurity,
        querystring: listContactsQuerySchema,
        response: { 200: contactListSchema, ...problems(400, 401) },
      },
    },
    async (request, reply) => sendJson(reply, await contacts.listJson(owner(request), request.query)),
  );

  app.post(
    '/',
    {
      ...guarded,
      schema: {
        tags,
        summary: 'Add a contact (at most 100 per user)',
        description: 'Answers 201 with the contact and its URL in the `Location` header.',
        security: bearerSecurity,
        body: contactInputSchema,
        response: { 201: contactSchema, ...problems(400, 401, 409) },
      },
    },
    async (request, reply) => {
      const contact = await contacts.create(owner(request), request.body);
      return reply.status(201).header('location', `${fastify.prefix}/${contact.id}`).send(contact);
    },
  );

  // A static path: the router prefers it to '/:id' whatever the order, but it reads better first.
  app.get(
    '/birthdays',
    {
      ...guarded,
      schema: {
        tags,
        summary: 'Upcoming birthdays',
        description:
          "From `from` (default today in the user's time zone) through `from + days`, both included, across " +
          'New Year; a 29 February birthday falls on 28 February in a common year.',
        security: bearerSecurity,
        querystring: birthdaysQuerySchema,
        response: { 200: upcomingBirthdaysSchema, ...problems(400, 401) },
      },
    },
    async (request, reply) => sendJson(reply, await contacts.upcomingBirthdaysJson(owner(request), request.query)),
  );

  app.get(
    '/:id',
    {
      ...guarded,
      schema: {
        tags,
        summary: 'One contact',
        security: bearerSecurity,
        params: contactIdParamsSchema,
        response: { 200: contactSchema, ...problems(401, 404) },
      },
    },
    async (request, reply) => sendJson(reply, await contacts.getJson(owner(request), request.params.id)),
  );

  app.patch(
    '/:id',
    {
      ...guarded,
      schema: {
        tags,
        summary: 'Change some fields of a contact; null clears an optional field',
        security: bearerSecurity,
        params: contactIdParamsSchema,
        body: contactPatchSchema,
        response: { 200: contactSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => contacts.update(owner(request), request.params.id, request.body),
  );

  app.delete(
    '/:id',
    {
      ...guarded,
      schema: {
        tags,
        summary: 'Delete a contact, freeing its place under the limit',
        security: bearerSecurity,
        params: contactIdParamsSchema,
        response: { 204: z.null(), ...problems(401, 404) },
      },
    },
    async (request, reply) => {
      await contacts.remove(owner(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
