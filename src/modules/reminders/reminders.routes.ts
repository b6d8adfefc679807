import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problems } from '../../http/openapi-helpers.js';
import { bearerSecurity, principalOf } from '../auth/authenticate.js';
import { reminderSettingsBodySchema, reminderSettingsSchema, unsubscribeQuerySchema } from './reminders.schemas.js';
import type { RemindersService } from './reminders.service.js';

export interface RemindersRoutesOptions {
  reminders: RemindersService;
  authenticate: (request: FastifyRequest) => Promise<void>;
}

const tags = ['Birthday reminders'];

/** The signed-in user's reminder settings. Register with prefix `/api/users`. */
export async function reminderSettingsRoutes(fastify: FastifyInstance, { reminders, authenticate }: RemindersRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const userId = (request: FastifyRequest) => principalOf(request).user.id;

  app.get(
    '/me/reminders',
    {
      onRequest: authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Birthday reminder email settings',
        description: 'Off until turned on: `{ enabled: false, daysBefore: [0], hour: 9 }`.',
        response: { 200: reminderSettingsSchema, ...problems(401) },
      },
    },
    async (request) => reminders.get(userId(request)),
  );

  app.put(
    '/me/reminders',
    {
      onRequest: authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Change the birthday reminder emails',
        description:
          'At `hour` in the user’s time zone Kith mails one message listing the birthdays `d` days later, for ' +
          'each `d` in `daysBefore` that has any. Turning reminders on after today’s hour has begun sends ' +
          'today’s reminders at once, never those of earlier days.',
        body: reminderSettingsBodySchema,
        response: { 200: reminderSettingsSchema, ...problems(400, 401) },
      },
    },
    async (request) => reminders.update(userId(request), request.body),
  );
}

/**
 * The reminder emails' unsubscribe address, `/api/reminders/unsubscribe?token=…`: no sign-in, the
 * token is the key. It is also the `List-Unsubscribe` address, so it takes the RFC 8058 one-click
 * POST (`List-Unsubscribe=One-Click`, form-encoded or multipart) as well as an empty or JSON POST
 * from the web app's page. Register without a prefix.
 */
export async function unsubscribeRoutes(fastify: FastifyInstance, { reminders }: { reminders: RemindersService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // Only here: the token is in the address, so the body is read (a few bytes at most) and ignored.
  for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data']) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => done(null, body));
  }

  app.post(
    '/api/reminders/unsubscribe',
    {
      schema: {
        tags,
        summary: 'Turn birthday reminders off, from an email’s link (no sign-in)',
        description:
          'The `List-Unsubscribe` address of every reminder email (RFC 8058 one-click: a POST with the body ' +
          '`List-Unsubscribe=One-Click`), and what the web app’s unsubscribe page calls. Any body is accepted ' +
          'and ignored. Reminders stay off until turned on again in the profile.',
        querystring: unsubscribeQuerySchema,
        response: { 204: z.null(), ...problems(400) },
      },
    },
    async (request, reply) => {
      await reminders.unsubscribe(request.query.token);
      return reply.status(204).header('cache-control', 'no-store').send(null);
    },
  );
}
