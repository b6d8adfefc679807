import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type AvatarFile, type AvatarImage, type AvatarStore, AvatarStoreError, type StoredAvatar } from './avatar-store.js';

/** Where the app serves the files of the local store (see avatar.routes.ts). */
export const LOCAL_AVATAR_PATH = '/api/avatars/files';

/** 128 random bits, base64url, plus the extension: nobody can guess another user's picture. */
export const LOCAL_AVATAR_NAME = /^[A-Za-z0-9_-]{22}\.(jpg|png)$/;

const contentTypes = { jpg: 'image/jpeg', png: 'image/png' } as const;

/**
 * Avatars as files in one directory (`$DATA_DIR/avatars`), served by the app. Each upload gets a
 * fresh random name, so a URL never changes meaning and can be cached for a year.
 */
export class LocalDiskAvatarStore implements AvatarStore {
  constructor(private readonly options: { dir: string; publicUrl: string }) {}

  async save(_owner: string, image: AvatarImage): Promise<StoredAvatar> {
    const name = `${randomBytes(16).toString('base64url')}.${image.format === 'png' ? 'png' : 'jpg'}`;
    const file = path.join(this.options.dir, name);
    // Written under a name the file route never matches, then renamed: a reader sees all or nothing.
    const partial = path.join(this.options.dir, `.${name}.partial`);
    try {
      await mkdir(this.options.dir, { recursive: true });
      await writeFile(partial, image.data, { flag: 'wx', mode: 0o644 });
      await rename(partial, file);
    } catch (error) {
      await rm(partial, { force: true }).catch(() => undefined);
      throw new AvatarStoreError('Could not write the avatar file', { cause: error });
    }
    return { key: name, url: `${this.options.publicUrl}/${name}` };
  }

  async remove(key: string): Promise<void> {
    if (!LOCAL_AVATAR_NAME.test(key)) return;
    try {
      await rm(path.join(this.options.dir, key), { force: true });
    } catch (error) {
      throw new AvatarStoreError('Could not remove the avatar file', { cause: error });
    }
  }

  async open(name: string): Promise<AvatarFile | undefined> {
    const match = LOCAL_AVATAR_NAME.exec(name);
    const extension = match?.[1] as keyof typeof contentTypes | undefined;
    if (!extension) return undefined;
    const file = path.join(this.options.dir, name);
    // Size and content come from one open handle, so a file replaced meanwhile can't mix the two.
    const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!handle) return undefined;
    try {
      const { size } = await handle.stat();
      return { stream: handle.createReadStream(), size, contentType: contentTypes[extension] };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
}
