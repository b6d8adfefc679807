import { randomInt } from 'node:crypto';
import { hashToken } from '../../lib/secrets.js';

/** Lowercase letters and digits without the look-alikes 0/o and 1/l/i: easy to read off one screen and type on another. */
export const SECRET_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const SECRET_GROUPS = 4;
export const SECRET_GROUP_LENGTH = 7;
/** 28 characters of a 31-letter alphabet: 28 × log2(31) ≈ 138.7 bits. */
export const SECRET_BITS = SECRET_GROUPS * SECRET_GROUP_LENGTH * Math.log2(SECRET_ALPHABET.length);

/** A new secret such as `k7mq2xz-h4np9tw-c3vr8ds-b6jy5fe`, each character drawn uniformly by node:crypto. */
export function generateAppPasswordSecret(): string {
  const groups: string[] = [];
  for (let g = 0; g < SECRET_GROUPS; g += 1) {
    let group = '';
    for (let c = 0; c < SECRET_GROUP_LENGTH; c += 1) group += SECRET_ALPHABET[randomInt(SECRET_ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/**
 * The hash stored for a secret and looked up when one is presented. The secret carries ~138 random
 * bits, so a fast hash is enough (and keeps argon2 off every CardDAV request), and a database leak
 * hands out no working passwords. Dashes, spaces and letter case are dropped first, so a secret
 * typed as `K7MQ2XZ H4NP9TW…` on a phone still works; none of that is part of its randomness.
 */
export function hashAppPasswordSecret(secret: string): string {
  return hashToken(secret.replace(/[\s-]+/g, '').toLowerCase());
}
