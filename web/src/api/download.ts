import { offlineError, problemFrom } from './api-error.js';
import { readBody, request } from './client.js';

export interface DownloadedFile {
  blob: Blob;
  /** From the response's Content-Disposition, or `fallbackName` when it has none. */
  filename: string;
}

/** The filename in a Content-Disposition header: `filename*=UTF-8''…` first, then `filename="…"`. */
export function filenameFrom(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // Fall through to the plain form.
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/.exec(header);
  const name = (plain?.[1] ?? plain?.[2])?.trim();
  // Only the last path segment: a file name, never a path.
  return name ? (name.split(/[\\/]/).pop() ?? null) : null;
}

/**
 * Fetches a signed-in file as a Blob, with the same token and the same refresh-once-on-401 as `api`.
 * Rejects with an ApiError whose `detail` can be shown as it is.
 */
export async function downloadFile(path: string, fallbackName: string, signal?: AbortSignal): Promise<DownloadedFile> {
  const response = await request(path, { signal });
  if (!response.ok) throw problemFrom(response.status, await readBody(response));
  let blob: Blob;
  try {
    blob = await response.blob();
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw offlineError();
  }
  return {
    blob,
    filename: filenameFrom(response.headers.get('content-disposition')) ?? fallbackName,
  };
}

/** Hands a Blob to the browser as a download, through an object URL and a temporary <a download>. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser a moment to start reading the file before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
