/**
 * Sessions (the devices list): what the API answers. Imports nothing server-only, so the web app
 * uses the same shapes.
 */
import { z } from 'zod';

export const sessionSchema = z
  .object({
    id: z.uuid(),
    createdAt: z.iso.datetime().meta({ description: 'When this sign-in happened' }),
    lastUsedAt: z.iso.datetime().meta({
      description: 'When the sign-in was last used (a request or a token refresh), to the minute; the sign-in itself counts',
    }),
    userAgent: z
      .string()
      .nullable()
      .meta({ description: 'The User-Agent it signed in with (at most 512 characters); null when none was sent' }),
    device: z.string().meta({
      description: 'A readable name for the device, from the User-Agent: browser and operating system, or "Unknown device"',
      example: 'Chrome on Android',
    }),
    current: z.boolean().meta({ description: 'True for the session this request was made with' }),
  })
  .meta({
    id: 'Session',
    description: 'One sign-in that is still live: neither signed out nor expired.',
    examples: [
      {
        id: '0b6f3c1e-7a2d-4c6b-9e8f-7a1b2c3d4e5f',
        createdAt: '2026-11-25T18:40:00.000Z',
        lastUsedAt: '2026-11-26T07:12:00.000Z',
        userAgent:
          'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
        device: 'Chrome on Android',
        current: true,
      },
    ],
  });
export type Session = z.infer<typeof sessionSchema>;

export const sessionListSchema = z
  .object({ items: z.array(sessionSchema).meta({ description: 'Most recently used first' }) })
  .meta({ id: 'SessionList' });
export type SessionList = z.infer<typeof sessionListSchema>;

/**
 * Any string: a malformed id names no session, so it is a 404 like any other unknown id (the
 * service checks the form before querying).
 */
export const sessionIdParamsSchema = z.object({
  id: z.string().meta({ format: 'uuid', description: 'The session id' }),
});
