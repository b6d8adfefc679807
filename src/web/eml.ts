/**
 * Just enough of RFC 5322 / MIME to read back the messages Kith's file mailer writes: headers with
 * RFC 2047 encoded words, multipart bodies, quoted-printable and base64 parts. Used only by the
 * development mailbox, so it favours simplicity over covering every mail in the wild.
 */

export interface ParsedEml {
  subject: string;
  from: string;
  to: string;
  /** The Date header as an ISO string, or undefined if it is missing or unreadable. */
  date: string | undefined;
  /** The text/plain body (or the HTML body without its tags when there is no plain part). */
  text: string;
}

type Headers = Map<string, string>;

interface Part {
  headers: Headers;
  /** The body as bytes held one per char (latin1), so any charset can be decoded later. */
  body: string;
}

function splitPart(raw: string): Part {
  const match = /\r?\n\r?\n/.exec(raw);
  const head = match ? raw.slice(0, match.index) : raw;
  const body = match ? raw.slice(match.index + match[0].length) : '';
  const headers: Headers = new Map();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBytes(bytes: string, charset = 'utf-8'): string {
  const buffer = Buffer.from(bytes, 'latin1');
  try {
    return new TextDecoder(charset).decode(buffer);
  } catch {
    return new TextDecoder('utf-8').decode(buffer);
  }
}

const decodeQuotedPrintable = (text: string, underscoreIsSpace = false): string =>
  (underscoreIsSpace ? text.replace(/_/g, ' ') : text)
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

const decodeBase64 = (text: string): string => Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('latin1');

/** Header value with `=?charset?B|Q?...?=` words decoded; whitespace between two such words is dropped. */
export function decodeHeader(value: string): string {
  const bytes = value.replace(/(\?=)\s+(=\?)/g, '$1$2');
  const decoded = bytes.replace(
    /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
    (_, charset: string, encoding: string, text: string) =>
      decodeBytes(
        encoding.toUpperCase() === 'B' ? decodeBase64(text) : decodeQuotedPrintable(text, true),
        charset.split('*')[0],
      ),
  );
  // Any raw 8-bit left over was UTF-8 in the file.
  const onlyBytes = [...decoded].every((char) => char.charCodeAt(0) <= 0xff);
  return onlyBytes && /[\u0080-\u00ff]/.test(decoded) ? decodeBytes(decoded) : decoded;
}

function parameter(header: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(header);
  return match?.[1] ?? match?.[2];
}

function bodyText(part: Part): string {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const bytes =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(part.body)
      : encoding === 'base64'
        ? decodeBase64(part.body)
        : part.body;
  return decodeBytes(bytes, parameter(part.headers.get('content-type') ?? '', 'charset'));
}

/** The text/plain leaves of a part, else its text/html leaves, depth first. */
function leaves(part: Part, type: 'text/plain' | 'text/html'): Part[] {
  const contentType = (part.headers.get('content-type') ?? 'text/plain').toLowerCase();
  if (contentType.startsWith('multipart/')) {
    const boundary = parameter(part.headers.get('content-type') ?? '', 'boundary');
    if (!boundary) return [];
    const delimiter = `--${boundary}`;
    const sections = part.body.split(
      new RegExp(`\\r?\\n?${delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`),
    );
    // The text before the first delimiter is a preamble, after the last an epilogue.
    return sections.slice(1, -1).flatMap((section) => leaves(splitPart(section), type));
  }
  const disposition = part.headers.get('content-disposition') ?? '';
  return contentType.startsWith(type) && !/^attachment/i.test(disposition) ? [part] : [];
}

const stripTags = (html: string): string =>
  html
    .replace(/<(style|script)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/h\d>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\n{3,}/g, '\n\n')
    .trim();

/** Reads one message as written to disk. */
export function parseEml(raw: Buffer): ParsedEml {
  const root = splitPart(raw.toString('latin1'));
  const header = (name: string) => decodeHeader(root.headers.get(name) ?? '');
  const plain = leaves(root, 'text/plain');
  const text =
    plain.length > 0
      ? plain.map(bodyText).join('\n')
      : leaves(root, 'text/html')
          .map((p) => stripTags(bodyText(p)))
          .join('\n');
  const date = new Date(root.headers.get('date') ?? '');
  return {
    subject: header('subject'),
    from: header('from'),
    to: header('to'),
    date: Number.isNaN(date.getTime()) ? undefined : date.toISOString(),
    text: text.replace(/\r\n/g, '\n').trimEnd(),
  };
}
