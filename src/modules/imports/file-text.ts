/**
 * The text of an uploaded address book file, whatever its exporter's habits: UTF-8 with or without
 * a byte-order mark, UTF-16 (Outlook's "Unicode" CSV), or a legacy 8-bit code page (Windows-1252,
 * what Outlook and old phones write when not told otherwise). Bytes that are no text at all are
 * refused, so a photo or an archive picked by mistake gets a clear answer.
 */

export type FileText = {
  text: string;
  /** True when the file is not UTF-8: its raw bytes then need a code page (a vCard's CHARSET, or Windows-1252). */
  legacy: boolean;
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeFile(bytes: Buffer): FileText | { error: string } {
  let text: string;
  let legacy = false;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
  else {
    try {
      text = utf8.decode(bytes);
    } catch {
      // Kept byte for byte (latin1 maps each byte to one char); the readers decode values by code page.
      text = bytes.toString('latin1');
      legacy = true;
    }
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  // Text files hold no NUL and almost no other control characters; binary files are full of them.
  // eslint-disable-next-line no-control-regex -- counting control characters is the point
  const controls = text.slice(0, 64 * 1024).match(/[\u0000-\u0008\u000E-\u001F\u007F]/g)?.length ?? 0;
  if (text.includes('\u0000') || controls > 8) return { error: 'this is not a text file; send a vCard (.vcf) or CSV file' };
  if (text.trim() === '') return { error: 'the file is empty' };
  return { text, legacy };
}

/** Windows-1252's 0x80–0x9F, where it differs from ISO-8859-1 (undefined bytes stay as they are). */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/** The WHATWG labels of Windows-1252 (which also stands for ISO-8859-1 and ASCII there). */
const CP1252_LABELS = new Set(['windows-1252', 'cp1252', 'x-cp1252', 'iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'ascii', 'us-ascii', 'cp819', 'ibm819']);

/**
 * Decodes bytes in a named code page; unknown names fall back to Windows-1252. Node's TextDecoder
 * reads "windows-1252" as ISO-8859-1 (no € or curly quotes), so that one is mapped here.
 */
export function decodeBytes(bytes: Buffer, charset: string | undefined): string {
  const label = (charset ?? 'utf-8').trim().toLowerCase();
  if (!CP1252_LABELS.has(label)) {
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // An unknown code page: read it as the most common one.
    }
  }
  let text = '';
  for (const byte of bytes) text += byte >= 0x80 && byte <= 0x9f ? CP1252_HIGH[byte - 0x80] : String.fromCharCode(byte);
  return text;
}
