import type { Readable } from 'node:stream';

/** An avatar ready to be stored: already re-encoded, never the bytes a client uploaded. */
export interface AvatarImage {
  data: Buffer;
  format: 'jpeg' | 'png';
  contentType: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
}

/** Where a stored avatar lives: `key` names it inside the store, `url` is what clients load. */
export interface StoredAvatar {
  key: string;
  url: string;
}

/** A stored file the app serves itself, opened for reading. */
export interface AvatarFile {
  stream: Readable;
  size: number;
  contentType: string;
}

export interface AvatarStore {
  /**
   * Stores a new picture for `owner`, a stable name of what it shows: a user id for an avatar,
   * `contacts/<contactId>` for a contact's photo. The previous one (if any) is left alone unless
   * the store keeps a single object per owner and overwrites it; the caller removes an old key that
   * differs from the new. Throws AvatarStoreError when the store fails or does not answer in time.
   */
  save(owner: string, image: AvatarImage): Promise<StoredAvatar>;
  /** Removes a stored picture; a key that no longer exists is not an error. Throws AvatarStoreError. */
  remove(key: string): Promise<void>;
  /**
   * Present when the app itself serves the files (local disk): opens one by the name in its URL, or
   * resolves undefined when there is no such file. Stores behind a CDN leave it out.
   */
  open?(name: string): Promise<AvatarFile | undefined>;
}

/** The avatar store failed or timed out; the request should fail with 503 and change nothing. */
export class AvatarStoreError extends Error {
  override name = 'AvatarStoreError';
}

/**
 * Rejects with AvatarStoreError when `work` has not settled within `ms`. The work itself is not
 * cancelled here; drivers give their own I/O a timeout of the same length so nothing lingers.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new AvatarStoreError(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
