import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { Clock } from '../../lib/clock.js';
import { problems } from '../../http/openapi-helpers.js';
import { bearerSecurity, principalOf } from '../auth/authenticate.js';
import { userSchema } from '../users/users.schemas.js';
import {
  accountExportSchema,
  changeEmailAcceptedSchema,
  changeEmailBodySchema,
  confirmEmailBodySchema,
  deleteAccountBodySchema,
} from './account.schemas.js';
import type { AccountService } from './account.service.js';
import type { EmailChangeService } from './email-change.service.js';

export interface AccountRoutesOptions {
  account: AccountService;
  emailChange: EmailChangeService;
  authenticate: (request: FastifyRequest) => Promise<void>;
  clock: Clock;
  config: Pick<Config, 'rateLimits'>;
}

/** POST /me/email, GET /me/export, DELETE /me. Register with prefix `/api/users`. */
export async function accountRoutes(fastify: FastifyInstance, { account, emailChange, authenticate, clock, config }: AccountRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Signed-in user'];
  const window = config.rateLimits.windowSeconds * 1000;

  app.post(
    '/me/email',
    {
      onRequest: authenticate,
      // Each request mails someone: counted like the other routes that send mail.
      config: { rateLimit: { max: config.rateLimits.emailPerClient, timeWindow: window } },
      schema: {
        tags,
        summary: 'Change the email address: a confirmation link is mailed to the new one',
        description:
          'Nothing changes until the link (`{APP_URL}/confirm-email?token=…`, single use, 24 h by default) is followed; ' +
          'a newer request replaces older links. 403 for a wrong password, 400 when it is the current address, ' +
          '409 `EMAIL_TAKEN` when another account has the address.',
        security: bearerSecurity,
        body: changeEmailBodySchema,
        response: { 202: changeEmailAcceptedSchema, ...problems(400, 401, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      await emailChange.request(principalOf(request), request.body);
      return reply.status(202).send({
        message: `We have sent a confirmation link to ${request.body.newEmail}. Your address changes once you follow it.`,
        newEmail: request.body.newEmail,
      });
    },
  );

  app.get(
    '/me/export',
    {
      onRequest: authenticate,
      schema: {
        tags,
        summary: 'Download all of the account’s data as one JSON file',
        description: 'The account, its settings, every contact and the trash, as the API presents them; no secrets.',
        security: bearerSecurity,
        response: { 200: accountExportSchema, ...problems(401) },
      },
    },
    async (request, reply) => {
      const data = await account.export(principalOf(request).user.id);
      const date = clock.now().toISOString().slice(0, 10);
      return reply
        .header('content-disposition', `attachment; filename="kith-account-${date}.json"`)
        .header('cache-control', 'no-store')
        .send(data);
    },
  );

  app.delete(
    '/me',
    {
      onRequest: authenticate,
      config: { rateLimit: { max: config.rateLimits.loginPerClient, timeWindow: window } },
      schema: {
        tags,
        summary: 'Delete the account and everything of it, for good',
        description:
          'The account, its contacts (the trash too), sessions, app passwords, settings, photos and avatar are deleted; ' +
          'the address can register again and gets a goodbye email. With two-step sign-in on, `code` is required ' +
          '(400 without it, 403 when wrong). 403 `INVALID_CREDENTIALS` for a wrong password.',
        security: bearerSecurity,
        body: deleteAccountBodySchema,
        response: { 204: z.null(), ...problems(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      await account.delete(principalOf(request), request.body);
      return reply.status(204).send(null);
    },
  );
}

/** POST /confirm-email, public: the link in the email is the proof. Register with prefix `/api/auth`. */
export async function confirmEmailRoutes(
  fastify: FastifyInstance,
  { emailChange, config }: { emailChange: EmailChangeService; config: Pick<Config, 'rateLimits'> },
) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/confirm-email',
    {
      config: { rateLimit: { max: config.rateLimits.loginPerClient, timeWindow: config.rateLimits.windowSeconds * 1000 } },
      schema: {
        tags: ['Accounts'],
        summary: 'Confirm a new email address with the token from the emailed link',
        description:
          'The account takes the new address (verified); the old address is told. Sessions and app passwords keep working ' +
          '(CardDAV then signs in with the new address); password reset links sent before are void. ' +
          '400 `INVALID_TOKEN` for an unknown, used or expired link; 409 `EMAIL_TAKEN` when another account took the address meanwhile.',
        body: confirmEmailBodySchema,
        response: { 200: userSchema, ...problems(400, 409, 429) },
      },
    },
    async (request) => emailChange.confirm(request.body.token),
  );
}
