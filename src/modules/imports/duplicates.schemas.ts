/**
 * Duplicates and merge: the requests and answers, shared by the API (validation, OpenAPI) and the
 * web app. Imports nothing server-only.
 */
import { z } from 'zod';
import { MAX_ADDRESSES, MAX_EMAILS, MAX_PHONES, MAX_WEBSITES } from '../contacts/contact-details.schemas.js';
import { contactSchema } from '../contacts/contacts.schemas.js';

/** How many contacts one merge may fold into the one it keeps. */
export const MAX_MERGE_FROM = 20;

/** The most a merged contact may hold; a merge that would need more is refused, never trimmed. */
export const MERGE_LIMITS = {
  emails: MAX_EMAILS,
  phones: MAX_PHONES,
  addresses: MAX_ADDRESSES,
  websites: MAX_WEBSITES,
  notes: 2000,
} as const;

export const duplicateReasons = ['email', 'phone', 'name'] as const;
export type DuplicateReason = (typeof duplicateReasons)[number];

const exampleContact = {
  id: '0b8e1f7a-1c2d-4e3f-8a9b-0c1d2e3f4a5b',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  phone: '+442079460958',
  birthday: '1815-12-10',
  notes: null,
  emails: [{ value: 'ada@example.com', label: 'home' }],
  phones: [{ value: '+442079460958', label: 'mobile' }],
  addresses: [],
  websites: [],
  organization: null,
  jobTitle: null,
  photoUrl: null,
  createdAt: '2026-11-25T18:40:00.000Z',
  updatedAt: '2026-11-25T18:40:00.000Z',
};

export const duplicateGroupSchema = z
  .object({
    reason: z.enum(duplicateReasons).meta({
      description:
        'What the contacts share: an email address (compared ignoring case), a phone number (its E.164 form, ' +
        'however it was typed), or the full name (ignoring case, accents and extra spaces)',
    }),
    value: z.string().meta({
      description: 'The shared value: the email address, the E.164 number, or the name as the first contact writes it',
      example: 'ada@example.com',
    }),
    contacts: z
      .array(contactSchema)
      .min(2)
      .meta({ description: 'At least two, each exactly as GET /api/contacts/{id} shows it; in the list’s default order' }),
  })
  .meta({ id: 'DuplicateGroup' });
export type DuplicateGroup = z.infer<typeof duplicateGroupSchema>;

export const duplicatesSchema = z
  .object({
    groups: z.array(duplicateGroupSchema).meta({
      description:
        'One group per shared value. A set of contacts that shares several values is listed once, under the ' +
        'first reason in the order email, phone, name. Ordered by reason in that order, then by the shared value.',
    }),
  })
  .meta({
    id: 'Duplicates',
    examples: [
      {
        groups: [
          {
            reason: 'email',
            value: 'ada@example.com',
            contacts: [
              exampleContact,
              { ...exampleContact, id: '5d0c7e2a-9b41-4f3e-8c2d-1a2b3c4d5e6f', lastName: null, phone: null, phones: [], birthday: null },
            ],
          },
        ],
      },
    ],
  });
export type Duplicates = z.infer<typeof duplicatesSchema>;

export const mergeBodySchema = z
  .strictObject({
    from: z
      .array(z.string().max(100).meta({ format: 'uuid' }))
      .min(1, { error: 'Name at least one contact to merge into this one' })
      .max(MAX_MERGE_FROM, { error: `Merge at most ${MAX_MERGE_FROM} contacts at once` })
      .refine((ids) => new Set(ids.map((id) => id.toLowerCase())).size === ids.length, {
        error: 'Name each contact once',
      })
      .meta({
        description:
          `The contacts to fold into this one (1..${MAX_MERGE_FROM}, each once, not this one itself). ` +
          'Their values are taken in this order; afterwards they are in the trash.',
        example: ['5d0c7e2a-9b41-4f3e-8c2d-1a2b3c4d5e6f'],
      }),
  })
  .meta({ id: 'MergeRequest' });
export type MergeBody = z.output<typeof mergeBodySchema>;

export const mergeQuerySchema = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .meta({ description: '`true`: change nothing; answer the contact as the merge would leave it, or the same refusal' }),
});
