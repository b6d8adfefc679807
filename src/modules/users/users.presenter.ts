import type { UserRow } from '../../db/schema.js';
import type { User } from './users.schemas.js';

/** The only way a user row leaves the server: no hash, no token, nothing not listed here. */
export function presentUser(row: UserRow, appUrl: string): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    emailVerified: row.emailVerified,
    avatarUrl: uploadedAvatarUrl(row.avatarUrl, appUrl) ?? defaultAvatarUrl(row, appUrl),
    timezone: row.timezone,
    region: row.region,
    twoFactorEnabled: row.twoFactorEnabledAt !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [words[0]];
  const initials = letters.map((word) => [...(word ?? '')][0] ?? '').join('');
  return /^[\p{L}\p{N}]{1,2}$/u.test(initials) ? initials.toUpperCase() : '?';
}

// Avatars served by Kith itself are stored as a path; a store elsewhere (Cloudinary) gives a full URL.
function uploadedAvatarUrl(stored: string | null, appUrl: string): string | undefined {
  if (!stored) return undefined;
  return stored.startsWith('/') ? `${appUrl}${stored}` : stored;
}

// Works offline: the app draws the picture itself (see users.routes.ts), no third-party service.
function defaultAvatarUrl(row: UserRow, appUrl: string): string {
  const hue = parseInt(row.id.slice(0, 4), 16) % 360;
  return `${appUrl}/api/avatars/initials/${encodeURIComponent(initialsOf(row.name))}.svg?hue=${hue}`;
}
