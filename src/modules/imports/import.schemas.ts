import { z } from 'zod';

export const importFormatSchema = z.enum(['vcard', 'google-csv', 'outlook-csv']);
export type ImportFormat = z.infer<typeof importFormatSchema>;

export const importItemSchema = z.object({
  index: z.int().min(1).meta({ description: 'Which card (vCard) or data row (CSV) of the file, counting from 1' }),
  name: z.string().meta({ description: 'The contact’s name as it will be shown ("" for an empty row)' }),
  action: z.enum(['create', 'update', 'skip']),
  contactId: z
    .uuid()
    .optional()
    .meta({ description: 'The contact created or updated (for a dry run: only the one an update would change)' }),
  reason: z.string().optional().meta({ description: 'Why an item is skipped, or what an update matched on' }),
});
export type ImportItem = z.infer<typeof importItemSchema>;

export const importReportSchema = z
  .object({
    dryRun: z.boolean(),
    format: importFormatSchema,
    created: z.int().min(0),
    updated: z.int().min(0),
    skipped: z.int().min(0),
    items: z.array(importItemSchema),
  })
  .meta({
    id: 'ImportReport',
    example: {
      dryRun: true,
      format: 'vcard',
      created: 1,
      updated: 1,
      skipped: 1,
      items: [
        { index: 1, name: 'Ada Lovelace', action: 'create' },
        { index: 2, name: 'Grace Hopper', action: 'update', contactId: '9b2f7c1e-3a4d-4e5f-8a6b-7c8d9e0f1a2b', reason: 'same UID as this contact' },
        { index: 3, name: 'Friends', action: 'skip', reason: 'a contact group; Kith imports contacts, not groups' },
      ],
    },
  });
export type ImportReport = z.infer<typeof importReportSchema>;

export const importQuerySchema = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .meta({ description: '`true`: change nothing, answer what the import would do' }),
});

/** Files with more cards than this are refused before any card is read: Kith keeps at most 100 contacts. */
export const MAX_IMPORT_ITEMS = 1000;
