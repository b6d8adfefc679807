/**
 * Real CardDAV clients against a real, listening Kith: Debian's vdirsyncer syncs a local folder
 * with the account's address book and khard reads and writes that folder, as someone syncing their
 * desktop address book would. Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
 * The same steps run first against Debian's radicale, so a failure here that radicale passes is
 * Kith's, not the harness's.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from './helpers/accounts.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { type ContactJson, type ContactsClient, signedInClient, type TrashedContactJson } from './helpers/contacts.js';
import {
  createDavClients,
  type DavAccount,
  type DavClients,
  formatOutput,
  khardField,
  missingDavClients,
  missingRadicale,
  type Radicale,
  startRadicale,
} from './helpers/dav-clients.js';
import { usingPostgres } from './helpers/db.js';

const clientsMissing = missingDavClients();
const radicaleMissing = clientsMissing ?? missingRadicale();
const STEP_TIMEOUT = 180_000;

/** vCard lines joined with CRLF, as clients write them. */
const card = (lines: string[]) => `${lines.join('\r\n')}\r\n`;
/** XML parsers turn CRLF into LF (XML 1.0 §2.11), so vdirsyncer writes what it gets in a REPORT with LF. */
const lf = (text: string | Buffer) => text.toString().replace(/\r\n/g, '\n');

/** A PHOTO property with a real base64 JPEG, folded at 75 octets like Apple's cards. */
async function photoLines(): Promise<string[]> {
  const jpeg = await sharp({ create: { width: 96, height: 96, channels: 3, background: { r: 180, g: 90, b: 40 } } })
    .jpeg({ quality: 80 })
    .toBuffer();
  const unfolded = `PHOTO;ENCODING=b;TYPE=JPEG:${jpeg.toString('base64')}`;
  const lines = [unfolded.slice(0, 75)];
  for (let i = 75; i < unfolded.length; i += 74) lines.push(` ${unfolded.slice(i, i + 74)}`);
  return lines;
}

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

async function clientsFor(account: DavAccount): Promise<DavClients> {
  const clients = await createDavClients(account);
  closers.push(() => clients.close());
  return clients;
}

describe.skipIf(Boolean(radicaleMissing))(
  `the harness against Debian's radicale${radicaleMissing ? ` (skipped: ${radicaleMissing})` : ''}`,
  () => {
    let radicale: Radicale;
    const auth = () => ({ authorization: `Basic ${Buffer.from(`${radicale.username}:${radicale.password}`).toString('base64')}` });
    beforeAll(async () => {
      radicale = await startRadicale();
      closers.push(() => radicale.stop());
    });

    it(
      'discovers, syncs both ways and propagates deletes',
      async () => {
        const put = await fetch(`${radicale.addressBookUrl}server-made.vcf`, {
          method: 'PUT',
          headers: { ...auth(), 'content-type': 'text/vcard; charset=utf-8' },
          body: card(['BEGIN:VCARD', 'VERSION:3.0', 'UID:server-made', 'FN:Ada Lovelace', 'N:Lovelace;Ada;;;', 'END:VCARD']),
        });
        expect(put.status).toBe(201);
        const clients = await clientsFor(radicale);
        await clients.discover();
        await clients.syncOk();
        expect(await clients.cardFiles()).toEqual(['server-made.vcf']);
        expect((await clients.khardList()).map((c) => c.name)).toEqual(['Ada Lovelace']);

        const uid = await clients.khardNew('First name: Grace\nLast name: Hopper\nNote: made in khard\n');
        await clients.syncOk();
        const uploaded = await fetch(`${radicale.addressBookUrl}${uid}.vcf`, { headers: auth() });
        expect(uploaded.status).toBe(200);
        expect(await uploaded.text()).toContain('NOTE:made in khard');

        const edit = await fetch(`${radicale.addressBookUrl}server-made.vcf`, {
          method: 'PUT',
          headers: { ...auth(), 'content-type': 'text/vcard; charset=utf-8' },
          body: card(['BEGIN:VCARD', 'VERSION:3.0', 'UID:server-made', 'FN:Ada Lovelace', 'N:Lovelace;Ada;;;', 'NOTE:edited on the server', 'END:VCARD']),
        });
        expect(edit.status).toBe(201);
        await clients.syncOk();
        expect(khardField(await clients.khardShow('server-made'), 'Note')).toBe('edited on the server');

        await clients.removeCard(`${uid}.vcf`);
        await clients.syncOk();
        expect((await fetch(`${radicale.addressBookUrl}${uid}.vcf`, { headers: auth() })).status).toBe(404);
      },
      STEP_TIMEOUT,
    );
  },
);

describe.skipIf(Boolean(clientsMissing))(
  `vdirsyncer and khard against Kith on ${usingPostgres ? 'PostgreSQL' : 'PGlite'}${clientsMissing ? ` (skipped: ${clientsMissing})` : ''}`,
  () => {
    let t: TestApp;
    let origin: string;

    beforeAll(async () => {
      t = await createTestApp();
      closers.push(() => t.close());
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const address = t.app.server.address();
      if (!address || typeof address === 'string') throw new Error('Kith is not listening on a TCP port');
      origin = `http://127.0.0.1:${address.port}`;
    });

    interface SyncedUser {
      api: ContactsClient;
      account: DavAccount;
      clients: DavClients;
      /** A card's bytes straight from the server, GET with Basic auth. */
      getCard(fileName: string): Promise<{ status: number; body: Buffer }>;
      contacts(): Promise<ContactJson[]>;
      trash(): Promise<TrashedContactJson[]>;
    }

    /** A new user with an app password, and vdirsyncer + khard discovered on their address book. */
    async function syncedUser(): Promise<SyncedUser> {
      const api = await signedInClient(t);
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/users/me/app-passwords',
        headers: bearer(api.token),
        payload: { name: 'vdirsyncer on the test machine' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const { username, password } = created.json<{ username: string; password: string }>();
      // Discovery starts at the server root: vdirsyncer tries it, then /.well-known/carddav.
      const account = { url: `${origin}/`, username, password };
      const clients = await clientsFor(account);
      const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      return {
        api,
        account,
        clients,
        async getCard(fileName) {
          const response = await fetch(`${origin}/dav/addressbooks/${api.userId}/contacts/${fileName}`, { headers: { authorization } });
          return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
        },
        async contacts() {
          const response = await api.list({ limit: 100 });
          expect(response.statusCode, response.body).toBe(200);
          return response.json<{ items: ContactJson[] }>().items;
        },
        async trash() {
          const response = await api.trash();
          expect(response.statusCode, response.body).toBe(200);
          return response.json<{ items: TrashedContactJson[] }>().items;
        },
      };
    }

    it(
      'discovers the one address book and downloads every contact on the first sync',
      async () => {
        const user = await syncedUser();
        await user.api.add({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' });
        await user.api.add({ firstName: 'Charles', lastName: 'Babbage', phone: '+44 20 7946 0018' });

        const discovered = await user.clients.discover();
        expect(discovered.stdout + discovered.stderr).toMatch(/contacts/);
        await user.clients.syncOk();

        expect(await user.clients.cardFiles()).toHaveLength(2);
        const names = (await user.clients.khardList()).map((c) => c.name).sort();
        expect(names).toEqual(['Ada Lovelace', 'Charles Babbage']);
        // A second sync with nothing changed changes nothing and succeeds.
        const again = await user.clients.syncOk();
        expect(again.stdout + again.stderr, formatOutput(again)).not.toMatch(/Copying|Deleting/);
      },
      STEP_TIMEOUT,
    );

    it(
      'a contact added in khard syncs up and is a contact in the API; an edit in the API syncs down',
      async () => {
        const user = await syncedUser();
        const grace = await user.api.add({ firstName: 'Grace', lastName: 'Hopper' });
        await user.clients.discover();
        await user.clients.syncOk();

        const uid = await user.clients.khardNew(
          ['First name: Katherine', 'Last name: Johnson', 'Email:', '    work: katherine@example.com', 'Phone:', '    cell: +1 202 555 0143', 'Note: made in khard', ''].join('\n'),
        );
        await user.clients.syncOk();
        const katherine = (await user.contacts()).find((c) => c.firstName === 'Katherine');
        expect(katherine, 'the contact made in khard is in GET /api/contacts').toBeDefined();
        expect(katherine).toMatchObject({ lastName: 'Johnson', notes: 'made in khard' });
        expect(katherine!.emails.map((e) => e.value)).toEqual(['katherine@example.com']);
        expect(katherine!.phones.map((p) => p.value.replace(/\D/g, ''))).toEqual(['12025550143']);

        // An edit in the API of a contact made in the API, and of one made in khard.
        expect((await user.api.patch(grace.id, { notes: 'Wrote the first compiler', jobTitle: 'Rear admiral' })).statusCode).toBe(200);
        expect((await user.api.patch(katherine!.id, { notes: 'Edited in Kith' })).statusCode).toBe(200);
        const synced = await user.clients.syncOk();
        expect(synced.stdout + synced.stderr).toMatch(/Copying \(updating\)/);

        const graceUid = (await user.clients.khardList()).find((c) => c.name === 'Grace Hopper')?.uid;
        expect(graceUid).toBeDefined();
        const graceShown = await user.clients.khardShow(graceUid!);
        expect(khardField(graceShown, 'Note')).toBe('Wrote the first compiler');
        expect(khardField(graceShown, 'Title')).toBe('Rear admiral');
        const katherineShown = await user.clients.khardShow(uid);
        expect(khardField(katherineShown, 'Note')).toBe('Edited in Kith');
        expect(katherineShown).toContain('katherine@example.com');
      },
      STEP_TIMEOUT,
    );

    it(
      'a card with grouped labels, X-SOCIALPROFILE and a PHOTO survives both ways byte for byte, also after an API edit',
      async () => {
        const user = await syncedUser();
        await user.api.add({ firstName: 'Someone', lastName: 'Else' });
        await user.clients.discover();
        await user.clients.syncOk();

        const photo = await photoLines();
        const kept = [
          'item1.TEL;type=pref:+44 20 7946 0321',
          'item1.X-ABLabel:_$!<HomeFAX>!$_',
          'item2.TEL:+44 20 7946 0999',
          'item2.X-ABLabel:Boat',
          'X-SOCIALPROFILE;type=twitter;x-user=ada:https://twitter.com/ada',
          'X-ABShowAs:COMPANY',
          ...photo,
        ];
        const bytes = card([
          'BEGIN:VCARD',
          'VERSION:3.0',
          'PRODID:-//Apple Inc.//iPhone OS 17.5//EN',
          'N:Lovelace;Ada;;;',
          'FN:Ada Lovelace',
          'ORG:Analytical Engines Ltd;',
          ...kept,
          'NOTE:Before the edit',
          'UID:ada-lovelace-apple-1',
          'END:VCARD',
        ]);
        await user.clients.writeCard('ada-lovelace-apple-1.vcf', bytes);
        await user.clients.syncOk();

        // Up: the server keeps exactly the bytes vdirsyncer PUT.
        const stored = await user.getCard('ada-lovelace-apple-1.vcf');
        expect(stored.status).toBe(200);
        expect(stored.body.toString()).toBe(bytes);
        const ada = (await user.contacts()).find((c) => c.firstName === 'Ada');
        expect(ada, 'the card is a contact in the API').toBeDefined();
        expect(ada).toMatchObject({ lastName: 'Lovelace', organization: 'Analytical Engines Ltd', notes: 'Before the edit' });
        expect(ada!.phones.map((p) => p.value.replace(/\D/g, '')).sort()).toEqual(['442079460321', '442079460999']);
        expect(ada!.photoUrl, 'the PHOTO is the contact photo').not.toBeNull();

        // Down: a second machine's first sync gets the same card.
        const other = await clientsFor(user.account);
        await other.discover();
        await other.syncOk();
        expect(lf(await other.readCard('ada-lovelace-apple-1.vcf'))).toBe(lf(bytes));

        // An edit of another field through the API rewrites that line only.
        expect((await user.api.patch(ada!.id, { notes: 'After the edit' })).statusCode).toBe(200);
        await user.clients.syncOk();
        const edited = lf(await user.clients.readCard('ada-lovelace-apple-1.vcf'));
        expect(edited).toContain('NOTE:After the edit\n');
        expect(edited).not.toContain('Before the edit');
        expect(edited, 'the unknown lines, in order').toContain(lf(card(kept)));
        for (const line of ['PRODID:-//Apple Inc.//iPhone OS 17.5//EN', 'N:Lovelace;Ada;;;', 'FN:Ada Lovelace', 'UID:ada-lovelace-apple-1']) {
          expect(edited).toContain(`${line}\n`);
        }
        const editedOnServer = await user.getCard('ada-lovelace-apple-1.vcf');
        expect(editedOnServer.body.toString()).toContain(card(kept));
        await other.syncOk();
        expect(lf(await other.readCard('ada-lovelace-apple-1.vcf'))).toBe(edited);
      },
      STEP_TIMEOUT,
    );

    it(
      'a local edit syncs up, a vCard 4.0 card and a card without a UID are contacts, a restore from the trash syncs down',
      async () => {
        const user = await syncedUser();
        const restored = await user.api.add({ firstName: 'Back', lastName: 'Again' });
        await user.api.add({ firstName: 'Stays', lastName: 'Put' });
        await user.clients.discover();
        await user.clients.syncOk();

        // Edited in the local folder, as an editor or another program would.
        const uid = await user.clients.khardNew('First name: Edsger\nLast name: Dijkstra\nNote: first words\n');
        await user.clients.syncOk();
        const file = `${uid}.vcf`;
        const before = (await user.clients.readCard(file)).toString();
        await user.clients.writeCard(file, before.replace('NOTE:first words', 'NOTE:edited locally'));
        const up = await user.clients.syncOk();
        expect(up.stdout + up.stderr).toMatch(/Copying \(updating\) item .* to kith_remote/);
        expect((await user.contacts()).find((c) => c.firstName === 'Edsger')?.notes).toBe('edited locally');

        const v4 = await user.clients.khardNew('First name: Barbara\nLast name: Liskov\nBirthday: --11-07\nEmail:\n    work: barbara@example.com\n', '4.0');
        expect((await user.clients.readCard(`${v4}.vcf`)).toString()).toContain('VERSION:4.0');
        await user.clients.syncOk();
        const barbara = (await user.contacts()).find((c) => c.firstName === 'Barbara');
        expect(barbara, 'the vCard 4.0 card is a contact').toMatchObject({ lastName: 'Liskov', birthday: '--11-07' });

        // A card without a UID (old exports have none): uploaded, a contact, and the next sync is quiet.
        await user.clients.writeCard('no-uid.vcf', card(['BEGIN:VCARD', 'VERSION:3.0', 'FN:Alan Turing', 'N:Turing;Alan;;;', 'END:VCARD']));
        await user.clients.syncOk();
        expect((await user.contacts()).map((c) => c.firstName)).toContain('Alan');
        const quiet = await user.clients.syncOk();
        expect(quiet.stdout + quiet.stderr, formatOutput(quiet)).not.toMatch(/Copying|Deleting/);

        expect((await user.api.remove(restored.id)).statusCode).toBe(204);
        await user.clients.syncOk();
        expect((await user.clients.khardList()).map((c) => c.name)).not.toContain('Back Again');
        expect((await user.api.restore(restored.id)).statusCode).toBe(200);
        await user.clients.syncOk();
        expect((await user.clients.khardList()).map((c) => c.name)).toContain('Back Again');
      },
      STEP_TIMEOUT,
    );

    it(
      'deletes propagate both ways: API delete removes the local file, a local delete puts the contact in the trash',
      async () => {
        const user = await syncedUser();
        const keep = await user.api.add({ firstName: 'Keep', lastName: 'Me' });
        const goneInApi = await user.api.add({ firstName: 'Deleted', lastName: 'InKith' });
        const goneLocally = await user.api.add({ firstName: 'Deleted', lastName: 'Locally' });
        await user.clients.discover();
        await user.clients.syncOk();
        expect(await user.clients.cardFiles()).toHaveLength(3);
        const uidOf = async (name: string) => (await user.clients.khardList()).find((c) => c.name === name)?.uid;
        const apiUid = await uidOf('Deleted InKith');
        const localUid = await uidOf('Deleted Locally');
        expect(apiUid && localUid).toBeTruthy();
        const fileOf = async (uid: string) => {
          for (const file of await user.clients.cardFiles()) {
            if ((await user.clients.readCard(file)).toString().includes(`UID:${uid}`)) return file;
          }
          return undefined;
        };

        expect((await user.api.remove(goneInApi.id)).statusCode).toBe(204);
        const apiFile = await fileOf(apiUid!);
        await user.clients.syncOk();
        expect(await user.clients.cardFiles()).not.toContain(apiFile);
        expect((await user.clients.khardList()).map((c) => c.name).sort()).toEqual(['Deleted Locally', 'Keep Me']);

        const localFile = await fileOf(localUid!);
        await user.clients.removeCard(localFile!);
        await user.clients.syncOk();
        expect((await user.contacts()).map((c) => c.id)).toEqual([keep.id]);
        expect((await user.trash()).map((c) => c.id).sort()).toEqual([goneInApi.id, goneLocally.id].sort());
        // Nothing left to do on either side.
        const again = await user.clients.syncOk();
        expect(again.stdout + again.stderr).not.toMatch(/Copying|Deleting/);
      },
      STEP_TIMEOUT,
    );

    it(
      'at 100 contacts the 101st card is refused, and syncing other changes still works',
      async () => {
        const user = await syncedUser();
        const made: ContactJson[] = [];
        for (let i = 1; i <= 100; i += 1) made.push(await user.api.add({ firstName: `Person`, lastName: `Number ${String(i).padStart(3, '0')}` }));
        await user.clients.discover();
        await user.clients.syncOk();
        expect(await user.clients.cardFiles()).toHaveLength(100);

        const extra = card(['BEGIN:VCARD', 'VERSION:3.0', 'UID:one-too-many', 'FN:One TooMany', 'N:TooMany;One;;;', 'END:VCARD']);
        await user.clients.writeCard('one-too-many.vcf', extra);
        const refused = await user.clients.sync();
        expect(refused.code, formatOutput(refused)).not.toBe(0);
        expect(refused.stderr, 'vdirsyncer names the refused item').toMatch(/one-too-many/);
        expect(refused.stderr).toMatch(/507|Insufficient Storage/i);
        const total = async () => (await user.api.list({ limit: 1 })).json<{ total: number }>().total;
        expect(await total()).toBe(100);
        expect((await user.getCard('one-too-many.vcf')).status).toBe(404);

        // Another change still goes through while the refused card keeps being retried.
        expect((await user.api.patch(made[0]!.id, { notes: 'Still syncing' })).statusCode).toBe(200);
        const next = await user.clients.sync();
        expect(next.stderr).toMatch(/one-too-many/);
        const first = (await user.clients.khardList()).find((c) => c.name === 'Person Number 001');
        expect(khardField(await user.clients.khardShow(first!.uid), 'Note'), formatOutput(next)).toBe('Still syncing');
        expect(await total()).toBe(100);

        // Once the person gives up on the extra card, syncs are clean again.
        await user.clients.removeCard('one-too-many.vcf');
        await user.clients.syncOk();
        expect(await user.clients.cardFiles()).toHaveLength(100);
        expect(await total()).toBe(100);
      },
      STEP_TIMEOUT,
    );
  },
);
