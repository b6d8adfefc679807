import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import sharp, { type Exif } from 'sharp';
import { bearer } from './accounts.js';

export interface FormPart {
  /** Form field name; `file` unless given. */
  name?: string;
  /** Sent as a file part when set (the default `picture.png`); `null` sends a plain field. */
  filename?: string | null;
  /** The declared type of a file part (default `image/png`), whatever the bytes are. */
  contentType?: string;
  data: Buffer | string;
}

/** A multipart/form-data body built byte by byte, so a test controls every declared name and type. */
export function multipartBody(parts: FormPart[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----kith-test-${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const filename = part.filename === undefined ? 'picture.png' : part.filename;
    const disposition = `form-data; name="${part.name ?? 'file'}"${filename === null ? '' : `; filename="${filename}"`}`;
    const type = filename === null ? '' : `Content-Type: ${part.contentType ?? 'image/png'}\r\n`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    chunks.push(Buffer.from(part.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export function putAvatar(app: FastifyInstance, accessToken: string, parts: FormPart[]) {
  const { payload, headers } = multipartBody(parts);
  return app.inject({ method: 'PUT', url: '/api/users/me/avatar', headers: { ...headers, ...bearer(accessToken) }, payload });
}

/** A photo-like JPEG (noise compresses badly, like a real photo). */
export function noiseJpeg(width = 640, height = 480, options: { exif?: Exif } = {}): Promise<Buffer> {
  const image = sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg({
    quality: 90,
  });
  return (options.exif ? image.withExif(options.exif) : image).toBuffer();
}

/** A PNG with an alpha channel: a red disc on a transparent background. */
export function discPng(width = 400, height = 300, options: { exif?: Exif } = {}): Promise<Buffer> {
  const r = Math.min(width, height) / 2;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><circle cx="${width / 2}" cy="${height / 2}" r="${r}" fill="#d33"/></svg>`;
  const image = sharp(Buffer.from(svg)).png();
  return (options.exif ? image.withExif(options.exif) : image).toBuffer();
}

/** EXIF with a camera and a GPS position (IFD3 is the GPS directory). */
export const EXIF_WITH_GPS: Exif = {
  IFD0: { Make: 'KithCam', Model: 'Spy 3000', Copyright: 'secret-owner' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '50/1 27/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '30/1 31/1 0/1' },
};

/**
 * Pads a JPEG to exactly `size` bytes with comment (COM) segments right after the start marker, so
 * it stays a valid JPEG of that size.
 */
export function padJpeg(jpeg: Buffer, size: number): Buffer {
  let missing = size - jpeg.length;
  if (missing < 4 && missing !== 0) throw new Error(`can't pad ${jpeg.length} bytes to ${size}`);
  const segments: Buffer[] = [];
  while (missing > 0) {
    let take = Math.min(missing, 4 + 65533);
    if (missing - take > 0 && missing - take < 4) take = missing - 4;
    const segment = Buffer.alloc(take, 0x41);
    segment.writeUInt16BE(0xfffe, 0);
    segment.writeUInt16BE(take - 2, 2);
    segments.push(segment);
    missing -= take;
  }
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

/**
 * A decompression bomb: a valid PNG declaring `width`×`height` pixels (one bit each, all black)
 * that is small on the wire and would need width×height bytes or more once decoded.
 */
export function pixelBombPng(width = 20_000, height = 20_000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter, no interlace
  const rows = Buffer.alloc((1 + Math.ceil(width / 8)) * height); // filter byte 0 + zero bits per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
