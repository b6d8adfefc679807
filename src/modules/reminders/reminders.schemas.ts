// Shared with the web app (its reminder settings form validates with the same schema): no server code here.
import { z } from 'zod';

export const MAX_REMINDER_DAYS_BEFORE = 30;
export const MAX_REMINDER_OFFSETS = 3;

export const DEFAULT_REMINDER_SETTINGS = { enabled: false, daysBefore: [0], hour: 9 } as const;

const daysBeforeSchema = z
  .array(
    z
      .number({ error: 'Use a whole number of days' })
      .int({ error: 'Use a whole number of days' })
      .min(0, { error: 'Use 0 (on the day) to 30 days' })
      .max(MAX_REMINDER_DAYS_BEFORE, { error: 'Use 0 (on the day) to 30 days' }),
  )
  .min(1, { error: 'Choose at least one day' })
  .max(MAX_REMINDER_OFFSETS, { error: 'Choose at most 3 days' })
  .refine((days) => new Set(days).size === days.length, { error: 'Choose each day only once' })
  .meta({
    description: 'How many days before each birthday to send a reminder (0 = on the day); 1 to 3 distinct values',
    example: [0, 7],
  });

const hourSchema = z
  .number({ error: 'Choose an hour' })
  .int({ error: 'Choose a whole hour' })
  .min(0, { error: 'Use an hour from 0 to 23' })
  .max(23, { error: 'Use an hour from 0 to 23' })
  .meta({ description: 'The hour (0..23) in the user’s time zone at which reminders are sent', example: 9 });

/** PUT body: the whole settings, as in REST's PUT; unknown fields are refused. */
export const reminderSettingsBodySchema = z
  .strictObject({
    enabled: z.boolean({ error: 'Say whether reminders are on' }),
    daysBefore: daysBeforeSchema,
    hour: hourSchema,
  });

export type ReminderSettingsInput = z.infer<typeof reminderSettingsBodySchema>;

export const reminderSettingsSchema = z
  .object({
    enabled: z.boolean(),
    daysBefore: z.array(z.number().int()).meta({ description: 'Ascending', example: [0, 7] }),
    hour: z.number().int().meta({ example: 9 }),
  })
  .meta({
    id: 'ReminderSettings',
    description: 'Birthday reminder emails; sent at `hour` in the user’s time zone (see `User.timezone`)',
  });

export type ReminderSettings = z.infer<typeof reminderSettingsSchema>;

export const unsubscribeQuerySchema = z.object({
  token: z.string().max(1000).meta({ description: 'The token from the reminder email’s link' }),
});
