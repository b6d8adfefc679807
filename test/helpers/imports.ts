/** POST /api/contacts/import from the tests: a file as the `file` part of a multipart body. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { bearer } from './accounts.js';
import { multipartBody } from './avatar-uploads.js';

export interface ImportReportJson {
  dryRun: boolean;
  format: 'vcard' | 'google-csv' | 'outlook-csv';
  created: number;
  updated: number;
  skipped: number;
  items: Array<{ index: number; name: string; action: 'create' | 'update' | 'skip'; contactId?: string; reason?: string }>;
}

export function importFile(
  app: FastifyInstance,
  accessToken: string,
  data: Buffer | string,
  options: { dryRun?: boolean; filename?: string; contentType?: string } = {},
): Promise<LightMyRequestResponse> {
  const filename = options.filename ?? 'contacts.vcf';
  const contentType = options.contentType ?? (filename.endsWith('.csv') ? 'text/csv' : 'text/vcard');
  const form = multipartBody([{ filename, contentType, data }]);
  return app.inject({
    method: 'POST',
    url: '/api/contacts/import',
    query: options.dryRun ? { dryRun: 'true' } : {},
    headers: { ...form.headers, ...bearer(accessToken) },
    payload: form.payload,
  });
}
