const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The same 32 bytes as `encoded` (unpadded base64url), spelt another way: 32 bytes fill 42
 * characters and 4 bits of the 43rd, whose 2 unused bits are set here. A decoder reads the same
 * bytes; only a comparison of the text tells the two apart.
 */
export function nonCanonical(encoded: string): string {
  const last = ALPHABET.indexOf(encoded.at(-1) ?? '');
  if (encoded.length !== 43 || last < 0 || (last & 3) !== 0) throw new Error(`not 32 bytes in canonical base64url: ${encoded}`);
  return encoded.slice(0, -1) + ALPHABET[last | 1]!;
}
