/**
 * The one description of every contacts request and response: it validates requests, types the
 * handlers, generates the OpenAPI document and is meant to validate the web app's forms too, so
 * it imports nothing server-only. Checks that need the signed-in user (reading a phone number in
 * their region, "not in the future" in their time zone) happen in the service.
 */
import { z } from 'zod';
import { MAX_WINDOW_DAYS, parseBirthday, parseCalendarDate } from './birthdays.js';
import {
  blankToNull,
  contactDetailsFields,
  contactDetailsInputFields,
  emailValueSchema,
  optionalText,
  phoneValueSchema,
} from './contact-details.schemas.js';

export const MAX_CONTACTS_PER_USER = 100;

const firstNameSchema = z
  .string()
  .trim()
  .min(1, { error: 'Enter a first name' })
  .max(100, { error: 'Use at most 100 characters' })
  .meta({ example: 'Ada' });

const contactEmailSchema = z
  .string()
  .trim()
  .transform(blankToNull)
  .pipe(emailValueSchema.nullable())
  .nullable()
  .optional()
  .meta({
    format: 'email',
    description: 'The first of `emails`: writing it replaces that entry (keeping its label); empty or null removes it',
    example: 'ada@example.com',
  });

const phoneSchema = z
  .string()
  .trim()
  .transform(blankToNull)
  .pipe(phoneValueSchema.nullable())
  .nullable()
  .optional()
  .meta({
    description:
      'The first of `phones`: writing it replaces that entry (keeping its label); empty or null removes it. ' +
      'As people write it; stored in E.164, read in the user’s region without a country code.',
    example: '+380 50 123 4567',
  });

const birthdaySchema = z
  .string()
  .trim()
  .transform(blankToNull)
  .refine((value) => value === null || parseBirthday(value) !== undefined, {
    error: 'Use a real date as YYYY-MM-DD, or --MM-DD when the year is unknown',
  })
  .nullable()
  .optional()
  .meta({ description: '`YYYY-MM-DD`, or `--MM-DD` when the year is unknown; not in the future', example: '1815-12-10' });

const contactFields = {
  firstName: firstNameSchema,
  lastName: optionalText(100, 'Lovelace'),
  email: contactEmailSchema,
  phone: phoneSchema,
  birthday: birthdaySchema,
  notes: optionalText(2000, 'Met at the Analytical Society'),
  ...contactDetailsInputFields,
};

/** `email` is the first of `emails` (and `phone` of `phones`): a body may set one or the other. */
function oneOfEachPair(body: { email?: unknown; emails?: unknown; phone?: unknown; phones?: unknown }, ctx: z.RefinementCtx) {
  for (const [single, list] of [
    ['email', 'emails'],
    ['phone', 'phones'],
  ] as const) {
    if (body[single] !== undefined && body[list] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [list], message: `Send either ${single} or ${list}, not both` });
    }
  }
}

const richContactExample = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  emails: [
    { value: 'ada@example.com', label: 'home' },
    { value: 'ada@engines.example', label: 'work' },
  ],
  phones: [
    { value: '+44 20 7946 0958', label: 'mobile' },
    { value: '020 7946 0000', label: 'work' },
  ],
  addresses: [{ label: 'home', street: '12 St James’s Square', locality: 'London', postalCode: 'SW1Y 4JH', country: 'United Kingdom' }],
  websites: [{ value: 'https://ada.example.com', label: 'blog' }],
  organization: 'Analytical Engines Ltd',
  jobTitle: 'Programmer',
  birthday: '1815-12-10',
  notes: 'Met at the Analytical Society',
};

/** POST body. Unknown fields (`id`, `userId`, `createdAt`, ...) are a 400, so none can be set. */
export const contactInputSchema = z
  .strictObject(contactFields)
  .superRefine(oneOfEachPair)
  .meta({
    description:
      'Send the lists (`emails`, `phones`) or the single `email` / `phone`, which stand for their first entry; not both.',
    examples: [richContactExample],
  });
export type ContactInput = z.output<typeof contactInputSchema>;

/** PATCH body: any subset of the fields; null (or blank) clears an optional one; firstName can't be cleared. */
export const contactPatchSchema = z
  .strictObject({ ...contactFields, firstName: firstNameSchema.optional() })
  .superRefine(oneOfEachPair);
export type ContactPatch = z.output<typeof contactPatchSchema>;

export const contactSchema = z
  .object({
    id: z.uuid(),
    firstName: z.string(),
    lastName: z.string().nullable(),
    email: z.string().nullable().meta({ description: 'The first of `emails`, or null' }),
    phone: z.string().nullable().meta({ description: 'The first of `phones` (E.164), or null', example: '+380501234567' }),
    birthday: z.string().nullable().meta({ description: '`YYYY-MM-DD`, or `--MM-DD` when the year is unknown' }),
    notes: z.string().nullable(),
    ...contactDetailsFields,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({
    id: 'Contact',
    examples: [
      {
        id: '0b8e1f7a-1c2d-4e3f-8a9b-0c1d2e3f4a5b',
        ...richContactExample,
        email: 'ada@example.com',
        phone: '+442079460958',
        phones: [
          { value: '+442079460958', label: 'mobile' },
          { value: '+442079460000', label: 'work' },
        ],
        addresses: [{ ...richContactExample.addresses[0], region: null }],
        photoUrl: 'http://localhost:3000/api/avatars/files/3q2-7wEAAAA5mZmZmZmZmQ.jpg',
        createdAt: '2026-11-25T18:40:00.000Z',
        updatedAt: '2026-11-26T09:12:00.000Z',
      },
    ],
  });
export type Contact = z.infer<typeof contactSchema>;

export const trashedContactSchema = contactSchema
  .extend({
    deletedAt: z.iso.datetime(),
    purgeAt: z.iso.datetime().meta({ description: 'When the contact will be deleted for good (30 days after deletedAt)' }),
  })
  .meta({ id: 'TrashedContact' });
export type TrashedContact = z.infer<typeof trashedContactSchema>;

export const trashListSchema = z
  .object({ items: z.array(trashedContactSchema).meta({ description: 'Newest deletion first' }) })
  .meta({ id: 'Trash' });
export type TrashList = z.infer<typeof trashListSchema>;

/** How long a deleted contact stays in the trash. */
export const TRASH_RETENTION_DAYS = 30;

export const sortKeys = ['firstName', 'lastName', 'createdAt', 'birthday'] as const;
export type SortKey = (typeof sortKeys)[number];
const sortValues = sortKeys.flatMap((key) => [key, `-${key}`] as const);

const filterText = (description: string) => z.string().max(200).optional().meta({ description });

export const listContactsQuerySchema = z.object({
  q: filterText(
    'Search first, last and full name, every email and phone (by digits), notes, organization, job title and ' +
      "the addresses' locality and country, ignoring case and accents; " +
      'near misses ("Jhon" for "John") match too, ranked after exact matches',
  ),
  firstName: filterText('Only contacts whose first name contains this (case- and accent-insensitive)'),
  lastName: filterText('Only contacts whose last name contains this (case- and accent-insensitive)'),
  email: filterText('Only contacts with an email containing this (case-insensitive), in any entry of `emails`'),
  phone: filterText('Only contacts with a phone number containing these digits, however formatted, in any entry of `phones`'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  sort: z
    .enum(sortValues, { error: `Sort by one of ${sortValues.join(', ')}` })
    .optional()
    .meta({
      description:
        'A leading `-` sorts descending. Default: by relevance when `q` is given, else `firstName`. ' +
        'Names compare ignoring case and accents; `birthday` orders by month and day (the year breaks ties); ' +
        'contacts missing the sort field come last either way; remaining ties go by first name, last name, then id.',
    }),
});
export type ListContactsQuery = z.output<typeof listContactsQuerySchema>;

export const contactListSchema = z
  .object({
    items: z.array(contactSchema),
    total: z.number().int().meta({ description: 'How many contacts matched, across all pages' }),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .meta({ id: 'ContactList' });
export type ContactList = z.infer<typeof contactListSchema>;

export const birthdaysQuerySchema = z.object({
  days: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_WINDOW_DAYS)
    .default(7)
    .meta({ description: 'The window runs from `from` through `from + days`, both included' }),
  from: z
    .string()
    .refine((value) => parseCalendarDate(value) !== undefined, { error: 'Use a real date as YYYY-MM-DD' })
    .optional()
    .meta({ description: "`YYYY-MM-DD`; default today in the user's time zone", example: '2026-12-25' }),
});
export type BirthdaysQuery = z.output<typeof birthdaysQuerySchema>;

export const upcomingBirthdaySchema = z
  .object({
    contact: contactSchema,
    date: z.string().meta({ description: 'The next occurrence, `YYYY-MM-DD` (28 February for 29 February in a common year)' }),
    daysUntil: z.number().int(),
    turning: z.number().int().nullable().meta({ description: 'Age reached on `date`; null when the year is unknown' }),
  })
  .meta({ id: 'UpcomingBirthday' });

export const upcomingBirthdaysSchema = z
  .object({ items: z.array(upcomingBirthdaySchema) })
  .meta({ description: 'Sorted by `daysUntil`, then name' });
export type UpcomingBirthdays = z.infer<typeof upcomingBirthdaysSchema>;

/**
 * Any string: a malformed id names no contact, so it is a 404 like any other unknown id (the
 * service checks the form before querying), not a 400 that would tell ids and non-ids apart.
 */
export const contactIdParamsSchema = z.object({
  id: z.string().meta({ format: 'uuid', description: 'The contact id' }),
});
