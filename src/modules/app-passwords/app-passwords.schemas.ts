/**
 * App passwords: what the API takes and answers. Imports nothing server-only, so the web app can
 * use the same shapes (and the same name rule in its form).
 */
import { z } from 'zod';

export const MAX_APP_PASSWORDS_PER_USER = 25;

export const appPasswordNameSchema = z
  .string()
  .trim()
  .min(1, { error: 'Name it after the device, e.g. “Ada’s iPhone”' })
  .max(100, { error: 'Use at most 100 characters' })
  .meta({ description: 'What the password is for, so it can be told apart later', example: 'Ada’s iPhone' });

export const createAppPasswordBodySchema = z.strictObject({ name: appPasswordNameSchema });
export type CreateAppPasswordBody = z.output<typeof createAppPasswordBodySchema>;

const appPasswordFields = {
  id: z.uuid(),
  name: z.string().meta({ example: 'Ada’s iPhone' }),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso
    .datetime()
    .nullable()
    .meta({ description: 'When a client last signed in with it (to the minute); null until then' }),
};

export const appPasswordSchema = z.object(appPasswordFields).meta({
  id: 'AppPassword',
  description: 'A password for one program that signs in over CardDAV. The secret itself is never shown again.',
  examples: [
    {
      id: '5f0c3b1e-2a4d-4c6b-9e8f-7a1b2c3d4e5f',
      name: 'Ada’s iPhone',
      createdAt: '2026-11-25T18:40:00.000Z',
      lastUsedAt: '2026-11-26T07:12:00.000Z',
    },
  ],
});
export type AppPassword = z.infer<typeof appPasswordSchema>;

export const appPasswordListSchema = z
  .object({ items: z.array(appPasswordSchema).meta({ description: 'Newest first' }) })
  .meta({ id: 'AppPasswordList' });
export type AppPasswordList = z.infer<typeof appPasswordListSchema>;

export const createdAppPasswordSchema = z
  .object({
    ...appPasswordFields,
    password: z.string().meta({
      description:
        'The secret, shown only in this answer. Four groups of lowercase letters and digits (no 0/o, 1/l/i) joined ' +
        'by "-"; the dashes and letter case may be left out when typing it.',
      example: 'k7mq2xz-h4np9tw-c3vr8ds-b6jy5fe',
    }),
    username: z.string().meta({ description: 'What to type as the user name: the account email', example: 'ada@example.com' }),
    server: z.string().meta({ description: 'The CardDAV server address to type', example: 'https://kith.example/dav/' }),
  })
  .meta({
    id: 'CreatedAppPassword',
    description: 'A new app password, with its secret and what else a CardDAV client asks for',
  });
export type CreatedAppPassword = z.infer<typeof createdAppPasswordSchema>;

/**
 * Any string: a malformed id names no app password, so it is a 404 like any other unknown id (the
 * service checks the form before querying).
 */
export const appPasswordIdParamsSchema = z.object({
  id: z.string().meta({ format: 'uuid', description: 'The app password id' }),
});
