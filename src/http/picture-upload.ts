/**
 * Picture uploads (a user's avatar, a contact's photo): multipart/form-data with one file in the
 * field `file`, at most 5 MiB. Register the parser in the plugin that holds the upload routes, so
 * its limits apply to those routes only.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../errors.js';

export const MAX_PICTURE_BYTES = 5 * 1024 * 1024;

export async function registerPictureUploads(fastify: FastifyInstance): Promise<void> {
  await fastify.register(multipart, {
    limits: { fileSize: MAX_PICTURE_BYTES, files: 1, fields: 10, fieldSize: 16 * 1024, parts: 11, headerPairs: 100 },
  });
}

export const pictureUploadBodySchema = z.object({
  file: z.file().meta({ description: 'A JPEG or PNG picture, at most 5 MiB; its type is judged by its content' }),
});

export const PICTURE_UPLOAD_DESCRIPTION =
  'Send multipart/form-data with one file in the field `file`. The type is judged by the bytes alone ' +
  '(JPEG or PNG; anything else is 415, whatever its declared type). Images over 40 megapixels and ' +
  'damaged files are 400. The picture is re-encoded as a 256×256 square (cropped to cover), in the ' +
  'format it came in, with all metadata (EXIF, GPS) removed; the uploaded bytes are never stored. ' +
  '503 when the picture storage fails or times out; the previous picture is then unchanged.';

const invalid = (message: string) =>
  new AppError('VALIDATION_FAILED', 400, `file: ${message}`, { errors: [{ path: 'file', message }] });

/** The bytes of the one file in field `file`. Other, non-file fields are ignored. */
export async function readPictureUpload(request: FastifyRequest): Promise<Buffer> {
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
