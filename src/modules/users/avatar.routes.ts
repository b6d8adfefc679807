import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import { problems } from '../../http/openapi-helpers.js';
import { PICTURE_UPLOAD_DESCRIPTION, pictureUploadBodySchema, readPictureUpload, registerPictureUploads } from '../../http/picture-upload.js';
import type { AvatarStore } from '../../storage/avatar-store.js';
import { bearerSecurity, principalOf } from '../auth/authenticate.js';
import type { AvatarService } from './avatar.service.js';
import { userSchema } from './users.schemas.js';

export interface AvatarRoutesOptions {
  avatars: AvatarService;
  store: AvatarStore;
  authenticate: (request: FastifyRequest) => Promise<void>;
}

// The file goes out as a stream; the schema only describes it for OpenAPI.
const binary = z.custom<Readable>().meta({ type: 'string', format: 'binary' });

/**
 * PUT and DELETE /users/me/avatar, and, for the local store, the picture files themselves.
 * Register with prefix `/api`. Multipart parsing is registered here, so its limits (one file of at
 * most 5 MiB) apply to these routes only.
 */
export async function avatarRoutes(fastify: FastifyInstance, { avatars, store, authenticate }: AvatarRoutesOptions) {
  await registerPictureUploads(fastify);
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Signed-in user'];

  app.put(
    '/users/me/avatar',
    {
      onRequest: authenticate,
      schema: {
        tags,
        summary: 'Upload a new picture (JPEG or PNG, at most 5 MiB)',
        description: PICTURE_UPLOAD_DESCRIPTION,
        security: bearerSecurity,
        consumes: ['multipart/form-data'],
        body: pictureUploadBodySchema,
        response: { 200: userSchema, ...problems(400, 401, 413, 415, 503) },
      },
      // The body schema documents the form for OpenAPI; the handler reads the multipart stream itself.
      // (The route declares no params, query or headers, so the body is all this compiler sees.)
      validatorCompiler: () => () => true,
    },
    async (request) => {
      const upload = await readPictureUpload(request);
      return avatars.replace(principalOf(request).user.id, upload);
    },
  );

  app.delete(
    '/users/me/avatar',
    {
      onRequest: authenticate,
      schema: {
        tags,
        summary: 'Remove the picture; the generated default takes its place',
        description:
          'The default `avatarUrl` is an SVG with the user’s initials drawn by this server ' +
          '(`/api/avatars/initials/...`), with either storage driver: it needs no third party and works offline.',
        security: bearerSecurity,
        response: { 200: userSchema, ...problems(401, 503) },
      },
    },
    async (request) => avatars.remove(principalOf(request).user.id),
  );

  const open = store.open?.bind(store);
  if (!open) return;
  app.get(
    '/avatars/files/:name',
    {
      schema: {
        tags,
        summary: 'An uploaded picture (local storage); names are random and never reused',
        params: z.object({ name: z.string() }),
        response: {
          200: {
            description: 'The picture',
            content: { 'image/jpeg': { schema: binary }, 'image/png': { schema: binary } },
          },
          ...problems(404),
        },
      },
    },
    async (request, reply) => {
      const file = await open(request.params.name);
      if (!file) throw notFound('Picture');
      return reply
        .type(file.contentType)
        .header('content-length', file.size)
        // A name is never reused for other content, so the file can be cached for good.
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'")
        // Pictures are public by URL (as on a CDN); web apps on other allowed origins may show them.
        .header('cross-origin-resource-policy', 'cross-origin')
        .send(file.stream);
    },
  );
}
