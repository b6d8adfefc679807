import type { FastifyInstance, FastifyRequest } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readFileUpload, registerFileUploads } from '../../http/file-upload.js';
import { problems } from '../../http/openapi-helpers.js';
import { bearerSecurity, principalOf } from '../auth/authenticate.js';
import { importQuerySchema, importReportSchema } from './import.schemas.js';
import type { ImportService } from './import.service.js';

const DESCRIPTION = [
  'Send multipart/form-data with one file in the field `file`, at most 5 MiB: a vCard file (2.1, 3.0 or 4.0, any number of cards; ',
  'quoted-printable, `CHARSET=` and folded lines as old exports write them), or a CSV exported by Google Contacts ("Google CSV", ',
  'current or older columns) or Outlook (comma or semicolon separated). UTF-8, UTF-16 and Windows-1252 files are read.',
  '\n\nA card whose UID is one of your contacts updates that contact; an identical one is skipped as up to date; groups, empty cards ',
  'and rows, and a second card with a UID already in the file are skipped, each with its reason. Every contact keeps the card it came ',
  'in (CSV rows become vCard 3.0 cards; vCard 2.1 cards are rewritten as 3.0), so properties Kith does not show are kept and sync ',
  'over CardDAV. `items[].index` counts cards (or CSV data rows) from 1.',
  '\n\nAll or nothing: the real run is one transaction, and when the contacts it would create do not fit under the limit of 100 it is ',
  '409 `CONTACT_LIMIT_REACHED`, saying how many fit, with nothing written (a dry run answers the same). A file that cannot be read ',
  'is 400 `UNREADABLE_FILE` saying where (line, card or row); over 5 MiB is 413; a body that is not multipart is 415.',
].join('');

/** POST /import. Register with prefix `/api/contacts`. */
export async function importRoutes(
  fastify: FastifyInstance,
  { imports, authenticate }: { imports: ImportService; authenticate: (request: FastifyRequest) => Promise<void> },
) {
  await registerFileUploads(fastify);
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/import',
    {
      onRequest: authenticate,
      schema: {
        tags: ['Contacts'],
        summary: 'Import a vCard file or a Google Contacts / Outlook CSV export (dry run first, if you like)',
        description: DESCRIPTION,
        security: bearerSecurity,
        querystring: importQuerySchema,
        consumes: ['multipart/form-data'],
        body: z.object({ file: z.file().meta({ description: 'A .vcf vCard file or a .csv export, at most 5 MiB' }) }),
        response: { 200: importReportSchema, ...problems(400, 401, 409, 413, 415, 503) },
      },
      // The body schema documents the form; the handler reads the stream (as for picture uploads).
      validatorCompiler: (route) =>
        route.httpPart === 'querystring' ? validatorCompiler(route as unknown as Parameters<typeof validatorCompiler>[0]) : () => true,
    },
    async (request) => {
      const upload = await readFileUpload(request, { noun: 'the file', attach: 'attach a vCard (.vcf) or CSV file' });
      return imports.import(principalOf(request).user, upload, request.query.dryRun);
    },
  );
}
