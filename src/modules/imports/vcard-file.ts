/**
 * The cards of a vCard file, as Kith stores them: a vCard 3.0 or 4.0 card keeps its bytes (only a
 * UID line is added when it has none, for CardDAV needs one); a vCard 2.1 card, or one written
 * in quoted-printable or a legacy code page, is rewritten line by line as vCard 3.0 in UTF-8, every
 * property kept (unknown ones too), only its encoding changed. Reading what Kith shows of a card
 * is read-card.ts's job, the same as for a card a phone PUTs.
 */
import { randomUUID } from 'node:crypto';
import { foldLine, splitCard } from '../dav/vcard/card-lines.js';
import { decodeBytes, type FileText } from './file-text.js';

export interface FileCard {
  /** The card as Kith will store it. */
  text: string;
  /** The line of the file its BEGIN:VCARD is on (1-based), for messages. */
  line: number;
}

export type FileProblem = { error: string };

const BEGIN = /^BEGIN:VCARD\s*$/i;
const END = /^END:VCARD\s*$/i;
/** `[group.]NAME`, then the parameters, up to the first colon outside double quotes. */
const HEAD = /^(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)((?:;(?:[^";:]|"[^"]*")*)*):/;

export function cardsOfFile(file: FileText): FileCard[] | FileProblem {
  const physical = file.text.split(/\r\n|\n|\r/);
  const eol = file.text.includes('\r\n') ? '\r\n' : '\n';
  const cards: FileCard[] = [];
  let start = -1;
  for (const [index, line] of physical.entries()) {
    if (BEGIN.test(line.trim())) {
      if (start >= 0) return { error: `line ${index + 1}: a new BEGIN:VCARD before the card of line ${start + 1} ended (END:VCARD is missing)` };
      start = index;
    } else if (END.test(line.trim())) {
      if (start < 0) return { error: `line ${index + 1}: END:VCARD without a BEGIN:VCARD` };
      const card = cardText(physical.slice(start, index + 1), start, eol, file.legacy);
      if ('error' in card) return card;
      cards.push(card);
      start = -1;
    } else if (start < 0 && line.trim() !== '') {
      return { error: `line ${index + 1}: text outside a card (every card goes between BEGIN:VCARD and END:VCARD)` };
    }
  }
  if (start >= 0) return { error: `line ${start + 1}: the card that starts here has no END:VCARD` };
  if (cards.length === 0) return { error: 'the file holds no vCard' };
  return cards;
}

const versionOf = (lines: readonly string[]) => /^VERSION:\s*([\d.]+)/im.exec(lines.join('\n'))?.[1] ?? '3.0';
const isQuotedPrintable = (head: string) => /[;=]QUOTED-PRINTABLE\b/i.test(head);
const headOf = (line: string) => HEAD.exec(line)?.[0] ?? '';

function cardText(lines: string[], start: number, eol: string, legacy: boolean): FileCard | FileProblem {
  const needsRewrite = legacy || versionOf(lines) === '2.1' || lines.some((line) => isQuotedPrintable(headOf(line)));
  if (!needsRewrite) {
    const split = splitCard(lines.join('\n'));
    if ('error' in split) return { error: `line ${start + split.line}: ${split.error} (NAME:value)` };
  }
  const body = needsRewrite ? rewriteAs30(lines, start, legacy, versionOf(lines) === '2.1') : { lines: lines.filter((line) => line !== ''), eol };
  if ('error' in body) return body;
  const out = [...body.lines];
  if (!out.some((line) => /^(?:[A-Za-z0-9-]+\.)?UID[;:]/i.test(line))) {
    const version = out.findIndex((line) => /^VERSION[;:]/i.test(line));
    out.splice(version >= 0 ? version + 1 : 1, 0, `UID:${randomUUID()}`);
  }
  return { text: out.join(body.eol) + body.eol, line: start + 1 };
}

interface LogicalLine {
  text: string;
  line: number;
  quotedPrintable: boolean;
  base64: boolean;
}

/**
 * vCard 2.1's ways, undone: quoted-printable values (with `=` soft line breaks), CHARSET
 * parameters, bare parameters (`TEL;CELL;PREF:`), base64 continued on unindented lines and closed
 * by a blank line.
 */
function rewriteAs30(lines: string[], start: number, legacy: boolean, from21: boolean): { lines: string[]; eol: string } | FileProblem {
  const logical: LogicalLine[] = [];
  let current: LogicalLine | undefined;
  for (const [offset, line] of lines.entries()) {
    if (current?.quotedPrintable && current.text.endsWith('=')) current.text = current.text.slice(0, -1) + line;
    else if (current && /^[ \t]/.test(line)) current.text += current.base64 ? line.trim() : line.slice(1);
    else if (current?.base64 && /^[A-Za-z0-9+/=]+$/.test(line)) current.text += line;
    else if (line.trim() === '') {
      if (current) current.base64 = false;
    } else {
      const head = headOf(line);
      current = {
        text: line,
        line: start + offset + 1,
        quotedPrintable: isQuotedPrintable(head),
        base64: /[;=](?:BASE64|B)(?=[;:])/i.test(head),
      };
      logical.push(current);
    }
  }
  const out: string[] = [];
  for (const entry of logical) {
    const rewritten = rewriteLine(entry, legacy, from21);
    if (typeof rewritten !== 'string') return rewritten;
    out.push(foldLine(rewritten, '\r\n'));
  }
  return { lines: out, eol: '\r\n' };
}

/**
 * `legacy`: the text holds the file's bytes one per char (it is not UTF-8), so values need their
 * code page. `from21`: the value is in vCard 2.1's syntax, where a comma is text (3.0 escapes it).
 */
function rewriteLine(entry: LogicalLine, legacy: boolean, from21: boolean): string | FileProblem {
  const match = HEAD.exec(entry.text);
  if (!match) return { error: `line ${entry.line}: not a vCard content line (NAME:value)` };
  const [head, group, name = '', paramText = ''] = match;
  const raw = entry.text.slice(head.length);
  const types: string[] = [];
  const others: string[] = [];
  let charset: string | undefined;
  let base64 = false;
  for (const param of paramText.split(/;(?=(?:[^"]*"[^"]*")*[^"]*$)/).slice(1)) {
    const eq = param.indexOf('=');
    const key = (eq < 0 ? param : param.slice(0, eq)).trim().toUpperCase();
    const value = eq < 0 ? '' : param.slice(eq + 1).trim();
    if (eq < 0) {
      if (key === 'BASE64' || key === 'B') base64 = true;
      else if (!['QUOTED-PRINTABLE', '8BIT', '7BIT'].includes(key) && key !== '') types.push(param.trim());
    } else if (key === 'ENCODING') base64 ||= /^(BASE64|B)$/i.test(value);
    else if (key === 'CHARSET') charset = value.replace(/"/g, '');
    else if (key === 'TYPE') types.push(...value.split(','));
    else if (key === 'VALUE') others.push(`VALUE=${/^url$/i.test(value) ? 'uri' : value}`);
    else others.push(param.trim());
  }
  let value: string;
  if (entry.quotedPrintable) value = decodeBytes(quotedPrintableBytes(raw, legacy), charset);
  else value = legacy ? decodeBytes(Buffer.from(raw, 'latin1'), charset ?? 'windows-1252') : raw;
  if (base64) value = value.replace(/\s+/g, '');
  else if (from21) value = value.replace(/(?<!\\),/g, '\\,');
  if (name.toUpperCase() === 'VERSION') value = '3.0';
  // A line break in a value is the `\n` escape in vCard 3.0.
  value = value.replace(/\r\n|\r|\n/g, '\\n');
  const params = [...(types.length > 0 ? [`TYPE=${types.join(',')}`] : []), ...others, ...(base64 ? ['ENCODING=b'] : [])];
  return `${group ? `${group}.` : ''}${name}${params.map((p) => `;${p}`).join('')}:${value}`;
}

/** `=C3=A9` and friends to bytes; any other char is taken as it stands (its byte, or its UTF-8 bytes). */
function quotedPrintableBytes(text: string, legacy: boolean): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    const hex = char === '=' ? text.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(char, legacy ? 'latin1' : 'utf8'));
  }
  return Buffer.from(bytes);
}
