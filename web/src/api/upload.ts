import { ApiError, offlineError, problemFrom } from './api-error.js';
import { recoverFromUnauthorized } from './client.js';
import { currentAccessToken } from './session.js';

export interface UploadOptions {
  /** Called with a fraction from 0 to 1 as the bytes leave the browser. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /** PUT (the default) replaces a picture; POST sends a file to be read, like an import. */
  method?: 'PUT' | 'POST';
  /** Shown when a proxy refuses the body as too large without saying why. */
  tooLargeDetail?: string;
}

interface XhrResult {
  status: number;
  body: unknown;
}

// fetch() can't report upload progress; XMLHttpRequest can.
function sendOnce(url: string, form: FormData, options: UploadOptions): Promise<XhrResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(options.method ?? 'PUT', url);
    xhr.responseType = 'text';
    xhr.setRequestHeader('accept', 'application/json');
    const token = currentAccessToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) options.onProgress?.(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      resolve({ status: xhr.status, body });
    });
    xhr.addEventListener('error', () => reject(offlineError()));
    xhr.addEventListener('abort', () => reject(new DOMException('Upload cancelled', 'AbortError')));
    options.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}

/** Sends one file as multipart/form-data field `file`, reporting progress. */
export async function uploadFile<T>(url: string, file: File, options: UploadOptions = {}): Promise<T> {
  const form = new FormData();
  form.append('file', file, file.name);
  let result = await sendOnce(url, form, options);
  if (result.status === 401 && (await recoverFromUnauthorized())) {
    options.onProgress?.(0);
    result = await sendOnce(url, form, options);
  }
  if (result.status < 200 || result.status >= 300) {
    // A proxy may cut off a too-large upload without a problem body.
    if (result.status === 413 && !result.body) {
      const detail = options.tooLargeDetail ?? 'That picture is too large; the limit is 5 MB.';
      throw new ApiError(413, 'PAYLOAD_TOO_LARGE', detail);
    }
    throw problemFrom(result.status, result.body);
  }
  return result.body as T;
}
