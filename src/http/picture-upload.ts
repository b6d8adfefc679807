/**
 * Picture uploads (a user's avatar, a contact's photo): one JPEG or PNG in the field `file`, at
 * most 5 MiB, read by the shared file-upload parser.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { readFileUpload, registerFileUploads } from './file-upload.js';

export const registerPictureUploads = (fastify: FastifyInstance): Promise<void> => registerFileUploads(fastify);

export const pictureUploadBodySchema = z.object({
  file: z.file().meta({ description: 'A JPEG or PNG picture, at most 5 MiB; its type is judged by its content' }),
});

export const PICTURE_UPLOAD_DESCRIPTION =
  'Send multipart/form-data with one file in the field `file`. The type is judged by the bytes alone ' +
  '(JPEG or PNG; anything else is 415, whatever its declared type). Images over 40 megapixels and ' +
  'damaged files are 400. The picture is re-encoded as a 256×256 square (cropped to cover), in the ' +
  'format it came in, with all metadata (EXIF, GPS) removed; the uploaded bytes are never stored. ' +
  '503 when the picture storage fails or times out; the previous picture is then unchanged.';

/** The bytes of the one picture in field `file`. Other, non-file fields are ignored. */
export const readPictureUpload = (request: FastifyRequest): Promise<Buffer> =>
  readFileUpload(request, { noun: 'the picture', attach: 'attach a JPEG or PNG picture' });
