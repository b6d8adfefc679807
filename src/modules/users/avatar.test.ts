import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createSecondInstance, createTestApp } from '../../../test/helpers/app.js';
import { bearer, login, registerVerified } from '../../../test/helpers/accounts.js';
import {
  EXIF_WITH_GPS,
  discPng,
  noiseJpeg,
  padJpeg,
  pixelBombPng,
  putAvatar,
} from '../../../test/helpers/avatar-uploads.js';
import { LocalDiskAvatarStore } from '../../storage/local-disk.store.js';

const MiB = 1024 * 1024;

let t: TestApp;
let account: Awaited<ReturnType<typeof registerVerified>>;
let accessToken: string;
beforeAll(async () => {
  t = await createTestApp();
  account = await registerVerified(t.app, t.smtp);
  ({ accessToken } = await login(t.app, account.email, account.password));
});
afterAll(() => t.close());

const avatarDir = () => path.join(t.config.dataDir, 'avatars');
const storedFiles = () => readdirSync(avatarDir()).sort();
const me = async () =>
  (await t.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(accessToken) })).json<{ avatarUrl: string }>();
const fetchAvatar = (url: string) => t.app.inject({ method: 'GET', url: new URL(url).pathname });

/** Asserts the request changed nothing: same avatar URL, same files on disk. */
async function expectUnchanged(before: { url: string; files: string[] }) {
  expect((await me()).avatarUrl).toBe(before.url);
  expect(storedFiles()).toEqual(before.files);
}
const snapshot = async () => ({ url: (await me()).avatarUrl, files: storedFiles() });

describe('PUT /api/users/me/avatar with the local store', () => {
  it('stores a PNG as a fresh 256×256 PNG without its EXIF/GPS, served with safe, long-lived headers', async () => {
    const upload = await discPng(400, 300, { exif: EXIF_WITH_GPS });
    expect((await sharp(upload).metadata()).exif).toBeDefined(); // the fixture really carries GPS

    const response = await putAvatar(t.app, accessToken, [{ data: upload }]);
    expect(response.statusCode, response.body).toBe(200);
    const { avatarUrl } = response.json<{ avatarUrl: string }>();
    expect(avatarUrl).toMatch(/^http:\/\/kith\.test\/api\/avatars\/files\/[A-Za-z0-9_-]{22}\.png$/);
    expect((await me()).avatarUrl).toBe(avatarUrl);

    const served = await fetchAvatar(avatarUrl);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(served.headers['content-length'])).toBe(served.rawPayload.length);
    const stored = await sharp(served.rawPayload).metadata();
    expect(stored).toMatchObject({ format: 'png', width: 256, height: 256, hasAlpha: true });
    expect(stored.exif).toBeUndefined();
    expect(served.rawPayload.includes('KithCam')).toBe(false);

    const files = storedFiles();
    expect(files).toEqual([path.basename(avatarUrl)]);
    expect(readFileSync(path.join(avatarDir(), files[0]!))).toEqual(served.rawPayload);
  });

  it('stores a JPEG cropped to 256×256 with EXIF and GPS gone, and removes the picture it replaces', async () => {
    const previous = await snapshot();
    const upload = await noiseJpeg(640, 480, { exif: EXIF_WITH_GPS });
    const uploaded = await sharp(upload).metadata();
    expect(uploaded.exif?.includes('KithCam')).toBe(true);

    // Declared as text/plain with a .txt name: the content decides, not the label.
    const response = await putAvatar(t.app, accessToken, [{ data: upload, filename: 'notes.txt', contentType: 'text/plain' }]);
    expect(response.statusCode, response.body).toBe(200);
    const { avatarUrl } = response.json<{ avatarUrl: string }>();
    expect(avatarUrl).toMatch(/\.jpg$/);

    const served = await fetchAvatar(avatarUrl);
    expect(served.headers['content-type']).toBe('image/jpeg');
    const stored = await sharp(served.rawPayload).metadata();
    expect(stored).toMatchObject({ format: 'jpeg', width: 256, height: 256 });
    expect(stored.exif).toBeUndefined();
    expect(served.rawPayload.includes('secret-owner')).toBe(false);
    expect(served.rawPayload.equals(upload)).toBe(false);

    expect(storedFiles()).toEqual([path.basename(avatarUrl)]);
    expect((await fetchAvatar(previous.url)).statusCode).toBe(404);
  });

  it('refuses SVG, HTML, text and GIF sent as image/png with 415, changing nothing', async () => {
    const before = await snapshot();
    const disguised = [
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
      '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
      '<!doctype html><html><body><script>alert(document.cookie)</script></body></html>',
      'just some text, honestly a PNG',
      'GIF89a\x01\x00\x01\x00\x00\x00\x00;',
      // A PNG signature alone, with nothing after it, is not a JPEG/PNG image either.
    ];
    for (const data of disguised) {
      const response = await putAvatar(t.app, accessToken, [{ data, filename: 'avatar.png', contentType: 'image/png' }]);
      expect(response.statusCode, data).toBe(415);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    await expectUnchanged(before);
  });

  it('refuses a truncated JPEG and a corrupt PNG with 400', async () => {
    const before = await snapshot();
    const jpeg = await noiseJpeg(320, 240);
    const png = await discPng(64, 64);
    const corruptPng = Buffer.from(png);
    const inImageData = corruptPng.length - 20; // IEND is the last 12 bytes, the IDAT CRC the 4 before
    corruptPng.writeUInt8(corruptPng.readUInt8(inImageData) ^ 0xff, inImageData); // the CRC no longer matches
    for (const data of [jpeg.subarray(0, Math.floor(jpeg.length / 2)), corruptPng, png.subarray(0, 12)]) {
      const response = await putAvatar(t.app, accessToken, [{ data }]);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().code).toBe('BAD_REQUEST');
    }
    await expectUnchanged(before);
  });

  it('refuses a 20000×20000 pixel bomb with 400 without decoding it', async () => {
    const before = await snapshot();
    const bomb = pixelBombPng(20_000, 20_000);
    expect(bomb.length).toBeLessThan(200 * 1024);
    const started = Date.now();
    const response = await putAvatar(t.app, accessToken, [{ data: bomb }]);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ code: 'BAD_REQUEST', detail: expect.stringMatching(/too many pixels/) });
    expect(Date.now() - started).toBeLessThan(5000); // decoding 400 megapixels would take far longer
    await expectUnchanged(before);
  });

  it('accepts a valid image of exactly 5 MiB and refuses 5 MiB + 1 byte with 413', async () => {
    const jpeg = await noiseJpeg(1200, 900);
    const exact = padJpeg(jpeg, 5 * MiB);
    expect(exact.length).toBe(5 * MiB);
    const accepted = await putAvatar(t.app, accessToken, [{ data: exact }]);
    expect(accepted.statusCode, accepted.body).toBe(200);

    const before = await snapshot();
    const tooBig = padJpeg(jpeg, 5 * MiB + 1);
    const refused = await putAvatar(t.app, accessToken, [{ data: tooBig }]);
    expect(refused.statusCode, refused.body).toBe(413);
    expect(refused.json().code).toBe('PAYLOAD_TOO_LARGE');
    await expectUnchanged(before);
  });

  it('needs exactly one file, in the field "file"', async () => {
    const before = await snapshot();
    const png = await discPng(32, 32);
    const cases = [
      { label: 'no parts', parts: [] },
      { label: 'a text field only', parts: [{ name: 'file', filename: null, data: 'not a file' }] },
      { label: 'an empty file', parts: [{ data: Buffer.alloc(0) }] },
      { label: 'two files', parts: [{ data: png }, { data: png, filename: 'second.png' }] },
      { label: 'another field name', parts: [{ name: 'avatar', data: png }] },
    ];
    for (const { label, parts } of cases) {
      const response = await putAvatar(t.app, accessToken, parts);
      expect(response.statusCode, label).toBe(400);
      expect(response.json(), label).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'file' }] });
    }
    await expectUnchanged(before);
  });

  it('answers bodies that are not multipart with 415 and a broken multipart body with 400', async () => {
    const json = await t.app.inject({
      method: 'PUT',
      url: '/api/users/me/avatar',
      headers: bearer(accessToken),
      payload: { file: 'data:image/png;base64,AAAA' },
    });
    expect(json.statusCode).toBe(415);
    const raw = await t.app.inject({
      method: 'PUT',
      url: '/api/users/me/avatar',
      headers: { ...bearer(accessToken), 'content-type': 'image/png' },
      payload: await discPng(16, 16),
    });
    expect(raw.statusCode).toBe(415);
    const broken = await t.app.inject({
      method: 'PUT',
      url: '/api/users/me/avatar',
      headers: { ...bearer(accessToken), 'content-type': 'multipart/form-data' },
      payload: 'no boundary anywhere',
    });
    expect(broken.statusCode).toBe(400);
  });

  it('keeps exactly one file when two uploads race', async () => {
    const [a, b] = await Promise.all([
      putAvatar(t.app, accessToken, [{ data: await discPng(50, 50) }]),
      putAvatar(t.app, accessToken, [{ data: await noiseJpeg(50, 50) }]),
    ]);
    expect([a?.statusCode, b?.statusCode]).toEqual([200, 200]);
    expect(storedFiles()).toEqual([path.basename((await me()).avatarUrl)]);
  });
});

describe('DELETE /api/users/me/avatar', () => {
  it('returns the user with the generated default and removes the file', async () => {
    const before = await snapshot();
    expect(before.files).toHaveLength(1);
    const response = await t.app.inject({ method: 'DELETE', url: '/api/users/me/avatar', headers: bearer(accessToken) });
    expect(response.statusCode).toBe(200);
    expect(response.json().avatarUrl).toMatch(/^http:\/\/kith\.test\/api\/avatars\/initials\/P\d*\.svg\?hue=\d+$/);
    expect(storedFiles()).toEqual([]);
    expect((await fetchAvatar(before.url)).statusCode).toBe(404);

    const again = await t.app.inject({ method: 'DELETE', url: '/api/users/me/avatar', headers: bearer(accessToken) });
    expect(again.statusCode).toBe(200);
  });
});

describe('avatar files', () => {
  it('are 404 for unknown or malformed names', async () => {
    for (const name of ['AAAAAAAAAAAAAAAAAAAAAA.png', '..%2F..%2Fjwt-secret', '.partial.png', 'x.svg']) {
      const response = await t.app.inject({ method: 'GET', url: `/api/avatars/files/${name}` });
      expect(response.statusCode, name).toBe(404);
      expect(response.json().code).toBe('NOT_FOUND');
    }
  });
});

describe('who may change the avatar', () => {
  it('refuses a missing token and the access token of a revoked session with 401', async () => {
    const png = await discPng(32, 32);
    expect((await putAvatar(t.app, '', [{ data: png }])).statusCode).toBe(401);

    const other = await login(t.app, account.email, account.password);
    const logout = await t.app.inject({ method: 'POST', url: '/api/auth/logout', payload: { refreshToken: other.refreshToken } });
    expect(logout.statusCode).toBe(204);
    const refused = await putAvatar(t.app, other.accessToken, [{ data: png }]);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('UNAUTHORIZED');
    const del = await t.app.inject({ method: 'DELETE', url: '/api/users/me/avatar', headers: bearer(other.accessToken) });
    expect(del.statusCode).toBe(401);
  });
});

describe('when the store fails', () => {
  it('answers 503 problem+json and the previous picture stays', async () => {
    const uploaded = await putAvatar(t.app, accessToken, [{ data: await discPng(40, 40) }]);
    expect(uploaded.statusCode).toBe(200);
    const before = await snapshot();

    // A second instance on the same database whose disk can't be written (the parent is a file).
    const broken = new LocalDiskAvatarStore({ dir: path.join(avatarDir(), before.files[0]!, 'avatars'), publicUrl: 'http://x' });
    const second = await createSecondInstance(t, { deps: { avatarStore: broken } });
    try {
      const response = await putAvatar(second.app, accessToken, [{ data: await noiseJpeg(64, 64) }]);
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().code).toBe('SERVICE_UNAVAILABLE');
      expect(response.body).not.toMatch(/ENOTDIR|avatars/);
    } finally {
      await second.close();
    }
    await expectUnchanged(before);
    expect((await fetchAvatar(before.url)).statusCode).toBe(200);
  });
});

describe('OpenAPI', () => {
  it('documents the upload as multipart/form-data with a binary file field', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const put = document.paths['/api/users/me/avatar'].put;
    const schema = put.requestBody.content['multipart/form-data'].schema;
    expect(schema.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(Object.keys(put.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '413', '415', '503']));
    expect(document.paths['/api/users/me/avatar'].delete).toBeDefined();
    expect(document.paths['/api/avatars/files/{name}'].get.responses['200'].content['image/png']).toBeDefined();
  });
});
