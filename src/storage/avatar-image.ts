import type Sharp from 'sharp';
import type { SharpOptions } from 'sharp';
import { AppError } from '../errors.js';
import type { AvatarImage } from './avatar-store.js';

/** Every stored avatar is this many pixels square. */
export const AVATAR_SIZE = 256;

/**
 * The most pixels an upload may declare. A 5 MiB file can still claim 20000×20000 pixels (1.2 GB
 * once decoded); sharp reads the dimensions from the header and refuses before decoding anything.
 * 40 megapixels admits photos from current phone cameras that fit in 5 MiB.
 */
export const MAX_INPUT_PIXELS = 40_000_000;

const PROCESSING_TIMEOUT_SECONDS = 10;

// sharp (libvips) is loaded with the first picture, not at start: memory an instance that gets no
// pictures never needs.
let sharpModule: Promise<{ default: typeof Sharp }> | undefined;
const loadSharp = async (): Promise<typeof Sharp> => (await (sharpModule ??= import('sharp'))).default;

const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The image type by its first bytes alone; the file name and declared type are never consulted. */
export function sniffImageFormat(bytes: Uint8Array): 'jpeg' | 'png' | undefined {
  const starts = (magic: Buffer) => bytes.length >= magic.length && magic.equals(bytes.subarray(0, magic.length));
  if (starts(JPEG_MAGIC)) return 'jpeg';
  if (starts(PNG_MAGIC)) return 'png';
  return undefined;
}

const unsupported = () =>
  new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'The file is not a JPEG or PNG image (judged by its content)');
const unreadable = () =>
  new AppError('BAD_REQUEST', 400, 'The image is damaged or incomplete and could not be read');
const tooManyPixels = () =>
  new AppError(
    'BAD_REQUEST',
    400,
    `The image has too many pixels; send at most ${MAX_INPUT_PIXELS / 1_000_000} megapixels`,
  );

/**
 * Decodes an upload and re-encodes it as a 256×256 square: cropped to cover (keeping the most
 * interesting region), turned upright, sRGB, every piece of metadata (EXIF, GPS, ICC, comments)
 * dropped. A PNG stays a PNG (it may be transparent), a JPEG stays a JPEG.
 * Throws AppError 415 for anything but JPEG/PNG and 400 for bombs and damaged files.
 *
 * `compact: false` skips mozjpeg's trellis search: files about a tenth larger, made about eight
 * times faster (measured: 100 photos 1.8 s → 0.2 s), for pictures that come by the hundred in an
 * import or a phone's first sync rather than one upload at a time.
 */
export async function processAvatar(upload: Buffer, options: { compact?: boolean } = {}): Promise<AvatarImage> {
  const format = sniffImageFormat(upload);
  if (!format) throw unsupported();

  // failOn 'warning' turns libjpeg's "premature end of data" and libpng's CRC complaints into errors,
  // so a truncated file is refused instead of stored half grey.
  const input: SharpOptions = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'warning', pages: 1 };
  const sharp = await loadSharp();
  const metadata = await sharp(upload, input)
    .metadata()
    .catch((error: unknown) => {
      throw isPixelLimit(error) ? tooManyPixels() : unreadable();
    });
  if (metadata.format !== format) throw unsupported();
  if (!metadata.width || !metadata.height) throw unreadable();
  if (metadata.width * metadata.height > MAX_INPUT_PIXELS) throw tooManyPixels();

  const pipeline = sharp(upload, input)
    .timeout({ seconds: PROCESSING_TIMEOUT_SECONDS })
    .autoOrient()
    .resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'cover', position: 'attention' })
    .toColourspace('srgb');
  const encoded = format === 'png' ? pipeline.png({ compressionLevel: 9 }) : pipeline.jpeg({ quality: 85, mozjpeg: options.compact ?? true });
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true }).catch((error: unknown) => {
    throw isPixelLimit(error) ? tooManyPixels() : unreadable();
  });
  return {
    data,
    format,
    contentType: format === 'png' ? 'image/png' : 'image/jpeg',
    width: info.width,
    height: info.height,
  };
}

function isPixelLimit(error: unknown): boolean {
  return error instanceof Error && /pixel limit/i.test(error.message);
}
