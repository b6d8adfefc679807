import { readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_APP_URL, type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { discPng, noiseJpeg, padJpeg } from '../../../test/helpers/avatar-uploads.js';
import { type CloudinaryStandIn, startCloudinaryStandIn } from '../../../test/helpers/cloudinary-standin.js';
import { type ContactJson, type ContactsClient, type TrashedContactJson, signedInClient } from '../../../test/helpers/contacts.js';

const MiB = 1024 * 1024;
const unknownId = '3f1c2b9e-8a47-4d6b-9c0e-5b7a1d2e4f60';

describe('contact photos with the local store', () => {
  let t: TestApp;
  let me: ContactsClient;
  let intruder: ContactsClient;
  beforeAll(async () => {
    t = await createTestApp({ deps: { trash: { purgeOnStart: false } } });
    me = await signedInClient(t);
    intruder = await signedInClient(t);
  });
  afterAll(() => t.close());

  const storeDir = () => path.join(t.config.dataDir, 'avatars');
  const storedFiles = (): string[] => {
    try {
      return readdirSync(storeDir()).sort();
    } catch {
      return []; // nothing stored yet
    }
  };
  /** The stored file a photo URL names. */
  const fileOf = (photoUrl: string) => path.basename(new URL(photoUrl, TEST_APP_URL).pathname);
  /** GET of a photo URL from the app itself (the local store is served by it). */
  const fetchPhoto = (photoUrl: string) => t.app.inject({ method: 'GET', url: new URL(photoUrl, TEST_APP_URL).pathname });

  async function withPhoto(firstName: string, client = me): Promise<ContactJson & { photoUrl: string }> {
    const contact = await client.add({ firstName });
    const response = await client.putPhoto(contact.id, [{ data: await discPng(64, 64) }]);
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  describe('PUT /api/contacts/{id}/photo', () => {
    let contact: ContactJson;
    let photoUrl: string;

    it('answers 200 with the contact and its photoUrl, which is served as a 256×256 picture', async () => {
      contact = await me.add({ firstName: 'Pictured', email: 'pictured@example.com' });
      expect(contact.photoUrl).toBeNull();
      const filesBefore = storedFiles();
      const response = await me.putPhoto(contact.id, [{ data: await discPng(400, 300) }]);
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json<ContactJson>();
      expect(body).toMatchObject({ id: contact.id, firstName: 'Pictured', email: 'pictured@example.com', photoUrl: expect.any(String) });
      photoUrl = body.photoUrl!;
      // Served by this app: resolved against APP_URL it stays on that origin. (Today it is a bare
      // path, `/api/avatars/files/…`, where a user's avatarUrl is absolute.)
      expect(new URL(photoUrl, TEST_APP_URL).origin).toBe(TEST_APP_URL);
      expect((await me.get(contact.id)).json().photoUrl).toBe(photoUrl);

      const served = await fetchPhoto(photoUrl);
      expect(served.statusCode).toBe(200);
      expect(served.headers['content-type']).toBe('image/png');
      expect(await sharp(served.rawPayload).metadata()).toMatchObject({ format: 'png', width: 256, height: 256 });
      expect(storedFiles()).toEqual([...filesBefore, fileOf(photoUrl)].sort());
    });

    it('replaces the photo: the new one is served, the old file is gone', async () => {
      const filesBefore = storedFiles();
      const response = await me.putPhoto(contact.id, [{ data: await noiseJpeg(320, 240), filename: 'face.jpg', contentType: 'image/jpeg' }]);
      expect(response.statusCode, response.body).toBe(200);
      const replaced = response.json<ContactJson>().photoUrl!;
      expect(replaced).not.toBe(photoUrl);
      expect((await fetchPhoto(replaced)).headers['content-type']).toBe('image/jpeg');
      expect((await fetchPhoto(photoUrl)).statusCode).toBe(404);
      expect(storedFiles()).toEqual(filesBefore.filter((f) => f !== fileOf(photoUrl)).concat(fileOf(replaced)).sort());
      photoUrl = replaced;
    });

    it('keeps the photo through a PATCH of the contact', async () => {
      const response = await me.patch(contact.id, { notes: 'has a photo', emails: [{ value: 'new@example.com' }] });
      expect(response.json().photoUrl).toBe(photoUrl);
    });

    const refusals: Array<[string, () => Promise<Parameters<ContactsClient['putPhoto']>[1]>, number, string]> = [
      ['SVG declared as PNG', async () => [{ data: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>' }], 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['text declared as PNG', async () => [{ data: 'just some text, honestly a PNG' }], 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['GIF', async () => [{ data: 'GIF89a\x01\x00\x01\x00\x00\x00\x00;', contentType: 'image/gif' }], 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['no parts', async () => [], 400, 'VALIDATION_FAILED'],
      ['a text field instead of a file', async () => [{ filename: null, data: 'not a file' }], 400, 'VALIDATION_FAILED'],
      ['an empty file', async () => [{ data: Buffer.alloc(0) }], 400, 'VALIDATION_FAILED'],
      ['the file in another field', async () => [{ name: 'photo', data: await discPng(16, 16) }], 400, 'VALIDATION_FAILED'],
      ['a truncated JPEG', async () => [{ data: (await noiseJpeg(320, 240)).subarray(0, 2000) }], 400, 'BAD_REQUEST'],
      ['5 MiB + 1 byte', async () => [{ data: padJpeg(await noiseJpeg(1200, 900), 5 * MiB + 1) }], 413, 'PAYLOAD_TOO_LARGE'],
    ];

    it.each(refusals)('refuses %s, changing nothing', async (_name, parts, status, code) => {
      const filesBefore = storedFiles();
      const response = await me.putPhoto(contact.id, await parts());
      expect(response.statusCode, response.body).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().code).toBe(code);
      expect((await me.get(contact.id)).json().photoUrl).toBe(photoUrl);
      expect(storedFiles()).toEqual(filesBefore);
      expect((await fetchPhoto(photoUrl)).statusCode).toBe(200);
    });

    it('accepts a picture of exactly 5 MiB', async () => {
      const response = await me.putPhoto(contact.id, [{ data: padJpeg(await noiseJpeg(1200, 900), 5 * MiB) }]);
      expect(response.statusCode, response.body).toBe(200);
      photoUrl = response.json().photoUrl;
      expect((await fetchPhoto(photoUrl)).statusCode).toBe(200);
    });

    it('answers 415 for a body that is not multipart', async () => {
      const response = await t.app.inject({
        method: 'PUT',
        url: `/api/contacts/${contact.id}/photo`,
        headers: { authorization: `Bearer ${me.token}`, 'content-type': 'image/png' },
        payload: await discPng(16, 16),
      });
      expect(response.statusCode).toBe(415);
      expect((await me.get(contact.id)).json().photoUrl).toBe(photoUrl);
    });

    it('DELETE answers 200 with photoUrl null; the file is gone from the store and no longer served', async () => {
      const filesBefore = storedFiles();
      const response = await me.deletePhoto(contact.id);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ id: contact.id, photoUrl: null });
      expect((await me.get(contact.id)).json().photoUrl).toBeNull();
      expect(storedFiles()).toEqual(filesBefore.filter((f) => f !== fileOf(photoUrl)));
      expect((await fetchPhoto(photoUrl)).statusCode).toBe(404);
      // Removing a photo that isn't there is fine too.
      const again = await me.deletePhoto(contact.id);
      expect(again.statusCode).toBe(200);
      expect(again.json().photoUrl).toBeNull();
    });
  });

  describe("another user's contact, or none", () => {
    it('PUT and DELETE answer 404 and change nothing', async () => {
      const victim = await withPhoto('Victim');
      const filesBefore = storedFiles();
      const png = await discPng(32, 32);
      for (const id of [victim.id, unknownId, 'not-a-uuid']) {
        const put = await intruder.putPhoto(id, [{ data: png }]);
        expect(put.statusCode, id).toBe(404);
        expect(put.json().code).toBe('NOT_FOUND');
        const del = await intruder.deletePhoto(id);
        expect(del.statusCode, id).toBe(404);
        expect(del.json().code).toBe('NOT_FOUND');
      }
      // The same answer for someone else's contact as for an id nobody has.
      expect((await intruder.putPhoto(victim.id, [{ data: png }])).json()).toEqual((await intruder.putPhoto(unknownId, [{ data: png }])).json());
      expect((await me.get(victim.id)).json()).toEqual(victim);
      expect(storedFiles()).toEqual(filesBefore);
      expect((await fetchPhoto(victim.photoUrl)).statusCode).toBe(200);
    });
  });

  describe('photos and the trash', () => {
    it('a trashed contact keeps its photo file; its photo routes answer 404; restore brings the photo back', async () => {
      const contact = await withPhoto('Trashed with photo');
      await me.remove(contact.id);
      expect(storedFiles()).toContain(fileOf(contact.photoUrl));
      const inTrash = (await me.trash()).json<{ items: TrashedContactJson[] }>().items.find((c) => c.id === contact.id);
      expect(inTrash?.photoUrl).toBe(contact.photoUrl);

      const filesBefore = storedFiles();
      expect((await me.putPhoto(contact.id, [{ data: await discPng(16, 16) }])).statusCode).toBe(404);
      expect((await me.deletePhoto(contact.id)).statusCode).toBe(404);
      expect(storedFiles()).toEqual(filesBefore);

      const restored = await me.restore(contact.id);
      expect(restored.statusCode).toBe(200);
      expect(restored.json().photoUrl).toBe(contact.photoUrl);
      expect((await fetchPhoto(contact.photoUrl)).statusCode).toBe(200);
      await me.remove(contact.id);
      await me.purge(contact.id);
    });

    it('deleting forever removes the photo file from the store', async () => {
      const gone = await withPhoto('Gone forever');
      const kept = await withPhoto('Kept in trash');
      await me.remove(gone.id);
      await me.remove(kept.id);
      expect((await me.purge(gone.id)).statusCode).toBe(204);
      expect(storedFiles()).not.toContain(fileOf(gone.photoUrl));
      expect((await fetchPhoto(gone.photoUrl)).statusCode).toBe(404);
      expect(storedFiles()).toContain(fileOf(kept.photoUrl));
      await me.purge(kept.id);
    });

    it('emptying the trash removes every trashed photo file and leaves live contacts’ photos alone', async () => {
      const live = await withPhoto('Live');
      const trashed = [await withPhoto('Empty A'), await withPhoto('Empty B')];
      const othersTrashed = await withPhoto('Not mine', intruder);
      for (const contact of trashed) await me.remove(contact.id);
      await intruder.remove(othersTrashed.id);

      expect((await me.emptyTrash()).statusCode).toBe(204);
      const files = storedFiles();
      for (const contact of trashed) expect(files).not.toContain(fileOf(contact.photoUrl));
      expect(files).toContain(fileOf(live.photoUrl));
      expect(files).toContain(fileOf(othersTrashed.photoUrl));
      expect((await fetchPhoto(live.photoUrl)).statusCode).toBe(200);
      await intruder.purge(othersTrashed.id);
    });
  });
});

describe('contact photos with Cloudinary', () => {
  let standIn: CloudinaryStandIn;
  let t: TestApp;
  let me: ContactsClient;
  beforeAll(async () => {
    standIn = await startCloudinaryStandIn();
    t = await createTestApp({ env: { CLOUDINARY_URL: standIn.url }, deps: { trash: { purgeOnStart: false } } });
    me = await signedInClient(t);
  });
  afterAll(async () => {
    await t?.close();
    await standIn?.close();
  });

  const destroyed = (publicId: string) => standIn.requests.filter((r) => r.action === 'destroy' && r.fields.public_id === publicId);

  it('uploads the photo under the contact; DELETE of the photo destroys it', async () => {
    const contact = await me.add({ firstName: 'Clouded' });
    const response = await me.putPhoto(contact.id, [{ data: await noiseJpeg(300, 300) }]);
    expect(response.statusCode, response.body).toBe(200);
    const upload = standIn.requests.findLast((r) => r.action === 'upload');
    const publicId = upload!.fields.public_id!;
    expect(publicId).toContain(contact.id);
    expect(standIn.assets.has(publicId)).toBe(true);
    expect(response.json().photoUrl).toMatch(/^https:\/\/res\.cloudinary\.com\//);

    expect((await me.deletePhoto(contact.id)).json().photoUrl).toBeNull();
    expect(destroyed(publicId)).toHaveLength(1);
    expect(standIn.assets.has(publicId)).toBe(false);
  });

  it('the trash keeps the picture; deleting forever destroys it once', async () => {
    const contact = await me.add({ firstName: 'Cloud trash' });
    expect((await me.putPhoto(contact.id, [{ data: await discPng(64, 64) }])).statusCode).toBe(200);
    const publicId = standIn.requests.findLast((r) => r.action === 'upload')!.fields.public_id!;
    await me.remove(contact.id);
    expect(destroyed(publicId)).toHaveLength(0);
    expect(standIn.assets.has(publicId)).toBe(true);

    expect((await me.purge(contact.id)).statusCode).toBe(204);
    expect(destroyed(publicId)).toHaveLength(1);
    expect(standIn.assets.has(publicId)).toBe(false);
  });
});
