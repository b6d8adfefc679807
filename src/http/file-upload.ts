/**
 * File uploads: multipart/form-data with one file in the field `file`. Register the parser in the
 * plugin that holds the upload routes, so its limits apply to those routes only. Pictures (avatar,
 * contact photo) and address book files (import) both come this way.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

export async function registerFileUploads(fastify: FastifyInstance): Promise<void> {
  await fastify.register(multipart, {
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, fieldSize: 16 * 1024, parts: 11, headerPairs: 100 },
  });
}

const invalid = (message: string) =>
  new AppError('VALIDATION_FAILED', 400, `file: ${message}`, { errors: [{ path: 'file', message }] });

/**
 * The bytes of the one file in field `file`; `what` names it in messages ("the picture", "the
 * file"). Other, non-file fields are ignored.
 */
export async function readFileUpload(request: FastifyRequest, what: { noun: string; attach: string }): Promise<Buffer> {
  if (!request.isMultipart()) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415, `Send ${what.noun} as multipart/form-data in the field "file"`);
  }
  const { FilesLimitError, RequestFileTooLargeError, FieldsLimitError, PartsLimitError } = request.server.multipartErrors;
  let upload: Buffer | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== 'file') throw invalid(`send ${what.noun} in the field "file", not "${part.fieldname}"`);
      upload = await part.toBuffer();
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof RequestFileTooLargeError) {
      const noun = what.noun.charAt(0).toUpperCase() + what.noun.slice(1);
      throw new AppError('PAYLOAD_TOO_LARGE', 413, `${noun} may be at most 5 MiB`);
    }
    if (error instanceof FilesLimitError) throw invalid('send exactly one file');
    if (error instanceof FieldsLimitError || error instanceof PartsLimitError) {
      throw new AppError('BAD_REQUEST', 400, 'The form has too many fields; send only the file');
    }
    // Anything else here is the request body failing to parse as multipart.
    request.log.info({ err: error }, 'unreadable multipart body');
    throw new AppError('BAD_REQUEST', 400, 'The multipart/form-data body could not be read');
  }
  if (!upload) throw invalid(what.attach);
  if (upload.length === 0) throw invalid('the file is empty');
  return upload;
}
