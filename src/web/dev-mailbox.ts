import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../config.js';
import { linksIn } from '../mail/mailer.js';
import { parseEml } from './eml.js';

/** The newest messages only: enough to find a link, and each poll stays cheap. */
const MAX_MESSAGES = 50;

export const mailboxMessageSchema = z
  .object({
    id: z.string().meta({ description: 'The file name in $DATA_DIR/mail' }),
    subject: z.string(),
    to: z.string(),
    from: z.string(),
    date: z.iso.datetime(),
    text: z.string(),
    links: z.array(z.string()),
  })
  .meta({ id: 'MailboxMessage' });

export const mailboxSchema = z.object({ items: z.array(mailboxMessageSchema) }).meta({ id: 'Mailbox' });
export type MailboxMessage = z.infer<typeof mailboxSchema>['items'][number];

/**
 * Development only: with no SMTP_URL the file mailer writes each message to $DATA_DIR/mail, and
 * this lists them so someone trying Kith can follow their verification link without a mail server.
 * Never in production, where those messages (with their sign-in links) must not be readable.
 */
export function devMailboxEnabled(config: Pick<Config, 'isProduction' | 'mail'>): boolean {
  return !config.isProduction && !config.mail.smtpUrl;
}

export async function readMailbox(dir: string): Promise<MailboxMessage[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  // File names start with the time the message was written, so the name order is the time order.
  const newest = names
    .filter((name) => name.endsWith('.eml'))
    .sort()
    .reverse()
    .slice(0, MAX_MESSAGES);
  const messages = await Promise.all(
    newest.map(async (name): Promise<MailboxMessage | undefined> => {
      const file = path.join(dir, name);
      try {
        const [raw, info] = await Promise.all([readFile(file), stat(file)]);
        const mail = parseEml(raw);
        return { id: name, ...mail, date: mail.date ?? info.mtime.toISOString(), links: linksIn(mail.text) };
      } catch {
        return undefined; // removed between listing and reading
      }
    }),
  );
  return messages.filter((message) => message !== undefined);
}

export async function devMailboxRoutes(fastify: FastifyInstance, { dir }: { dir: string }) {
  fastify.withTypeProvider<ZodTypeProvider>().get(
    '/mailbox',
    {
      schema: {
        tags: ['Development'],
        summary: 'Emails written to $DATA_DIR/mail (only without SMTP_URL, never in production)',
        response: { 200: mailboxSchema },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return { items: await readMailbox(dir) };
    },
  );
}
