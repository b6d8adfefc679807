import type { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../../errors.js';
import { problems } from '../../http/openapi-helpers.js';
import type { AvatarStore } from '../../storage/avatar-store.js';
import { bearerSecurity, principalOf } from '../auth/authenticate.js';
import type { AvatarService } from './avatar.service.js';
import { userSchema } from './users.schemas.js';

export const MAX_AVATAR_BYTES = 5 * 1024 * 1024;

export interface AvatarRoutesOptions {
  avatars: AvatarService;
  store: AvatarStore;
  authenticate: (request: FastifyRequest) => Promise<void>;
}

const uploadBodySchema = z.object({
  file: z.file().meta({ description: 'A JPEG or PNG picture, at most 5 MiB; its type is judged by its content' }),
});

// The file goes out as a stream; the schema only describes it for OpenAPI.
const binary = z.custom<Readable>().meta({ type: 'string', format: 'binary' });

const invalid = (message: string) =>
  new AppError('VALIDATION_FAILED', 400, `file: ${message}`, { errors: [{ path: 'file', message }] });

/**
 * PUT and DELETE /users/me/avatar, and, for the local store, the picture files themselves.
 * Register with prefix `/api`. Multipart parsing is registered here, so its limits (one file of at
 * most 5 MiB) apply to these routes only.
 */
export async function avatarRoutes(fastify: FastifyInstance, { avatars, store, authenticate }: AvatarRoutesOptions) {
  await fastify.register(multipart, {
    limits: { fileSize: MAX_AVATAR_BYTES, files: 1, fields: 10, fieldSize: 16 * 1024, parts: 11, headerPairs: 100 },
  });
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Signed-in user'];

  app.put(
    '/users/me/avatar',
    {
      onRequest: authenticate,
      schema: {
        tags,
        summary: 'Upload a new picture (JPEG or PNG, at most 5 MiB)',
        description:
          'Send multipart/form-data with one file in the field `file`. The type is judged by the bytes alone ' +
          '(JPEG or PNG; anything else is 415, whatever its declared type). Images over 40 megapixels and ' +
          'damaged files are 400. The picture is re-encoded as a 256×256 square (cropped to cover), in the ' +
          'format it came in, with all metadata (EXIF, GPS) removed; the uploaded bytes are never stored. ' +
          '503 when the picture storage fails or times out; the previous picture is then unchanged.',
        security: bearerSecurity,
        consumes: ['multipart/form-data'],
        body: uploadBodySchema,
        response: { 200: userSchema, ...problems(400, 401, 413, 415, 503) },
      },
      // The body schema documents the form for OpenAPI; the handler reads the multipart stream itself.
      // (The route declares no params, query or headers, so the body is all this compiler sees.)
      validatorCompiler: () => () => true,
    },
    async (request) => {
      const upload = await readTheFile(request);
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

/** The bytes of the one file in field `file`. Other, non-file fields are ignored. */
async function readTheFile(request: FastifyRequest): Promise<Buffer> {
  if (!request.isMultipart()) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'Send the picture as multipart/form-data in the field "file"');
  }
  const { FilesLimitError, RequestFileTooLargeError, FieldsLimitError, PartsLimitError } = request.server.multipartErrors;
  let upload: Buffer | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== 'file') throw invalid(`send the picture in the field "file", not "${part.fieldname}"`);
      upload = await part.toBuffer();
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof RequestFileTooLargeError) {
      throw new AppError('PAYLOAD_TOO_LARGE', 413, 'The picture may be at most 5 MiB');
    }
    if (error instanceof FilesLimitError) throw invalid('send exactly one file');
    if (error instanceof FieldsLimitError || error instanceof PartsLimitError) {
      throw new AppError('BAD_REQUEST', 400, 'The form has too many fields; send only the file');
    }
    // Anything else here is the request body failing to parse as multipart.
    request.log.info({ err: error }, 'unreadable multipart body');
    throw new AppError('BAD_REQUEST', 400, 'The multipart/form-data body could not be read');
  }
  if (!upload) throw invalid('attach a JPEG or PNG picture');
  if (upload.length === 0) throw invalid('the file is empty');
  return upload;
}
