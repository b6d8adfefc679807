import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pixelBombPng } from '../../test/helpers/avatar-uploads.js';
import { AppError } from '../errors.js';
import { AVATAR_SIZE, MAX_INPUT_PIXELS, processAvatar, sniffImageFormat } from './avatar-image.js';

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('should have been refused'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(AppError);
      return { status: (error as AppError).status, code: (error as AppError).code };
    },
  );

describe('sniffImageFormat', () => {
  it('goes by the leading bytes only', () => {
    expect(sniffImageFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffImageFormat(Buffer.from('\x89PNG\r\n\x1a\n...', 'latin1'))).toBe('png');
    expect(sniffImageFormat(Buffer.from('\x89PNG', 'latin1'))).toBeUndefined();
    expect(sniffImageFormat(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(sniffImageFormat(Buffer.from('GIF89a'))).toBeUndefined();
    expect(sniffImageFormat(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBeUndefined();
    expect(sniffImageFormat(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('processAvatar', () => {
  it('turns a photo upright by its EXIF orientation before dropping the EXIF', async () => {
    // Top half red, bottom half blue, stored sideways: orientation 6 means "rotate 90° clockwise to view".
    const sideways = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#00f' } })
      .composite([{ input: { create: { width: 100, height: 50, channels: 3, background: '#f00' } }, top: 0, left: 0 }])
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const avatar = await processAvatar(sideways);
    expect(avatar).toMatchObject({ format: 'jpeg', contentType: 'image/jpeg', width: AVATAR_SIZE, height: AVATAR_SIZE });
    const { data, info } = await sharp(avatar.data).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    expect(pixel(20, 128)[2]).toBeGreaterThan(200); // left is blue
    expect(pixel(235, 128)[0]).toBeGreaterThan(200); // right is red
    expect((await sharp(avatar.data).metadata()).orientation).toBeUndefined();
  });

  it('writes 8-bit sRGB whatever the PNG was (16-bit grey here)', async () => {
    const grey16 = await sharp({ create: { width: 64, height: 32, channels: 3, background: '#777' } })
      .toColourspace('grey16')
      .png()
      .toBuffer();
    expect((await sharp(grey16).metadata()).depth).toBe('ushort');
    const avatar = await processAvatar(grey16);
    expect(await sharp(avatar.data).metadata()).toMatchObject({ format: 'png', depth: 'uchar', space: 'srgb', width: 256 });
  });

  it(`accepts up to ${MAX_INPUT_PIXELS / 1_000_000} megapixels and refuses one row more`, async () => {
    expect(MAX_INPUT_PIXELS).toBe(8000 * 5000);
    await expect(processAvatar(pixelBombPng(8000, 5000))).resolves.toMatchObject({ width: 256, height: 256 });
    expect(await rejection(processAvatar(pixelBombPng(8000, 5001)))).toEqual({ status: 400, code: 'BAD_REQUEST' });
  });
});
