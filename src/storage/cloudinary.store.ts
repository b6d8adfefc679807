import http from 'node:http';
import { type UploadApiOptions, v2 as cloudinary } from 'cloudinary';
import { z } from 'zod';
import { type AvatarImage, type AvatarStore, AvatarStoreError, type StoredAvatar, withDeadline } from './avatar-store.js';

export const DEFAULT_CLOUDINARY_TIMEOUT_MS = 10_000;

export interface CloudinaryStoreOptions {
  /** Gives up on one call to Cloudinary after this long (default 10 s). */
  timeoutMs?: number;
  /** Public ids are `<folder>/<owner>` (default `kith/avatars`): `<userId>`, or `contacts/<contactId>`. */
  folder?: string;
}

/** What the SDK needs on every call, read from `cloudinary://<api_key>:<api_secret>@<cloud_name>?<options>`. */
export interface CloudinaryCredentials {
  cloud_name: string;
  api_key: string;
  api_secret: string;
  /** Query-string options such as `upload_prefix`, passed on as the SDK would. */
  [option: string]: string;
}

export function parseCloudinaryUrl(value: string): CloudinaryCredentials {
  const url = new URL(value);
  if (url.protocol !== 'cloudinary:' || !url.hostname || !url.username || !url.password) {
    throw new Error('CLOUDINARY_URL must look like cloudinary://<api_key>:<api_secret>@<cloud_name>');
  }
  return {
    ...Object.fromEntries(url.searchParams),
    cloud_name: url.hostname,
    api_key: decodeURIComponent(url.username),
    api_secret: decodeURIComponent(url.password),
  };
}

const uploadResultSchema = z.object({
  public_id: z.string().min(1),
  version: z.number().int(),
  secure_url: z.url({ protocol: /^https?$/ }),
});

/**
 * One Cloudinary image per owner (`kith/avatars/<userId>`, `kith/avatars/contacts/<contactId>`), overwritten on every upload and
 * invalidated on the CDN; the versioned `secure_url` Cloudinary returns changes with each upload,
 * so browsers and caches fetch the new picture.
 *
 * Everything the SDK needs goes with each call rather than into its global config: the SDK reads
 * process.env.CLOUDINARY_URL once when it is imported, and two stores (or two test apps) in one
 * process must not share settings.
 */
export class CloudinaryAvatarStore implements AvatarStore {
  private readonly credentials: CloudinaryCredentials;
  private readonly timeoutMs: number;
  private readonly folder: string;
  private readonly agent: http.Agent | undefined;

  constructor(cloudinaryUrl: string, options: CloudinaryStoreOptions = {}) {
    this.credentials = parseCloudinaryUrl(cloudinaryUrl);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_CLOUDINARY_TIMEOUT_MS;
    this.folder = options.folder ?? 'kith/avatars';
    // The SDK picks its transport (https, or http for an http:// upload_prefix) when it is imported,
    // from process.env. A plain-http agent makes an http:// prefix given here work whatever it picked.
    this.agent = this.credentials.upload_prefix?.startsWith('http:') ? new http.Agent() : undefined;
  }

  async save(owner: string, image: AvatarImage): Promise<StoredAvatar> {
    const options: UploadApiOptions = {
      ...this.callOptions(),
      public_id: `${this.folder}/${owner}`,
      resource_type: 'image',
      type: 'upload',
      overwrite: true,
      invalidate: true,
      unique_filename: false,
    };
    const upload = new Promise<unknown>((resolve, reject) => {
      const stream = cloudinary.uploader.upload_stream(options, (error, result) =>
        error ? reject(toError(error)) : resolve(result),
      );
      stream.end(image.data);
    });
    const result = uploadResultSchema.safeParse(await this.call(upload, 'upload'));
    if (!result.success) throw new AvatarStoreError('Cloudinary answered the upload with an unexpected body');
    return { key: result.data.public_id, url: result.data.secure_url };
  }

  async remove(key: string): Promise<void> {
    const options: Record<string, unknown> = { ...this.callOptions(), resource_type: 'image', type: 'upload', invalidate: true };
    const result = (await this.call(cloudinary.uploader.destroy(key, options), 'destroy')) as { result?: unknown } | undefined;
    // 'not found' is fine: the picture is gone either way.
    if (result?.result !== 'ok' && result?.result !== 'not found') {
      throw new AvatarStoreError(`Cloudinary did not delete the picture (${String(result?.result)})`);
    }
  }

  private callOptions() {
    return { ...this.credentials, timeout: this.timeoutMs, ...(this.agent ? { agent: this.agent } : {}) };
  }

  private async call<T>(work: Promise<T>, what: string): Promise<T> {
    try {
      return await withDeadline(work, this.timeoutMs, `Cloudinary ${what}`);
    } catch (error) {
      if (error instanceof AvatarStoreError) throw error;
      throw new AvatarStoreError(`Cloudinary ${what} failed`, { cause: toError(error) });
    }
  }
}

// The SDK rejects with plain objects ({ message, http_code, name }); keep what they say for the log.
function toError(error: unknown): Error {
  if (error instanceof Error) return error;
  const { message, http_code: status } = (error ?? {}) as { message?: unknown; http_code?: unknown };
  return new Error(`${typeof message === 'string' ? message : 'unknown error'} (HTTP ${String(status)})`);
}
