/**
 * A vCard as the content lines a client wrote, each kept as its exact bytes (folding included),
 * so a card can be served back byte for byte and an edit can replace single lines and leave every
 * other one alone. Values are decoded elsewhere (ical.js); this only finds where lines start and
 * end, and which property and group each one is.
 */

export interface CardLine {
  /** The line exactly as written, folded continuation lines included, without its line break. */
  raw: string;
  /** Upper-cased property name (`TEL`), without the group. */
  name: string;
  /** The group (`item1` of `item1.TEL`), as written; null without one. */
  group: string | null;
}

export interface CardText {
  lines: CardLine[];
  /** The line break the card uses (new lines are written with it): CRLF as RFC 6350 says, or LF. */
  eol: '\r\n' | '\n';
  /** Whether the text ended with a line break. */
  finalEol: boolean;
}

const NAME = /^(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)(?=[;:])/;

/** Splits a card into content lines; lines that aren't `[group.]NAME[;params]:value` are refused. */
export function splitCard(text: string): CardText | { error: string; line: number } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const physical = text.split(/\r?\n/);
  const finalEol = physical.at(-1) === '';
  if (finalEol) physical.pop();
  const lines: CardLine[] = [];
  let current: string[] = [];
  let startLine = 0;
  const flush = () => {
    if (current.length === 0) return undefined;
    const raw = current.join(eol);
    const unfolded = current.map((part, i) => (i === 0 ? part : part.slice(1))).join('');
    const match = NAME.exec(unfolded);
    current = [];
    if (!match) return { error: 'not a vCard content line', line: startLine + 1 };
    lines.push({ raw, name: match[2]!.toUpperCase(), group: match[1] ?? null });
    return undefined;
  };
  for (const [index, line] of physical.entries()) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && current.length > 0) {
      current.push(line);
      continue;
    }
    const problem = flush();
    if (problem) return problem;
    if (line === '') continue; // a blank line between lines: tolerated, not kept
    current = [line];
    startLine = index;
  }
  const problem = flush();
  if (problem) return problem;
  return { lines, eol, finalEol };
}

export function joinCard(card: CardText): string {
  return card.lines.map((line) => line.raw).join(card.eol) + (card.finalEol ? card.eol : '');
}

/** Folds a logical line at 75 octets (RFC 6350 §3.2), never inside a UTF-8 sequence. */
export function foldLine(line: string, eol: string): string {
  if (Buffer.byteLength(line) <= 75) return line;
  const parts: string[] = [];
  let part = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    // Continuation lines begin with one space, which counts toward their 75.
    if (octets + size > 75) {
      parts.push(part);
      part = ' ';
      octets = 1;
    }
    part += char;
    octets += size;
  }
  parts.push(part);
  return parts.join(eol);
}

/** Escapes a TEXT value (or one component of a structured one): backslash, newline, comma, semicolon. */
export const escapeText = (value: string): string =>
  value.replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n').replace(/,/g, '\\,').replace(/;/g, '\\;');
