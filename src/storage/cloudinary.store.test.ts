import { v2 as cloudinary } from 'cloudinary';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, createSecondInstance, createTestApp } from '../../test/helpers/app.js';
import { bearer, login, registerVerified } from '../../test/helpers/accounts.js';
import { EXIF_WITH_GPS, discPng, noiseJpeg, putAvatar } from '../../test/helpers/avatar-uploads.js';
import { type CloudinaryStandIn, cloudinarySignature, startCloudinaryStandIn } from '../../test/helpers/cloudinary-standin.js';
import { CloudinaryAvatarStore, parseCloudinaryUrl } from './cloudinary.store.js';

let standIn: CloudinaryStandIn;
let t: TestApp;
let userId: string;
let accessToken: string;
beforeAll(async () => {
  standIn = await startCloudinaryStandIn();
  // Chosen by configuration alone, as in production: CLOUDINARY_URL set, no store passed in.
  t = await createTestApp({ env: { CLOUDINARY_URL: standIn.url } });
  const account = await registerVerified(t.app, t.smtp);
  userId = account.id;
  ({ accessToken } = await login(t.app, account.email, account.password));
});
afterAll(async () => {
  await t?.close();
  await standIn?.close();
});
beforeEach(() => {
  standIn.mode = 'ok';
});

const publicId = () => `kith/avatars/${userId}`;
const me = async (app = t.app) =>
  (await app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(accessToken) })).json<{ avatarUrl: string }>();
const deleteAvatar = (app = t.app) =>
  app.inject({ method: 'DELETE', url: '/api/users/me/avatar', headers: bearer(accessToken) });

/** An app on the same database whose Cloudinary calls give up after one second. */
async function withImpatientApp(run: (app: TestApp['app']) => Promise<void>) {
  const store = new CloudinaryAvatarStore(standIn.url, { timeoutMs: 1000 });
  const second = await createSecondInstance(t, { deps: { avatarStore: store } });
  try {
    await run(second.app);
  } finally {
    await second.close();
  }
}

describe('the Cloudinary store', () => {
  it('reads CLOUDINARY_URL itself; the SDK never saw it in process.env', () => {
    expect(process.env.CLOUDINARY_URL).toBeUndefined();
    expect(parseCloudinaryUrl('cloudinary://key:s%2Fcret@my-cloud?upload_prefix=https%3A%2F%2Fapi-eu.cloudinary.com')).toEqual({
      cloud_name: 'my-cloud',
      api_key: 'key',
      api_secret: 's/cret',
      upload_prefix: 'https://api-eu.cloudinary.com',
    });
    expect(() => parseCloudinaryUrl('cloudinary://key@my-cloud')).toThrow(/CLOUDINARY_URL/);
  });

  it('uploads the re-encoded picture as a signed request for the user’s public id and keeps the versioned URL', async () => {
    const upload = await noiseJpeg(800, 600, { exif: EXIF_WITH_GPS });
    const response = await putAvatar(t.app, accessToken, [{ data: upload, contentType: 'image/jpeg' }]);
    expect(response.statusCode, response.body).toBe(200);

    expect(standIn.requests).toHaveLength(1);
    const [request] = standIn.requests;
    expect(request).toMatchObject({ action: 'upload', path: `/v1_1/${standIn.cloudName}/image/upload`, signed: true });
    expect(request!.fields).toMatchObject({ public_id: publicId(), api_key: standIn.apiKey, overwrite: '1', invalidate: '1' });
    // Verified independently of the SDK, and the check can fail: a different secret gives another signature.
    expect(request!.fields.signature).toBe(cloudinarySignature(request!.fields, standIn.apiSecret));
    expect(request!.fields.signature).not.toBe(cloudinarySignature(request!.fields, 'another-secret'));
    expect(Math.abs(Number(request!.fields.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(JSON.stringify(request!.fields)).not.toContain(standIn.apiSecret);
    // The settings went with the call; the SDK's process-wide configuration was left alone.
    expect(cloudinary.config().cloud_name).toBeUndefined();

    const sent = await sharp(request!.file).metadata();
    expect(sent).toMatchObject({ format: 'jpeg', width: 256, height: 256 });
    expect(sent.exif).toBeUndefined();
    expect(request!.file!.includes('KithCam')).toBe(false);

    const asset = standIn.assets.get(publicId())!;
    const expectedUrl = `https://res.cloudinary.com/${standIn.cloudName}/image/upload/v${asset.version}/${publicId()}.jpg`;
    expect(response.json().avatarUrl).toBe(expectedUrl);
    expect((await me()).avatarUrl).toBe(expectedUrl);
  });

  it('overwrites the same public id on the next upload, and the new version changes the URL', async () => {
    const before = await me();
    const response = await putAvatar(t.app, accessToken, [{ data: await discPng(300, 300) }]);
    expect(response.statusCode, response.body).toBe(200);
    const after = response.json<{ avatarUrl: string }>().avatarUrl;
    expect(after).not.toBe(before.avatarUrl);
    expect(after).toMatch(new RegExp(`/v\\d+/${publicId()}\\.png$`));
    const uploads = standIn.requests.filter((r) => r.action === 'upload');
    expect(uploads.map((r) => r.fields.public_id)).toEqual([publicId(), publicId()]);
    // Same public id, overwritten in place: there is nothing old to destroy.
    expect(standIn.requests.filter((r) => r.action === 'destroy')).toEqual([]);
  });

  it('answers 503 when Cloudinary answers 500, and the previous picture stays', async () => {
    const before = await me();
    const asset = standIn.assets.get(publicId());
    standIn.mode = 'fail';
    const response = await putAvatar(t.app, accessToken, [{ data: await noiseJpeg(100, 100) }]);
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().code).toBe('SERVICE_UNAVAILABLE');
    expect(standIn.requests.at(-1)?.action).toBe('upload'); // it did reach the stand-in
    expect((await me()).avatarUrl).toBe(before.avatarUrl);
    expect(standIn.assets.get(publicId())).toBe(asset);

    const removal = await deleteAvatar();
    expect(removal.statusCode).toBe(503);
    expect((await me()).avatarUrl).toBe(before.avatarUrl);
  });

  it('answers 503 when Cloudinary does not answer in time, and the previous picture stays', async () => {
    const before = await me();
    standIn.mode = 'hang';
    await withImpatientApp(async (app) => {
      const started = Date.now();
      const response = await putAvatar(app, accessToken, [{ data: await noiseJpeg(100, 100) }]);
      expect(response.statusCode).toBe(503);
      expect(response.json().code).toBe('SERVICE_UNAVAILABLE');
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await me(app)).avatarUrl).toBe(before.avatarUrl);

      const removal = await deleteAvatar(app);
      expect(removal.statusCode).toBe(503);
      expect((await me(app)).avatarUrl).toBe(before.avatarUrl);
    });
  });

  it('destroys the image through a signed request on DELETE and falls back to the default', async () => {
    const response = await deleteAvatar();
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().avatarUrl).toContain('/api/avatars/initials/');
    const destroy = standIn.requests.at(-1)!;
    expect(destroy).toMatchObject({ action: 'destroy', path: `/v1_1/${standIn.cloudName}/image/destroy`, signed: true });
    expect(destroy.fields).toMatchObject({ public_id: publicId(), invalidate: 'true' });
    expect(standIn.assets.has(publicId())).toBe(false);
  });
});
