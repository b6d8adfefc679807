import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as every authenticator app reads it: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
const TOTP_DIGITS = 6;
const TOTP_ALGORITHM = 'SHA1';
/** One step either side: a phone clock a little off, or a code typed as it rolled over. */
const TOTP_DRIFT_STEPS = 1;

/** A fresh authenticator secret: 160 bits, the HMAC-SHA-1 key length RFC 4226 recommends. */
export function generateTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://` URL an authenticator app reads from the QR code. */
export function otpauthUrl(secretBase32: string, email: string): string {
  return totpFor(secretBase32, email).toString();
}

/**
 * The time step a code belongs to, if it is the secret's code for the step at `now` or one step
 * either side; undefined otherwise. The caller refuses a step already used.
 */
export function matchTotpStep(secretBase32: string, code: string, now: Date): number | undefined {
  const timestamp = now.getTime();
  const delta = totpFor(secretBase32).validate({ token: code, timestamp, window: TOTP_DRIFT_STEPS });
  if (delta === null) return undefined;
  return TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp }) + delta;
}

function totpFor(secretBase32: string, label = 'Kith'): TOTP {
  return new TOTP({
    issuer: 'Kith',
    label,
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** What a person may type as a code: six digits (spaces allowed) from the app. */
export function asTotpCode(input: string): string | undefined {
  const digits = input.replace(/\s+/g, '');
  return /^\d{6}$/.test(digits) ? digits : undefined;
}

// 32 symbols (5 bits each) without 0/o and 1/l, which are easy to misread on paper.
const RECOVERY_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const RECOVERY_GROUPS = 5;
const RECOVERY_GROUP_LENGTH = 5;
export const RECOVERY_CODE_COUNT = 10;

/** A recovery code as shown: five groups of five (`k7mpq-2xqa9-wfdre-h3nsu-p8tcv`), 125 random bits. */
export function generateRecoveryCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < RECOVERY_GROUPS; g++) {
    let group = '';
    for (let i = 0; i < RECOVERY_GROUP_LENGTH; i++) group += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/**
 * A typed recovery code in the form it is hashed in (lower case, no dashes or spaces), or undefined
 * when it can't be one.
 */
export function asRecoveryCode(input: string): string | undefined {
  const compact = input.toLowerCase().replace(/[\s-]+/g, '');
  const length = RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH;
  return compact.length === length && [...compact].every((c) => RECOVERY_ALPHABET.includes(c)) ? compact : undefined;
}

/**
 * Recovery codes are stored only as SHA-256 hashes, salted with the account id. ASVS 5.0 6.5.2
 * allows a standard hash for lookup secrets of 112 bits or more (a slow hash is for anything
 * shorter); each code is 125 random bits, so a leaked hash can't be worked back, and a fast hash
 * lets the single-use claim be one indexed, conditional UPDATE.
 */
export function hashRecoveryCode(userId: string, compactCode: string): string {
  return createHash('sha256').update(`${userId}:${compactCode}`, 'utf8').digest('hex');
}

const SEALED_PREFIX = 'v1.';

/**
 * Keeps TOTP secrets encrypted at rest: AES-256-GCM under a key derived (HKDF-SHA-256) from
 * JWT_SECRET, with the account id as associated data, so a copied column neither reads nor moves to
 * another account. A database dump alone then yields no working authenticator.
 *
 * Rotating JWT_SECRET makes every stored secret unreadable: people with two-step sign-in on can
 * then only finish signing in with a recovery code (their hashes don't depend on the key), and
 * must turn two-step off and on again to set up their app anew. `open` answers undefined for a
 * secret sealed under another key, rather than failing the request.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(masterSecret: Uint8Array) {
    this.key = Buffer.from(hkdfSync('sha256', masterSecret, 'kith', 'kith/two-factor-secret/v1', 32));
  }

  seal(userId: string, plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(userId, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return SEALED_PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  open(userId: string, sealed: string): string | undefined {
    if (!sealed.startsWith(SEALED_PREFIX)) return undefined;
    const bytes = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url');
    if (bytes.length < 12 + 16) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, 12));
      decipher.setAAD(Buffer.from(userId, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
