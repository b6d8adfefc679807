import { z } from 'zod';
import { emailSchema, nameSchema } from '../users/users.schemas.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordLength } from './password-rules.js';

// Length is counted in code points and the value is never trimmed or truncated: every character
// a person typed is part of the password.
export const passwordSchema = z
  .string()
  .refine((value) => passwordLength(value) >= PASSWORD_MIN_LENGTH, {
    error: `Use at least ${PASSWORD_MIN_LENGTH} characters`,
  })
  .refine((value) => passwordLength(value) <= PASSWORD_MAX_LENGTH, {
    error: `Use at most ${PASSWORD_MAX_LENGTH} characters`,
  })
  .meta({ description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, not a common password` });

const opaqueToken = z.string().min(1, { error: 'The token is missing' }).max(512);

export const registerBodySchema = z.strictObject({ email: emailSchema, password: passwordSchema, name: nameSchema });
export const emailBodySchema = z.strictObject({ email: emailSchema });
export const tokenBodySchema = z.strictObject({ token: opaqueToken });
export const loginBodySchema = z.strictObject({
  email: emailSchema,
  // Not the full password rules: an old account's password is checked against its hash, not re-judged.
  password: z.string().min(1, { error: 'Enter your password' }).max(1024),
});
export const refreshBodySchema = z
  .strictObject({ refreshToken: opaqueToken.optional() })
  .nullish()
  .meta({ description: 'The refresh token, or nothing when the refresh cookie is sent' });
export const resetPasswordBodySchema = z.strictObject({ token: opaqueToken, password: passwordSchema });
export const changePasswordBodySchema = z.strictObject({
  currentPassword: z.string().min(1, { error: 'Enter your current password' }).max(1024),
  newPassword: passwordSchema,
});

export const tokenPairSchema = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().meta({ description: 'Seconds until the access token expires' }),
  })
  .meta({ id: 'TokenPair' });

export type TokenPair = z.infer<typeof tokenPairSchema>;

export const acceptedSchema = z
  .object({ message: z.string() })
  .meta({ id: 'Accepted', description: 'The same answer whether or not the address has an account' });
