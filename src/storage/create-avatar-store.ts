import path from 'node:path';
import type { Config } from '../config.js';
import type { AvatarStore } from './avatar-store.js';
import { CloudinaryAvatarStore } from './cloudinary.store.js';
import { LOCAL_AVATAR_PATH, LocalDiskAvatarStore } from './local-disk.store.js';

/** Cloudinary when CLOUDINARY_URL is set; otherwise files in $DATA_DIR/avatars that the app serves. */
export function createAvatarStore(config: Pick<Config, 'cloudinaryUrl' | 'dataDir'>): AvatarStore {
  if (config.cloudinaryUrl) return new CloudinaryAvatarStore(config.cloudinaryUrl);
  return new LocalDiskAvatarStore({
    dir: path.join(config.dataDir, 'avatars'),
    // A path, not a full URL: the presenter adds APP_URL, so changing it later breaks no picture.
    publicUrl: LOCAL_AVATAR_PATH,
  });
}
