import type { ImportFormat, ImportItem, ImportReport } from '../../../src/modules/imports/import.schemas.js';
import { uploadFile, type UploadOptions } from './upload.js';

export type { ImportFormat, ImportItem, ImportReport };
export type ImportAction = ImportItem['action'];

/** What the import takes: the server reads the bytes again and says what it can't. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const IMPORT_ACCEPT = '.vcf,.vcard,.csv,text/vcard,text/csv';

/** Said before anything is sent, so nobody waits for an upload the server will refuse. */
export function importFileProblem(file: File): string | undefined {
  if (file.size === 0) return `${file.name} is empty. Choose a vCard or CSV file with contacts in it.`;
  if (file.size > MAX_IMPORT_BYTES) {
    // Rounded up, so a file just over the limit never reads "5.0 MB".
    const megabytes = (Math.ceil((file.size / 1024 / 1024) * 10) / 10).toFixed(1);
    return `${file.name} is ${megabytes} MB; the limit is 5 MB. Split it into smaller files, or export fewer contacts at a time.`;
  }
  return undefined;
}

export interface ImportOptions extends Pick<UploadOptions, 'onProgress' | 'signal'> {
  /** Reads the file and reports what would happen, changing nothing. */
  dryRun: boolean;
}

/** Sends a vCard or CSV file to be imported (or, with `dryRun`, only checked), reporting upload progress. */
export const importContacts = (file: File, { dryRun, ...options }: ImportOptions) =>
  uploadFile<ImportReport>(`/api/contacts/import${dryRun ? '?dryRun=true' : ''}`, file, {
    ...options,
    method: 'POST',
    tooLargeDetail: 'That file is too large; the limit is 5 MB.',
  });
