import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { problems } from '../../http/openapi-helpers.js';
import { bearerSecurity, principalOf } from '../auth/authenticate.js';
import {
  recoveryCodesSchema,
  twoFactorDisableBodySchema,
  twoFactorEnableBodySchema,
  twoFactorSetupBodySchema,
  twoFactorSetupSchema,
} from './two-factor.schemas.js';
import type { TwoFactorService } from './two-factor.service.js';

export interface TwoFactorRoutesOptions {
  twoFactor: TwoFactorService;
  authenticate: (request: FastifyRequest) => Promise<void>;
  config: Pick<Config, 'rateLimits'>;
}

/** Turning two-step sign-in (TOTP) on and off for the signed-in user. */
export async function twoFactorRoutes(fastify: FastifyInstance, { twoFactor, authenticate, config }: TwoFactorRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Signed-in user'];
  // Each call checks a password or a code, so each is counted per account like a sign-in.
  const limiter = fastify.createRateLimit({
    max: config.rateLimits.loginPerAccount,
    timeWindow: config.rateLimits.windowSeconds * 1000,
    keyGenerator: (request) => `two-factor:${principalOf(request).user.id}`,
  });
  const perAccount = async (request: FastifyRequest) => {
    const result = await limiter(request);
    if (!result.isAllowed && result.isExceeded) {
      throw new AppError('RATE_LIMITED', 429, `Too many attempts; try again in ${result.ttlInSeconds} s`, {
        headers: { 'retry-after': String(result.ttlInSeconds) },
      });
    }
  };
  const guarded = { onRequest: authenticate, preHandler: perAccount };

  app.post(
    '/me/two-factor/setup',
    {
      ...guarded,
      schema: {
        tags,
        summary: 'Start turning on two-step sign-in: a new secret for an authenticator app',
        description:
          'Each call makes a new pending secret (the previous one stops counting). Show `otpauthUrl` as a QR code, ' +
          'and `secret` for typing in by hand; then confirm with a code at /me/two-factor/enable. ' +
          '403 `INVALID_CREDENTIALS` for a wrong password, 409 `TWO_FACTOR_ALREADY_ENABLED` when it is on.',
        security: bearerSecurity,
        body: twoFactorSetupBodySchema,
        response: { 200: twoFactorSetupSchema, ...problems(400, 401, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      const setup = await twoFactor.setup(principalOf(request).user, request.body.password);
      return reply.header('cache-control', 'no-store').send(setup);
    },
  );

  app.post(
    '/me/two-factor/enable',
    {
      ...guarded,
      schema: {
        tags,
        summary: 'Turn on two-step sign-in with a code from the app; answers the recovery codes, once',
        description:
          'The code is checked against the pending secret from /me/two-factor/setup. 400 `INVALID_CODE` for a wrong ' +
          'code, 400 `TWO_FACTOR_SETUP_REQUIRED` without a setup, 409 `TWO_FACTOR_ALREADY_ENABLED`. ' +
          'Only hashes of the recovery codes are kept: this answer is the only time they are shown.',
        security: bearerSecurity,
        body: twoFactorEnableBodySchema,
        response: { 200: recoveryCodesSchema, ...problems(400, 401, 409, 429) },
      },
    },
    async (request, reply) => {
      const codes = await twoFactor.enable(principalOf(request).user.id, request.body.code);
      return reply.header('cache-control', 'no-store').send(codes);
    },
  );

  app.post(
    '/me/two-factor/disable',
    {
      ...guarded,
      schema: {
        tags,
        summary: 'Turn off two-step sign-in (password and a code from the app or a recovery code)',
        description:
          '403 `INVALID_CREDENTIALS` for a wrong password or code, 409 `TWO_FACTOR_NOT_ENABLED` when it is off. ' +
          'The secret and every recovery code are deleted.',
        security: bearerSecurity,
        body: twoFactorDisableBodySchema,
        response: { 204: z.null(), ...problems(400, 401, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      await twoFactor.disable(principalOf(request).user, request.body.password, request.body.code);
      return reply.status(204).send(null);
    },
  );
}
