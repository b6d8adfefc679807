import { createHash, randomBytes } from 'node:crypto';

/** An opaque, URL-safe token carrying 256 random bits. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Tokens are stored only as SHA-256 hashes: they already carry 256 bits of entropy, so a fast hash
 * is enough, and a database leak does not hand out working links or sessions.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
