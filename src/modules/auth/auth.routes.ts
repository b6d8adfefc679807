import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { problems } from '../../http/openapi-helpers.js';
import { twoFactorChallengeSchema, twoFactorLoginBodySchema } from '../two-factor/two-factor.schemas.js';
import type { TwoFactorService } from '../two-factor/two-factor.service.js';
import { userSchema } from '../users/users.schemas.js';
import {
  acceptedSchema,
  emailBodySchema,
  loginBodySchema,
  refreshBodySchema,
  registerBodySchema,
  resetPasswordBodySchema,
  tokenBodySchema,
  tokenPairSchema,
} from './auth.schemas.js';
import type { AuthService } from './auth.service.js';

export const REFRESH_COOKIE = 'kith_refresh';

export interface AuthRoutesOptions {
  auth: AuthService;
  /** For the second step's throttle: whose sign-in a two-step token belongs to. */
  twoFactor: TwoFactorService;
  config: Pick<Config, 'appUrl' | 'tokens' | 'rateLimits'>;
}

const ACCEPTED = { message: 'If an account exists for that address, we have sent it an email.' };

export async function authRoutes(fastify: FastifyInstance, { auth, twoFactor, config }: AuthRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Accounts'];
  const window = config.rateLimits.windowSeconds * 1000;
  const perClient = (max: number) => ({ rateLimit: { max, timeWindow: window } });
  // Counted per address as well as per client: spreading guesses over many IPs doesn't help.
  // (The plugin runs one limiter per request, so this second one is checked by hand.)
  const perAddress = (scope: string, max: number) => {
    const limiter = fastify.createRateLimit({
      max,
      timeWindow: window,
      keyGenerator: (request) => `${scope}:${(request.body as { email: string }).email}`,
    });
    return async (request: FastifyRequest) => {
      const result = await limiter(request);
      if (!result.isAllowed && result.isExceeded) {
        throw new AppError('RATE_LIMITED', 429, `Too many attempts for this address; try again in ${result.ttlInSeconds} s`, {
          headers: { 'retry-after': String(result.ttlInSeconds) },
        });
      }
    };
  };

  // The second step is counted per account (the challenge's user) like the password, so guessing
  // codes over many tokens and addresses doesn't help either. An unknown or dead token has no
  // account; the route answers it with a 401 and the per-client limit counts it.
  const perChallengeAccount = (max: number) => {
    const twoFactorUserOf = new WeakMap<FastifyRequest, string>();
    const limiter = fastify.createRateLimit({
      max,
      timeWindow: window,
      keyGenerator: (request) => `login-2fa:${twoFactorUserOf.get(request) ?? ''}`,
    });
    return async (request: FastifyRequest) => {
      const userId = await twoFactor.challengeUserId((request.body as { twoFactorToken: string }).twoFactorToken);
      if (!userId) return;
      twoFactorUserOf.set(request, userId);
      const result = await limiter(request);
      if (!result.isAllowed && result.isExceeded) {
        throw new AppError('RATE_LIMITED', 429, `Too many attempts for this account; try again in ${result.ttlInSeconds} s`, {
          headers: { 'retry-after': String(result.ttlInSeconds) },
        });
      }
    };
  };

  const refreshCookie = {
    path: '/api/auth',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: config.appUrl.startsWith('https:'),
    maxAge: config.tokens.refreshTtlDays * 24 * 60 * 60,
  };
  const refreshTokenOf = (body: z.infer<typeof refreshBodySchema>, request: FastifyRequest) =>
    body?.refreshToken ?? request.cookies[REFRESH_COOKIE];
  const setRefreshCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(REFRESH_COOKIE, token, refreshCookie);

  app.post(
    '/register',
    {
      config: perClient(config.rateLimits.emailPerClient),
      schema: {
        tags,
        summary: 'Create an account; a verification email is sent',
        body: registerBodySchema,
        response: { 201: userSchema, ...problems(400, 409, 429) },
      },
    },
    async (request, reply) => reply.status(201).send(await auth.register(request.body)),
  );

  app.post(
    '/verify-email',
    {
      config: perClient(config.rateLimits.loginPerClient),
      schema: {
        tags,
        summary: 'Confirm an email address with the token from the emailed link',
        body: tokenBodySchema,
        response: { 200: userSchema, ...problems(400, 429) },
      },
    },
    async (request) => auth.verifyEmail(request.body.token),
  );

  app.post(
    '/resend-verification',
    {
      config: perClient(config.rateLimits.emailPerClient),
      preHandler: perAddress('resend', config.rateLimits.emailPerAddress),
      schema: {
        tags,
        summary: 'Send the verification email again',
        body: emailBodySchema,
        response: { 202: acceptedSchema, ...problems(400, 429) },
      },
    },
    async (request, reply) => {
      await auth.resendVerification(request.body.email);
      return reply.status(202).send(ACCEPTED);
    },
  );

  app.post(
    '/login',
    {
      config: perClient(config.rateLimits.loginPerClient),
      preHandler: perAddress('login', config.rateLimits.loginPerAccount),
      schema: {
        tags,
        summary: 'Sign in; the refresh token also arrives as an httpOnly cookie',
        description:
          'With two-step sign-in on, a correct password answers `TwoFactorChallenge` instead (no tokens, no cookie): ' +
          'send its `twoFactorToken` with a code to POST /api/auth/login/two-factor.',
        body: loginBodySchema,
        response: { 200: z.union([tokenPairSchema, twoFactorChallengeSchema]), ...problems(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const result = await auth.login(request.body.email, request.body.password, { userAgent: request.headers['user-agent'] });
      if ('twoFactorRequired' in result) return reply.header('cache-control', 'no-store').send(result);
      return setRefreshCookie(reply, result.refreshToken).send(result);
    },
  );

  app.post(
    '/login/two-factor',
    {
      config: perClient(config.rateLimits.loginPerClient),
      preHandler: perChallengeAccount(config.rateLimits.loginPerAccount),
      schema: {
        tags,
        summary: 'Second step of a sign-in with two-step on: the token from /login and a code',
        description:
          'The code is the 6-digit code the authenticator app shows (one 30-second step of clock drift either way is ' +
          'accepted) or an unused recovery code. Each code counts once. 401 `INVALID_CREDENTIALS` for a wrong or ' +
          'already used code; after 5 wrong codes, or 5 minutes, the token is dead: 401 `INVALID_TOKEN`, sign in ' +
          'again with the password. The refresh token also arrives as an httpOnly cookie.',
        body: twoFactorLoginBodySchema,
        response: { 200: tokenPairSchema, ...problems(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const pair = await auth.loginWithCode(request.body.twoFactorToken, request.body.code);
      return setRefreshCookie(reply, pair.refreshToken).send(pair);
    },
  );

  app.post(
    '/refresh',
    {
      schema: {
        tags,
        summary: 'Trade a refresh token (body or cookie) for a new token pair; the old one is spent',
        body: refreshBodySchema,
        response: { 200: tokenPairSchema, ...problems(400, 401) },
      },
    },
    async (request, reply) => {
      const token = refreshTokenOf(request.body, request);
      if (!token) throw new AppError('INVALID_TOKEN', 401, 'No refresh token was sent');
      const pair = await auth.refresh(token);
      return setRefreshCookie(reply, pair.refreshToken).send(pair);
    },
  );

  app.post(
    '/logout',
    {
      schema: {
        tags,
        summary: 'End the sign-in that a refresh token (body or cookie) belongs to',
        body: refreshBodySchema,
        response: { 204: z.null(), ...problems(400) },
      },
    },
    async (request, reply) => {
      await auth.logout(refreshTokenOf(request.body, request));
      return reply.clearCookie(REFRESH_COOKIE, { path: refreshCookie.path }).status(204).send(null);
    },
  );

  app.post(
    '/forgot-password',
    {
      config: perClient(config.rateLimits.emailPerClient),
      preHandler: perAddress('forgot', config.rateLimits.emailPerAddress),
      schema: {
        tags,
        summary: 'Email a password reset link (same answer whether or not the account exists)',
        body: emailBodySchema,
        response: { 202: acceptedSchema, ...problems(400, 429) },
      },
    },
    async (request, reply) => {
      await auth.forgotPassword(request.body.email);
      return reply.status(202).send(ACCEPTED);
    },
  );

  app.post(
    '/reset-password',
    {
      config: perClient(config.rateLimits.loginPerClient),
      schema: {
        tags,
        summary: 'Set a new password with the token from the emailed link; every session ends',
        body: resetPasswordBodySchema,
        response: { 204: z.null(), ...problems(400, 429) },
      },
    },
    async (request, reply) => {
      await auth.resetPassword(request.body.token, request.body.password);
      return reply.status(204).send(null);
    },
  );
}
