import { createHmac, timingSafeEqual } from 'node:crypto';
import { UUID_SHAPE } from '../../lib/uuid.js';

// 32 bytes in unpadded base64url; checked first, since Buffer.from would skip stray characters.
const MAC_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The token in a reminder email's unsubscribe links: `<user id>.<HMAC-SHA256 of it>`, keyed with a
 * key derived from the server secret for this purpose alone. Nobody can make one without the
 * secret (256-bit MAC), and it can't pass for anything else: no other token is a MAC under this
 * key, and this one is only ever read by the unsubscribe route, which can do nothing but turn
 * reminders off.
 *
 * It is deliberately not stored and never expires: every reminder a person has received keeps a
 * working "turn off" link, through password changes and after reminders are turned on again. That
 * is the least surprising choice for a link whose only power is to stop mail: a password change is
 * about who can get into the account, and the link grants no way in and shows nothing.
 */
export class UnsubscribeTokens {
  readonly #key: Buffer;

  constructor(serverSecret: Uint8Array) {
    this.#key = createHmac('sha256', serverSecret).update('kith birthday reminders: unsubscribe links, v1').digest();
  }

  issue(userId: string): string {
    return `${userId}.${this.#mac(userId).toString('base64url')}`;
  }

  /** The user id the token was issued for, or undefined for anything else. */
  verify(token: string): string | undefined {
    const dot = token.indexOf('.');
    const userId = token.slice(0, dot);
    const mac = token.slice(dot + 1);
    if (dot < 0 || !UUID_SHAPE.test(userId) || !MAC_SHAPE.test(mac)) return undefined;
    // Compared as text, not decoded: the 43rd character of 32 bytes in base64url holds 2 unused
    // bits, so four spellings decode to the same MAC; only the one this server writes is its token.
    const expected = this.#mac(userId).toString('base64url');
    return timingSafeEqual(Buffer.from(mac), Buffer.from(expected)) ? userId : undefined;
  }

  #mac(userId: string): Buffer {
    return createHmac('sha256', this.#key).update(userId).digest();
  }
}
