import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import nodemailer from 'nodemailer';

export interface MailMessage {
  /** The outbox id; it becomes the Message-ID, so a retried delivery can be recognised as the same message. */
  id: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Extra header fields (List-Unsubscribe and the like). */
  headers?: Record<string, string>;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}

export interface MailerOptions {
  /** `smtp://` or `smtps://` URL; undefined writes `.eml` files into `dir` instead. */
  smtpUrl: string | undefined;
  from: string;
  dir: string;
}

// Short enough that a server which accepts the connection and then says nothing can't hold the
// outbox worker for minutes (nodemailer's defaults are 2 and 10 minutes); the message is retried.
const SMTP_TIMEOUT_MS = 10_000;

export function createMailer(options: MailerOptions, logger: FastifyBaseLogger): Mailer {
  return options.smtpUrl
    ? createSmtpMailer(options.smtpUrl, options.from)
    : createFileMailer(options.dir, options.from, logger);
}

export function messageIdFor(id: string): string {
  return `<${id}@kith>`;
}

function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  });
  return {
    async send(message) {
      await transport.sendMail(toNodemailer(message, from));
    },
    async close() {
      transport.close();
    },
  };
}

/**
 * Development default: every message becomes an RFC 822 file that any mail client opens, and its
 * links are logged so a developer can follow a verification link straight from the console.
 */
function createFileMailer(dir: string, from: string, logger: FastifyBaseLogger): Mailer {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message) {
      const info = await composer.sendMail(toNodemailer(message, from));
      await mkdir(dir, { recursive: true });
      const name = `${new Date().toISOString()}-${message.id}`.replace(/[^A-Za-z0-9._-]/g, '-');
      const file = path.join(dir, `${name}.eml`);
      // Written under a temporary name first, so whoever watches the folder never opens half a file.
      if (!Buffer.isBuffer(info.message)) throw new Error('stream transport did not buffer the message');
      await writeFile(`${file}.tmp`, info.message);
      await rename(`${file}.tmp`, file);
      logger.info(
        { mailId: message.id, to: message.to, subject: message.subject, links: linksIn(message.text), file },
        'mail written to file (set SMTP_URL to send it)',
      );
    },
    async close() {
      composer.close();
    },
  };
}

function toNodemailer(message: MailMessage, from: string) {
  return {
    from,
    to: message.to,
    subject: message.subject,
    html: message.html,
    text: message.text,
    messageId: messageIdFor(message.id),
    ...(message.headers ? { headers: message.headers } : {}),
  };
}

export function linksIn(text: string): string[] {
  const found = text.match(/https?:\/\/[^\s<>"'`]+/g) ?? [];
  // A sentence may end right after a URL; its full stop is not part of the link.
  return [...new Set(found.map((link) => link.replace(/[.,;:!?)\]]+$/, '')))];
}
