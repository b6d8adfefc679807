import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, TEST_APP_URL, createSecondInstance, createTestApp } from '../../../test/helpers/app.js';
import { discPng } from '../../../test/helpers/avatar-uploads.js';
import { type CloudinaryStandIn, startCloudinaryStandIn } from '../../../test/helpers/cloudinary-standin.js';
import { type ContactJson, type ContactsClient, type TrashedContactJson, signedInClient } from '../../../test/helpers/contacts.js';
import { usingPostgres } from '../../../test/helpers/db.js';
import type { Clock } from '../../lib/clock.js';
import type { AvatarStore } from '../../storage/avatar-store.js';
import { createAvatarStore } from '../../storage/create-avatar-store.js';
import { PictureSlot } from '../../storage/picture-slot.js';
import { TrashService } from './trash.service.js';

// "A trashed contact is purged for good 30 days after its deletion." The apps here never purge by
// themselves (purgeOnStart: false); each test moves the clock and runs a purge by hand, through a
// TrashService built as buildApp builds it: on the app's database, clock and picture store.

const DAY_MS = 24 * 60 * 60 * 1000;
// The clock moves weeks ahead; sessions must outlive that, or every request after it is a 401.
const env = { ACCESS_TOKEN_TTL_SECONDS: String(200 * 24 * 60 * 60), REFRESH_TOKEN_TTL_DAYS: '365' };

function trashServiceFor(t: TestApp, options: { store?: AvatarStore; clock?: Clock } = {}) {
  const logger = t.app.log;
  const pictures = new PictureSlot({ store: options.store ?? createAvatarStore(t.config), logger });
  return new TrashService({ db: t.database.db, appUrl: t.config.appUrl, clock: options.clock ?? t.clock, pictures, logger });
}

const trashOf = async (client: ContactsClient) => {
  const response = await client.trash();
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: TrashedContactJson[] }>().items;
};

async function withPhoto(client: ContactsClient, firstName: string): Promise<ContactJson & { photoUrl: string }> {
  const contact = await client.add({ firstName });
  const response = await client.putPhoto(contact.id, [{ data: await discPng(48, 48) }]);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

describe('the 30-day purge (local store)', () => {
  let t: TestApp;
  let me: ContactsClient;
  let trash: TrashService;
  beforeAll(async () => {
    t = await createTestApp({ env, deps: { trash: { purgeOnStart: false } } });
    me = await signedInClient(t);
    trash = trashServiceFor(t);
  });
  afterAll(() => t.close());

  const storedFiles = () => readdirSync(path.join(t.config.dataDir, 'avatars'));
  const fileOf = (photoUrl: string) => path.basename(new URL(photoUrl, TEST_APP_URL).pathname);
  /** Moves the clock to `at` (forwards only). */
  const moveClockTo = (at: number) => {
    const by = at - t.clock.now().getTime();
    expect(by).toBeGreaterThan(0);
    t.clock.advance(by);
  };

  let young: ContactJson & { photoUrl: string };

  it('deletes for good the contact trashed 31 days ago, with its photo; the one trashed 29 days ago stays', async () => {
    const old = await withPhoto(me, 'Old');
    young = await withPhoto(me, 'Young');
    const live = await withPhoto(me, 'Never deleted');
    expect((await me.remove(old.id)).statusCode).toBe(204);
    t.clock.advance(2 * DAY_MS);
    expect((await me.remove(young.id)).statusCode).toBe(204);
    t.clock.advance(29 * DAY_MS); // old: 31 days in the trash, young: 29

    // Nothing is purged until a purge runs.
    expect((await trashOf(me)).map((c) => c.firstName)).toEqual(['Young', 'Old']);
    expect(await trash.purgeExpired()).toBe(1);

    expect((await trashOf(me)).map((c) => c.id)).toEqual([young.id]);
    expect((await me.restore(old.id)).statusCode).toBe(404);
    expect((await me.purge(old.id)).statusCode).toBe(404);
    expect(storedFiles()).not.toContain(fileOf(old.photoUrl));
    expect(storedFiles()).toEqual(expect.arrayContaining([fileOf(young.photoUrl), fileOf(live.photoUrl)]));
    // A live contact is never purged, however old it is.
    expect((await me.get(live.id)).json().photoUrl).toBe(live.photoUrl);
    // A second run finds nothing more.
    expect(await trash.purgeExpired()).toBe(0);
  });

  it('keeps a contact until its purgeAt and deletes it right after', async () => {
    const [item] = await trashOf(me);
    expect(item!.id).toBe(young.id);
    const purgeAt = Date.parse(item!.purgeAt);
    moveClockTo(purgeAt - 60_000);
    expect(await trash.purgeExpired()).toBe(0);
    expect((await trashOf(me)).map((c) => c.id)).toEqual([young.id]);

    moveClockTo(purgeAt + 60_000);
    expect(await trash.purgeExpired()).toBe(1);
    expect(await trashOf(me)).toEqual([]);
    expect(storedFiles()).not.toContain(fileOf(young.photoUrl));
  });

  it('runs when an instance starts (purgeOnStart by default) and is finished once it has closed', async () => {
    const expired = await withPhoto(me, 'Expired at start');
    await me.remove(expired.id);
    t.clock.advance(31 * DAY_MS);
    // Another instance on the same database, clock and picture directory, with the purge job on.
    const starter = await createSecondInstance(t, { env, deps: { clock: t.clock, avatarStore: createAvatarStore(t.config) } });
    await starter.close(); // closing waits for a purge under way
    expect(await trashOf(me)).toEqual([]);
    expect((await me.restore(expired.id)).statusCode).toBe(404);
    expect(storedFiles()).not.toContain(fileOf(expired.photoUrl));
  });
});

describe(`two instances purging at once (${usingPostgres ? 'PostgreSQL' : 'PGlite'}, Cloudinary stand-in)`, () => {
  let standIn: CloudinaryStandIn;
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    standIn = await startCloudinaryStandIn();
    const options = { env: { ...env, CLOUDINARY_URL: standIn.url }, deps: { trash: { purgeOnStart: false } } };
    first = await createTestApp(options);
    // The two servers share one clock, so a deletion through either is dated on the same time line.
    second = await createSecondInstance(first, { ...options, deps: { ...options.deps, clock: first.clock } });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await standIn?.close();
  });

  const destroysOf = (publicId: string) => standIn.requests.filter((r) => r.action === 'destroy' && r.fields.public_id === publicId).length;
  const lastUploadId = () => standIn.requests.findLast((r) => r.action === 'upload')!.fields.public_id!;

  it('purges each expired contact, and destroys each photo, exactly once', async () => {
    const users = await Promise.all([signedInClient(first), signedInClient(first), signedInClient(first)]);
    const expired: Array<{ id: string; publicId: string | undefined }> = [];
    const young: Array<{ id: string; publicId: string | undefined }> = [];
    const trashSome = async (into: typeof expired, tag: string) => {
      for (const [u, user] of users.entries()) {
        for (let i = 0; i < 12; i += 1) {
          const withPicture = i % 4 === 0;
          const contact = withPicture ? await withPhoto(user, `${tag} ${u}.${i}`) : await user.add({ firstName: `${tag} ${u}.${i}` });
          into.push({ id: contact.id, publicId: withPicture ? lastUploadId() : undefined });
          expect((await user.remove(contact.id, i % 2 ? second.app : first.app)).statusCode).toBe(204);
        }
      }
    };
    await trashSome(expired, 'Expired');
    first.clock.advance(10 * DAY_MS);
    await trashSome(young, 'Young');
    first.clock.advance(25 * DAY_MS); // expired: 35 days in the trash, young: 25

    const a = trashServiceFor(first, { clock: first.clock });
    const b = trashServiceFor(second, { clock: first.clock });
    // Both at once, twice each: on PostgreSQL these run on separate connections of the pool.
    const counts = await Promise.all([a.purgeExpired(), b.purgeExpired(), a.purgeExpired(), b.purgeExpired()]);
    expect(counts.reduce((sum, n) => sum + n, 0)).toBe(expired.length);

    const left = (await Promise.all(users.map(trashOf))).flat().map((c) => c.id);
    expect(left.sort()).toEqual(young.map((c) => c.id).sort());
    for (const { publicId } of expired) if (publicId) expect(destroysOf(publicId), publicId).toBe(1);
    for (const { publicId } of young) if (publicId) expect(destroysOf(publicId), publicId).toBe(0);
    for (const { publicId } of young) if (publicId) expect(standIn.assets.has(publicId)).toBe(true);
  });

  it('a restore racing the purge: each expired contact ends up restored or purged, never both, never neither', async () => {
    const purger = trashServiceFor(second, { clock: first.clock });
    // Out with whatever the tests before left in the trash, so that this purge counts only these.
    first.clock.advance(31 * DAY_MS);
    await purger.purgeExpired();
    const user = await signedInClient(first);
    const ids: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const contact = await user.add({ firstName: `Racer ${i}` });
      expect((await user.remove(contact.id)).statusCode).toBe(204);
      ids.push(contact.id);
    }
    first.clock.advance(31 * DAY_MS);

    const [purged, ...restores] = await Promise.all([
      purger.purgeExpired(),
      ...ids.map((id, i) => user.restore(id, i % 2 ? first.app : second.app)),
    ]);
    const statuses = restores.map((r) => r.statusCode);
    expect(statuses.every((s) => s === 200 || s === 404), JSON.stringify(statuses)).toBe(true);
    const restored = ids.filter((_, i) => statuses[i] === 200);
    expect(purged).toBe(ids.length - restored.length);

    const listed = (await user.list({ limit: 100 })).json<{ items: ContactJson[]; total: number }>();
    expect(listed.items.map((c) => c.id).sort()).toEqual([...restored].sort());
    expect(await trashOf(user)).toEqual([]);
    for (const id of ids.filter((_, i) => statuses[i] === 404)) expect((await user.get(id)).statusCode).toBe(404);
  });

  it('a restore racing a delete-forever of the same contact: exactly one wins', async () => {
    const user = await signedInClient(first);
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const contact = await user.add({ firstName: `Duel ${i}` });
      await user.remove(contact.id);
      const [restore, purge] = await Promise.all([user.restore(contact.id, first.app), user.purge(contact.id, second.app)]);
      const pair = `${restore.statusCode}/${purge.statusCode}`;
      expect(['200/404', '404/204'], pair).toContain(pair);
      outcomes.push(pair);
      expect((await user.get(contact.id)).statusCode).toBe(restore.statusCode === 200 ? 200 : 404);
    }
    const listed = (await user.list({ limit: 100 })).json<{ total: number }>().total;
    expect(listed).toBe(outcomes.filter((o) => o === '200/404').length);
    expect(await trashOf(user)).toEqual([]);
  });
});
