import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message as a real SMTP server received it. */
export interface CapturedMail {
  /** The first envelope recipient (RCPT TO); Kith sends every message to one address. */
  to: string;
  /** Every envelope recipient. */
  recipients: string[];
  /** The envelope sender (MAIL FROM). */
  from: string;
  subject: string;
  text: string;
  html: string;
  /** The Message-ID header, angle brackets included (`<id@kith>`), or '' if there was none. */
  messageId: string;
  /** Header values as sent (unfolded), by lower-case name; the first occurrence of a repeated header. */
  headers: Record<string, string>;
  /** The message exactly as it came over the wire. */
  raw: string;
}

export interface SmtpCapture {
  readonly port: number;
  /** `smtp://127.0.0.1:<port>`, ready for SMTP_URL. */
  readonly url: string;
  /** Every message received so far, in order of arrival. */
  readonly messages: readonly CapturedMail[];
  /**
   * Resolves with the first message (already received or still to come) matching `predicate`;
   * rejects after `timeoutMs` with a list of what did arrive.
   */
  waitFor(predicate?: (message: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  /** Resolves with the first `count` matching messages, in order of arrival, once that many have come. */
  waitForCount(predicate: (message: CapturedMail) => boolean, count: number, timeoutMs?: number): Promise<CapturedMail[]>;
  /** The first http(s) URL in the message's text whose path starts with `pathPrefix`, if there is one. */
  linkFrom(message: CapturedMail, pathPrefix: string): string | undefined;
  /** The `token` query parameter of that link; throws if there is no such link or token. */
  tokenFrom(message: CapturedMail, pathPrefix: string): string;
  /** Forgets the messages received so far. */
  clear(): void;
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 that keeps what it receives, for tests that send mail the way
 * production does. Port 0 (the default) picks a free port; pass a port to bring a server back where
 * an earlier one stopped. A message is stored before the server acknowledges it, so a client that
 * saw its send succeed can find the message in `messages` right away.
 */
export async function startSmtpCapture(options: { port?: number } = {}): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  // Re-checked after every arrival; each one settles its own promise.
  const waiters = new Set<() => void>();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // A reverse DNS lookup of 127.0.0.1 per connection costs tens of milliseconds for nothing.
    disableReverseLookup: true,
    // Lets close() finish quickly even if a client (say a pooled transport) keeps its connection open.
    closeTimeout: 1000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => callback(error));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            const recipients = session.envelope.rcptTo.map((address) => address.address);
            const mailFrom = session.envelope.mailFrom;
            const message: CapturedMail = {
              to: recipients[0] ?? '',
              recipients,
              from: mailFrom ? mailFrom.address : '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              messageId: parsed.messageId ?? '',
              headers: headersOf(parsed.headerLines),
              raw: raw.toString('utf8'),
            };
            messages.push(message);
            for (const waiter of [...waiters]) waiter();
            callback();
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      });
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
  // A client that drops its connection mid-way makes the server emit 'error'; without a listener
  // that would crash the test run.
  server.on('error', () => undefined);

  function waitForMatches(
    predicate: (message: CapturedMail) => boolean,
    count: number,
    timeoutMs: number,
  ): Promise<CapturedMail[]> {
    return new Promise<CapturedMail[]>((resolve, reject) => {
      const settle = (outcome: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        outcome();
      };
      // A predicate that throws fails this wait, not the SMTP session that delivered the message.
      const check = () => {
        let matches: CapturedMail[];
        try {
          matches = messages.filter(predicate);
        } catch (error) {
          settle(() => reject(error instanceof Error ? error : new Error(String(error))));
          return;
        }
        if (matches.length >= count) settle(() => resolve(matches.slice(0, count)));
      };
      const timer = setTimeout(() => {
        const seen = messages.map((m) => `${m.to}: ${m.subject}`).join('; ') || 'none';
        settle(() => reject(new Error(`fewer than ${count} matching mail(s) within ${timeoutMs} ms (received: ${seen})`)));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  const capture: SmtpCapture = {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,

    async waitFor(predicate = () => true, timeoutMs = 5000) {
      const [first] = await waitForMatches(predicate, 1, timeoutMs);
      return first!;
    },

    waitForCount(predicate, count, timeoutMs = 5000) {
      return waitForMatches(predicate, count, timeoutMs);
    },

    linkFrom(message, pathPrefix) {
      for (const candidate of message.text.match(/https?:\/\/[^\s<>"'`]+/g) ?? []) {
        const link = candidate.replace(/[.,;:!?)\]]+$/, '');
        if (URL.canParse(link) && new URL(link).pathname.startsWith(pathPrefix)) return link;
      }
      return undefined;
    },

    tokenFrom(message, pathPrefix) {
      const link = capture.linkFrom(message, pathPrefix);
      if (!link) throw new Error(`no link to ${pathPrefix} in mail "${message.subject}" to ${message.to}:\n${message.text}`);
      const token = new URL(link).searchParams.get('token');
      if (!token) throw new Error(`the link ${link} has no token`);
      return token;
    },

    clear() {
      messages.length = 0;
    },

    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return capture;
}

function headersOf(lines: ReadonlyArray<{ key: string; line: string }>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of lines) {
    if (key in headers) continue;
    const colon = line.indexOf(':');
    headers[key] = line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
  }
  return headers;
}
