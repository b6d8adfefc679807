// Shared with the web app (its email and delete-account forms validate with these): no server code here.
import { z } from 'zod';
import { trashedContactSchema, contactSchema } from '../contacts/contacts.schemas.js';
import { reminderSettingsSchema } from '../reminders/reminders.schemas.js';
import { emailSchema, userSchema } from '../users/users.schemas.js';

// Not the full password rules: the current password is checked against its hash, not re-judged.
const currentPasswordSchema = z
  .string({ error: 'Enter your password' })
  .min(1, { error: 'Enter your password' })
  .max(1024)
  .meta({ description: 'The account’s current password' });

/** The second factor where two-step sign-in is on: a current authenticator code or an unused recovery code. */
const twoFactorCodeField = z
  .string()
  .trim()
  .min(1, { error: 'Enter the code from your authenticator app' })
  .max(64)
  .optional()
  .meta({ description: 'Required when two-step sign-in is on: a current code from the authenticator app (or an unused recovery code)' });

export const changeEmailBodySchema = z.strictObject({
  newEmail: emailSchema,
  password: currentPasswordSchema,
  code: twoFactorCodeField,
});
export type ChangeEmailInput = z.infer<typeof changeEmailBodySchema>;

export const changeEmailAcceptedSchema = z
  .object({ message: z.string(), newEmail: z.string() })
  .meta({ id: 'EmailChangeRequested', description: 'A confirmation link was mailed to `newEmail`; nothing changes until it is followed' });

export const confirmEmailBodySchema = z.strictObject({
  token: z.string({ error: 'The token is missing' }).min(1, { error: 'The token is missing' }).max(512),
});

export const deleteAccountBodySchema = z.strictObject({
  password: currentPasswordSchema,
  code: twoFactorCodeField,
});
export type DeleteAccountInput = z.infer<typeof deleteAccountBodySchema>;

export const accountExportSchema = z
  .object({
    format: z.literal('kith-account-export'),
    version: z.literal(1),
    exportedAt: z.iso.datetime(),
    account: userSchema,
    settings: z.object({
      reminders: reminderSettingsSchema,
      birthdayCalendar: z
        .object({ enabled: z.boolean() })
        .meta({ description: 'Whether the calendar feed is on; its secret address is not part of the export' }),
      addressBookName: z.string().nullable().meta({ description: 'The CardDAV address book’s name, when a client renamed it' }),
    }),
    contacts: z.array(contactSchema),
    trash: z.array(trashedContactSchema).meta({ description: 'Contacts in the trash, newest deletion first' }),
  })
  .meta({
    id: 'AccountExport',
    description:
      'Everything of the account, as the API presents it: the user, settings, every contact and the trash. ' +
      'No password hash, tokens, app password secrets or two-step secrets.',
  });
export type AccountExport = z.infer<typeof accountExportSchema>;
