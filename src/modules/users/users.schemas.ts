import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import { isValidTimeZone } from '../contacts/birthdays.js';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ error: 'Enter a valid email address' }))
  .meta({ format: 'email', example: 'ada@example.com' });

export const nameSchema = z
  .string()
  .trim()
  .min(1, { error: 'Enter a name' })
  .max(100, { error: 'Use at most 100 characters' })
  .meta({ example: 'Ada Lovelace' });

export const timezoneSchema = z
  .string()
  .max(64)
  .refine(isValidTimeZone, { error: 'Use an IANA time zone such as Europe/Kyiv' })
  .meta({ description: 'IANA time zone', example: 'Europe/Kyiv' });

// Regions are used to read phone numbers typed without a country code, so only regions the phone
// library knows are accepted.
export const regionSchema = z
  .string()
  .trim()
  .toUpperCase()
  .length(2, { error: 'Use a two-letter country code such as UA' })
  .refine((code) => isSupportedCountry(code), { error: 'Unknown country code' })
  .meta({ description: 'ISO 3166-1 alpha-2 region', example: 'UA' });

export const userSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    emailVerified: z.boolean(),
    avatarUrl: z.string(),
    timezone: z.string(),
    region: z.string().nullable(),
    twoFactorEnabled: z.boolean().meta({ description: 'Whether signing in takes a code from an authenticator app too' }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'User' });

export type User = z.infer<typeof userSchema>;

export const updateMeBodySchema = z.strictObject({
  name: nameSchema.optional(),
  timezone: timezoneSchema.optional(),
  region: regionSchema.nullable().optional(),
});
