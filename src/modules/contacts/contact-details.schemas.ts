/**
 * The repeatable parts of a contact, as a phone's address book keeps them: several emails and
 * phone numbers, postal addresses and websites, each with an optional free-text label. Shared by
 * the API (validation, OpenAPI) and the web app's form; imports nothing server-only.
 */
import { z } from 'zod';

export const MAX_EMAILS = 10;
export const MAX_PHONES = 10;
export const MAX_ADDRESSES = 5;
export const MAX_WEBSITES = 5;

/** The labels the web app offers; any other text (up to 50 characters) is accepted too. */
export const suggestedLabels = ['mobile', 'home', 'work', 'other'] as const;

// An empty (or all-blank) optional field means "no value", so a form can send what its inputs hold.
export const blankToNull = (value: string): string | null => (value === '' ? null : value);

/** An optional text field: trimmed, at most `max` characters; blank or null clears it. */
export const optionalText = (max: number, example: string) =>
  z
    .string()
    .trim()
    .max(max, { error: `Use at most ${max} characters` })
    .transform(blankToNull)
    .nullable()
    .optional()
    .meta({ description: `At most ${max} characters; empty or null clears it`, example });

const labelSchema = optionalText(50, 'work').meta({
  description: 'Free text, at most 50 characters, such as `mobile`, `home`, `work` or `other`; empty or null for none',
  example: 'work',
});

/** One email address: validated, stored lower-cased. */
export const emailValueSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, { error: 'Use at most 254 characters' })
  .pipe(z.email({ error: 'Enter a valid email address' }))
  .meta({ format: 'email', example: 'ada@example.com' });

/** One phone number as people write it; the service reads it in the user's region and stores E.164. */
export const phoneValueSchema = z
  .string()
  .trim()
  .min(1, { error: 'Enter a phone number' })
  .max(64, { error: 'Use at most 64 characters' })
  .meta({
    description:
      'As people write it ("050 123 45 67", "+44 (0)20 7946 0958"); stored in E.164. A number without ' +
      "a country code is read in the user's region, and refused when no region is set.",
    example: '+380 50 123 4567',
  });

const websiteValueSchema = z
  .string()
  .trim()
  .max(2000, { error: 'Use at most 2000 characters' })
  .pipe(z.url({ protocol: /^https?$/, error: 'Enter a web address starting with http:// or https://' }))
  .meta({ format: 'uri', example: 'https://ada.example.com' });

export const emailEntryInputSchema = z.strictObject({ value: emailValueSchema, label: labelSchema });
export const phoneEntryInputSchema = z.strictObject({ value: phoneValueSchema, label: labelSchema });
export const websiteEntryInputSchema = z.strictObject({ value: websiteValueSchema, label: labelSchema });

export const addressInputSchema = z
  .strictObject({
    label: labelSchema,
    street: optionalText(300, '12 Khreshchatyk St, apt 4'),
    locality: optionalText(100, 'Kyiv'),
    region: optionalText(100, 'Kyiv City'),
    postalCode: optionalText(20, '01001'),
    country: optionalText(100, 'Ukraine'),
  })
  .refine((a) => Boolean(a.street ?? a.locality ?? a.region ?? a.postalCode ?? a.country), {
    error: 'Fill in at least one line of the address',
  });

/**
 * A list field of a contact's input: at most `max` entries; null or [] removes them all. Absent
 * leaves the list as it is (PATCH).
 */
const listOf = <T extends z.ZodType>(entry: T, max: number, what: string) =>
  z
    .array(entry)
    .max(max, { error: `Add at most ${max} ${what}` })
    .nullable()
    .optional()
    .meta({ description: `At most ${max}; null or [] removes them all; the whole list is replaced` });

export const contactDetailsInputFields = {
  emails: listOf(emailEntryInputSchema, MAX_EMAILS, 'email addresses'),
  phones: listOf(phoneEntryInputSchema, MAX_PHONES, 'phone numbers'),
  addresses: listOf(addressInputSchema, MAX_ADDRESSES, 'addresses'),
  websites: listOf(websiteEntryInputSchema, MAX_WEBSITES, 'websites'),
  organization: optionalText(200, 'Analytical Engines Ltd'),
  jobTitle: optionalText(200, 'Programmer'),
};

export type EmailEntryInput = z.output<typeof emailEntryInputSchema>;
export type PhoneEntryInput = z.output<typeof phoneEntryInputSchema>;
export type AddressInput = z.output<typeof addressInputSchema>;
export type WebsiteEntryInput = z.output<typeof websiteEntryInputSchema>;

// What a contact's lists look like in responses: every key present, null where there is nothing.
const label = z.string().nullable();

export const emailEntrySchema = z.object({ value: z.string(), label }).meta({ id: 'ContactEmail' });
export const phoneEntrySchema = z
  .object({ value: z.string().meta({ description: 'E.164', example: '+380501234567' }), label })
  .meta({ id: 'ContactPhone' });
export const websiteEntrySchema = z.object({ value: z.string(), label }).meta({ id: 'ContactWebsite' });
export const addressSchema = z
  .object({
    label,
    street: z.string().nullable(),
    locality: z.string().nullable(),
    region: z.string().nullable(),
    postalCode: z.string().nullable(),
    country: z.string().nullable(),
  })
  .meta({ id: 'ContactAddress' });

export type EmailEntry = z.infer<typeof emailEntrySchema>;
export type PhoneEntry = z.infer<typeof phoneEntrySchema>;
export type WebsiteEntry = z.infer<typeof websiteEntrySchema>;
export type Address = z.infer<typeof addressSchema>;

export const contactDetailsFields = {
  emails: z.array(emailEntrySchema),
  phones: z.array(phoneEntrySchema),
  addresses: z.array(addressSchema),
  websites: z.array(websiteEntrySchema),
  organization: z.string().nullable(),
  jobTitle: z.string().nullable(),
  photoUrl: z
    .string()
    .nullable()
    .meta({ description: 'The contact’s picture; null without one. Set with PUT /api/contacts/{id}/photo' }),
};
