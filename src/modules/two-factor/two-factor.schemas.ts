import { z } from 'zod';

const passwordField = z.string().min(1, { error: 'Enter your password' }).max(1024);

/** A code from the authenticator app (6 digits) or a recovery code (`abcde-fghjk-mnpqr-stuvw-xyz23`). */
export const twoFactorCodeSchema = z
  .string()
  .trim()
  .min(1, { error: 'Enter the code' })
  .max(64, { error: 'That is not a code from your app or a recovery code' })
  .meta({ description: 'The 6-digit code from the authenticator app, or an unused recovery code', example: '123456' });

/** Only the app's 6 digits: turning two-step on proves the app was set up. */
export const totpCodeSchema = z
  .string()
  .trim()
  .regex(/^\d{3} ?\d{3}$/, { error: 'Enter the 6-digit code from your authenticator app' })
  .meta({ description: 'The 6-digit code the authenticator app shows now', example: '123456' });

export const twoFactorSetupBodySchema = z.strictObject({ password: passwordField });
export const twoFactorEnableBodySchema = z.strictObject({ code: totpCodeSchema });
export const twoFactorDisableBodySchema = z.strictObject({ password: passwordField, code: twoFactorCodeSchema });

export const twoFactorSetupSchema = z
  .object({
    secret: z.string().meta({ description: 'The TOTP secret, base32, for typing into an app by hand' }),
    otpauthUrl: z.string().meta({
      description: 'otpauth://totp/Kith:<email>?secret=…&issuer=Kith&algorithm=SHA1&digits=6&period=30, for the QR code',
    }),
  })
  .meta({ id: 'TwoFactorSetup' });

export const recoveryCodesSchema = z
  .object({
    recoveryCodes: z
      .array(z.string())
      .length(10)
      .meta({ description: 'Ten single-use codes (e.g. "k7mp-2xqa-9wfd"); shown only this once' }),
  })
  .meta({ id: 'RecoveryCodes' });

export type TwoFactorSetup = z.infer<typeof twoFactorSetupSchema>;
export type RecoveryCodes = z.infer<typeof recoveryCodesSchema>;

/** The second step of a sign-in, for accounts with two-step on. */
export const twoFactorLoginBodySchema = z.strictObject({
  twoFactorToken: z.string().min(1, { error: 'The sign-in token is missing' }).max(512),
  code: twoFactorCodeSchema,
});

export const twoFactorChallengeSchema = z
  .object({
    twoFactorRequired: z.literal(true),
    twoFactorToken: z.string().meta({ description: 'Send it with a code to POST /api/auth/login/two-factor' }),
    expiresIn: z.number().int().meta({ description: 'Seconds until the token expires' }),
  })
  .meta({ id: 'TwoFactorChallenge', description: 'The password was right; a code from the app is needed as well' });

export type TwoFactorChallenge = z.infer<typeof twoFactorChallengeSchema>;
