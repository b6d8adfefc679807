import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problems } from '../../http/openapi-helpers.js';
import { PICTURE_UPLOAD_DESCRIPTION, pictureUploadBodySchema, readPictureUpload, registerPictureUploads } from '../../http/picture-upload.js';
import { bearerSecurity, principalOf } from '../auth/authenticate.js';
import type { ContactPhotoService } from './contact-photo.service.js';
import { contactIdParamsSchema, contactSchema } from './contacts.schemas.js';

export interface ContactPhotoRoutesOptions {
  photos: ContactPhotoService;
  authenticate: (request: FastifyRequest) => Promise<void>;
}

/** PUT and DELETE /{id}/photo. Register with prefix `/api/contacts`. */
export async function contactPhotoRoutes(fastify: FastifyInstance, { photos, authenticate }: ContactPhotoRoutesOptions) {
  await registerPictureUploads(fastify);
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Contacts'];

  app.put(
    '/:id/photo',
    {
      onRequest: authenticate,
      schema: {
        tags,
        summary: "Upload the contact's photo (JPEG or PNG, at most 5 MiB)",
        description: PICTURE_UPLOAD_DESCRIPTION,
        security: bearerSecurity,
        params: contactIdParamsSchema,
        consumes: ['multipart/form-data'],
        body: pictureUploadBodySchema,
        response: { 200: contactSchema, ...problems(400, 401, 404, 413, 415, 503) },
      },
      // As for the avatar: the body schema only documents the form; the handler reads the stream.
      // (The id param is any string, so there is nothing for this compiler to refuse there either.)
      validatorCompiler: () => () => true,
    },
    async (request) => photos.replace(principalOf(request).user, request.params.id, await readPictureUpload(request)),
  );

  app.delete(
    '/:id/photo',
    {
      onRequest: authenticate,
      schema: {
        tags,
        summary: "Remove the contact's photo",
        security: bearerSecurity,
        params: contactIdParamsSchema,
        response: { 200: contactSchema, ...problems(401, 404, 503) },
      },
    },
    async (request) => photos.remove(principalOf(request).user, request.params.id),
  );
}
