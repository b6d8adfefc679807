import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problems } from '../../http/openapi-helpers.js';
import { bearerSecurity, principalOf } from '../auth/authenticate.js';
import type { CalendarService } from './calendar.service.js';

const calendarAddressSchema = z
  .object({
    url: z.string().meta({
      description: 'The secret subscription address; anyone who has it can read the birthdays, so share it with care',
      example: 'https://contacts.example.com/cal/q3Zt9uN1bV5kP0wX8yR2mA.ics',
    }),
  })
  .meta({ id: 'BirthdayCalendar' });

export interface CalendarRoutesOptions {
  calendar: CalendarService;
  authenticate: (request: FastifyRequest) => Promise<void>;
}

/** The signed-in user's birthday calendar address. Register with prefix `/api/users`. */
export async function calendarRoutes(fastify: FastifyInstance, { calendar, authenticate }: CalendarRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const schema = { tags: ['Birthday calendar'], security: bearerSecurity };
  const userId = (request: FastifyRequest) => principalOf(request).user.id;

  app.post(
    '/me/birthday-calendar',
    {
      onRequest: authenticate,
      schema: {
        ...schema,
        summary: 'Turn on the birthday calendar, or give it a new address',
        description: 'Answers a new secret address each time; an older one stops working at once.',
        response: { 201: calendarAddressSchema, ...problems(401) },
      },
    },
    async (request, reply) => reply.status(201).header('cache-control', 'no-store').send(await calendar.create(userId(request))),
  );

  app.get(
    '/me/birthday-calendar',
    {
      onRequest: authenticate,
      schema: {
        ...schema,
        summary: 'The birthday calendar’s address; 404 while it is off',
        response: { 200: calendarAddressSchema, ...problems(401, 404) },
      },
    },
    async (request, reply) => reply.header('cache-control', 'no-store').send(await calendar.get(userId(request))),
  );

  app.delete(
    '/me/birthday-calendar',
    {
      onRequest: authenticate,
      schema: {
        ...schema,
        summary: 'Turn the birthday calendar off; its address stops working',
        response: { 204: z.null(), ...problems(401) },
      },
    },
    async (request, reply) => {
      await calendar.turnOff(userId(request));
      return reply.status(204).send(null);
    },
  );
}

const binary = z.string().meta({ description: 'An iCalendar (RFC 5545) document' });

/** The feed itself, at `/cal/<token>.ics`: no sign-in, the token is the key. Register without a prefix. */
export async function calendarFeedRoutes(fastify: FastifyInstance, { calendar }: { calendar: CalendarService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/cal/:file',
    {
      schema: {
        tags: ['Birthday calendar'],
        summary: 'The birthday calendar feed, for calendar apps to subscribe to',
        description:
          'One all-day event a year per contact with a birthday (a 29 February birthday on the last day of ' +
          'February); unknown and replaced addresses are 404.',
        params: z.object({ file: z.string().meta({ example: 'q3Zt9uN1bV5kP0wX8yR2mA.ics' }) }),
        response: { 200: { description: 'The calendar', content: { 'text/calendar': { schema: binary } } }, ...problems(404) },
      },
    },
    async (request, reply) => {
      const ics = await calendar.feed(request.params.file);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('cache-control', 'private, max-age=300')
        .header('content-disposition', 'inline; filename="birthdays.ics"')
        .serializer((payload) => payload as string)
        .send(ics);
    },
  );
}
