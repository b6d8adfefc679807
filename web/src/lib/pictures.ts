/** What a picture upload (an avatar or a contact's photo) accepts; the server checks the bytes again. */
export const MAX_PICTURE_BYTES = 5 * 1024 * 1024;
export const PICTURE_TYPES = ['image/jpeg', 'image/png'];
export const PICTURE_ACCEPT = PICTURE_TYPES.join(',');

/** Said before the upload starts, so nobody waits for a file the server will refuse. */
export function pictureProblem(file: File): string | undefined {
  if (!PICTURE_TYPES.includes(file.type)) return 'Choose a JPEG or PNG picture.';
  if (file.size > MAX_PICTURE_BYTES) {
    return `That picture is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is 5 MB.`;
  }
  return undefined;
}
