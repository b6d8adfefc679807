import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problems } from '../../http/openapi-helpers.js';
import { changePasswordBodySchema } from '../auth/auth.schemas.js';
import type { AuthService } from '../auth/auth.service.js';
import { bearerSecurity, principalOf } from '../auth/authenticate.js';
import { updateMeBodySchema, userSchema } from './users.schemas.js';
import type { UsersService } from './users.service.js';

export interface UsersRoutesOptions {
  auth: AuthService;
  users: UsersService;
  authenticate: (request: FastifyRequest) => Promise<void>;
}

export async function usersRoutes(fastify: FastifyInstance, { auth, users, authenticate }: UsersRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Signed-in user'];
  const guarded = { onRequest: authenticate };

  app.get(
    '/me',
    {
      ...guarded,
      schema: { tags, summary: 'The signed-in user', security: bearerSecurity, response: { 200: userSchema, ...problems(401) } },
    },
    async (request) => users.present(principalOf(request).user),
  );

  app.patch(
    '/me',
    {
      ...guarded,
      schema: {
        tags,
        summary: 'Change name, time zone or region',
        security: bearerSecurity,
        body: updateMeBodySchema,
        response: { 200: userSchema, ...problems(400, 401) },
      },
    },
    async (request) => users.update(principalOf(request).user.id, request.body),
  );

  app.post(
    '/me/password',
    {
      ...guarded,
      schema: {
        tags,
        summary: 'Change the password; every other session ends',
        security: bearerSecurity,
        body: changePasswordBodySchema,
        response: { 204: z.null(), ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      await auth.changePassword(principalOf(request), request.body.currentPassword, request.body.newPassword);
      return reply.status(204).send(null);
    },
  );
}

const initialsParams = z.object({ initials: z.string().regex(/^[\p{L}\p{N}?]{1,2}\.svg$/u) });
const hueQuery = z.object({ hue: z.coerce.number().int().min(0).max(359).default(210) });

/** Draws the default avatar: the user's initials on a coloured square, no third party involved. */
export async function defaultAvatarRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/initials/:initials',
    {
      schema: {
        tags: ['Signed-in user'],
        summary: 'Default avatar picture (SVG)',
        params: initialsParams,
        querystring: hueQuery,
        response: { 200: z.string(), ...problems(400) },
      },
    },
    async (request, reply) => {
      const initials = escapeXml(request.params.initials.replace(/\.svg$/, ''));
      const { hue } = request.query;
      const svg =
        `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">` +
        `<rect width="256" height="256" fill="hsl(${hue} 45% 45%)"/>` +
        `<text x="50%" y="50%" dy=".35em" text-anchor="middle" font-family="system-ui, sans-serif" ` +
        `font-size="104" fill="#fff">${initials}</text></svg>`;
      return reply
        .type('image/svg+xml')
        .header('cache-control', 'public, max-age=604800, immutable')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        .send(svg);
    },
  );
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
