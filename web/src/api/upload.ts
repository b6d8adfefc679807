import { ApiError, offlineError, problemFrom } from './api-error.js';
import { recoverFromUnauthorized } from './client.js';
import { currentAccessToken } from './session.js';

export interface UploadOptions {
  /** Called with a fraction from 0 to 1 as the bytes leave the browser. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

interface XhrResult {
  status: number;
  body: unknown;
}

// fetch() can't report upload progress; XMLHttpRequest can.
function putOnce(url: string, form: FormData, options: UploadOptions): Promise<XhrResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
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
  let result = await putOnce(url, form, options);
  if (result.status === 401 && (await recoverFromUnauthorized())) {
    options.onProgress?.(0);
    result = await putOnce(url, form, options);
  }
  if (result.status < 200 || result.status >= 300) {
    // A proxy may cut off a too-large upload without a problem body.
    if (result.status === 413 && !result.body) {
      throw new ApiError(413, 'PAYLOAD_TOO_LARGE', 'That picture is too large; the limit is 5 MB.');
    }
    throw problemFrom(result.status, result.body);
  }
  return result.body as T;
}
