/**
 * Who may use /dav and what a request body may hold: only the owner's paths, only app passwords
 * over Basic, throttled failures, no DOCTYPE or entities, strict UTF-8, and no cookies.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, login, registerVerified } from '../../../test/helpers/accounts.js';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { basicAuth, type DavClient, davClient, simpleCard } from '../../../test/helpers/dav.js';
import { NOT_FOUND, parseMultistatus } from '../../../test/helpers/dav-multistatus.js';
import { usingPostgres } from '../../../test/helpers/db.js';

const CHALLENGE = 'Basic realm="Kith", charset="UTF-8"';
const PROPFIND = '<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

/** An account with its password, a token and one app password. */
async function account(on: TestApp = t) {
  const registered = await registerVerified(on.app, on.smtp);
  const tokens = await login(on.app, registered.email, registered.password);
  const appPassword = async (name: string) => {
    const created = await on.app.inject({ method: 'POST', url: '/api/users/me/app-passwords', headers: bearer(tokens.accessToken), payload: { name } });
    expect(created.statusCode).toBe(201);
    return created.json<{ id: string; password: string }>();
  };
  const first = await appPassword('Phone');
  return { ...registered, ...tokens, appPassword: first.password, appPasswordId: first.id, newAppPassword: appPassword };
}

const propfindAs = (authorization: string | undefined, url = '/dav/', on: TestApp = t, headers: Record<string, string> = {}) =>
  on.app.inject({
    method: 'PROPFIND',
    url,
    headers: { depth: '0', 'content-type': 'application/xml', ...(authorization ? { authorization } : {}), ...headers },
    payload: PROPFIND,
  });

function expectChallenge(response: LightMyRequestResponse) {
  expect(response.statusCode).toBe(401);
  expect(response.headers['www-authenticate']).toBe(CHALLENGE);
}

describe(`CardDAV security (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('another user’s principal, home, book and card answer 404 and reveal nothing', async () => {
    const me = await davClient(t);
    const them = await davClient(t);
    const secret = simpleCard('secret-uid', 'Secretive', ['NOTE:their private note']);
    const stored = await them.put('secret.vcf', secret);
    expect(stored.statusCode).toBe(201);

    const pathsOf = (userId: string) => ({
      principal: `/dav/principals/${userId}/`,
      home: `/dav/addressbooks/${userId}/`,
      book: `/dav/addressbooks/${userId}/contacts/`,
      card: `/dav/addressbooks/${userId}/contacts/secret.vcf`,
    });
    const theirs = pathsOf(them.userId);
    const nobody = pathsOf(randomUUID());
    const attempts = (p: ReturnType<typeof pathsOf>) => [
      me.request('PROPFIND', p.principal, { body: PROPFIND, headers: { depth: '0' } }),
      me.request('PROPFIND', p.home, { body: PROPFIND, headers: { depth: '1' } }),
      me.request('PROPFIND', p.book, { body: PROPFIND, headers: { depth: '1' } }),
      me.request('PROPFIND', p.card, { body: PROPFIND, headers: { depth: '0' } }),
      me.request('GET', p.card),
      me.request('HEAD', p.card),
      me.request('PUT', p.card, { body: simpleCard('secret-uid', 'Overwritten'), headers: { 'content-type': 'text/vcard' } }),
      me.request('DELETE', p.card),
      me.request('REPORT', p.book, {
        body: '<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>',
        headers: { depth: '1' },
      }),
      me.request('PROPPATCH', p.book, {
        body: '<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>Mine now</d:displayname></d:prop></d:set></d:propertyupdate>',
      }),
    ];
    const onTheirs = await Promise.all(attempts(theirs));
    const onNobody = await Promise.all(attempts(nobody));
    onTheirs.forEach((response, i) => {
      expect(response.statusCode, `attempt ${i}`).toBe(404);
      // Exactly what a path of no user at all gets: nothing tells an existing account apart.
      expect(response.body).toBe(onNobody[i]!.body);
      expect(response.headers['content-type']).toBe(onNobody[i]!.headers['content-type']);
      expect(response.headers.etag).toBeUndefined();
      for (const leak of ['Secretive', 'private note', them.email, stored.headers.etag as string]) expect(response.body).not.toContain(leak);
    });

    // Named in a multiget on one's own book, their card is simply not there.
    const multiget = await me.report(
      `<card:addressbook-multiget xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><card:address-data/></d:prop><d:href>${theirs.card}</d:href></card:addressbook-multiget>`,
    );
    expect(multiget.statusCode).toBe(207);
    expect(parseMultistatus(multiget.body).responses).toEqual([expect.objectContaining({ href: theirs.card, status: NOT_FOUND })]);
    expect(multiget.body).not.toContain('Secretive');

    const after = await them.request('GET', `${them.book}secret.vcf`);
    expect(after.body).toBe(secret);
    expect(after.headers.etag).toBe(stored.headers.etag);
  });

  it('the account password, a wrong, a revoked or a password-changed app password, a bearer token and a cookie get 401 with the Basic challenge', async () => {
    const a = await account();
    expect((await propfindAs(basicAuth(a.email, a.appPassword))).statusCode).toBe(207);

    expectChallenge(await propfindAs(undefined));
    expectChallenge(await propfindAs(basicAuth(a.email, a.password)));
    expectChallenge(await propfindAs(basicAuth(a.email, `${a.appPassword}x`)));
    expectChallenge(await propfindAs(basicAuth(a.email, a.appPassword.slice(0, -1))));
    expectChallenge(await propfindAs(basicAuth('someone-else@example.com', a.appPassword)));
    expectChallenge(await propfindAs(`Bearer ${a.accessToken}`));
    expectChallenge(await propfindAs(undefined, '/dav/', t, { cookie: `kith_refresh=${a.refreshToken}` }));
    expectChallenge(await propfindAs('Basic not-base64!!'));
    expectChallenge(await propfindAs(`Digest username="${a.email}"`));

    const second = await a.newAppPassword('Laptop');
    expect((await propfindAs(basicAuth(a.email, second.password))).statusCode).toBe(207);
    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/users/me/app-passwords/${second.id}`, headers: bearer(a.accessToken) });
    expect(revoked.statusCode).toBe(204);
    expectChallenge(await propfindAs(basicAuth(a.email, second.password)));
    // The other one still works, and shows when it was used.
    expect((await propfindAs(basicAuth(a.email, a.appPassword))).statusCode).toBe(207);
    const listed = await t.app.inject({ method: 'GET', url: '/api/users/me/app-passwords', headers: bearer(a.accessToken) });
    expect(listed.json().items).toEqual([expect.objectContaining({ id: a.appPasswordId, lastUsedAt: expect.any(String) })]);

    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/users/me/password',
      headers: bearer(a.accessToken),
      payload: { currentPassword: a.password, newPassword: 'a brand new passphrase 42' },
    });
    expect(changed.statusCode).toBe(204);
    expectChallenge(await propfindAs(basicAuth(a.email, a.appPassword)));
  });

  it('the username is the email compared case-insensitively, also with @ sent as %40', async () => {
    const a = await account();
    for (const username of [a.email, a.email.toUpperCase(), a.email.replace('@', '%40'), a.email.toUpperCase().replace('@', '%40')]) {
      const response = await propfindAs(basicAuth(username, a.appPassword));
      expect(response.statusCode, username).toBe(207);
      expect(response.body).toContain(`/dav/principals/${a.id}/`);
    }
  });

  it('failed attempts are throttled per account: after 3, even the right app password gets 429 for that account', async () => {
    const limited = await createTestApp({ env: { LOGIN_MAX_PER_ACCOUNT: '3' } });
    try {
      const a = await account(limited);
      const b = await account(limited);
      for (let i = 0; i < 3; i += 1) expectChallenge(await propfindAs(basicAuth(a.email, `wrong-${i}`), '/dav/', limited));
      const right = await propfindAs(basicAuth(a.email, a.appPassword), '/dav/', limited);
      expect(right.statusCode).toBe(429);
      expect(right.headers['retry-after']).toBeDefined();
      // Counted on the account, however the username is written.
      expect((await propfindAs(basicAuth(a.email.toUpperCase().replace('@', '%40'), a.appPassword), '/dav/', limited)).statusCode).toBe(429);
      // Another account from the same client is not locked out.
      expect((await propfindAs(basicAuth(b.email, b.appPassword), '/dav/', limited)).statusCode).toBe(207);
      // After the window, the right password works again.
      limited.clock.advance(limited.config.rateLimits.windowSeconds * 1000 + 1000);
      expect((await propfindAs(basicAuth(a.email, a.appPassword), '/dav/', limited)).statusCode).toBe(207);
    } finally {
      await limited.close();
    }
  });

  it('failed attempts are throttled per client too: after 3 from one address, that address gets 429', async () => {
    const limited = await createTestApp({ env: { LOGIN_MAX_PER_CLIENT: '3' } });
    try {
      const a = await account(limited);
      const from = (remoteAddress: string, authorization: string) =>
        limited.app.inject({ method: 'PROPFIND', url: '/dav/', remoteAddress, headers: { authorization, depth: '0' }, payload: PROPFIND });
      for (let i = 0; i < 3; i += 1) expectChallenge(await from('203.0.113.7', basicAuth(`guess${i}@example.com`, 'password')));
      expect((await from('203.0.113.7', basicAuth(a.email, a.appPassword))).statusCode).toBe(429);
      expect((await from('198.51.100.20', basicAuth(a.email, a.appPassword))).statusCode).toBe(207);
    } finally {
      await limited.close();
    }
  });

  describe('request bodies', () => {
    let me: DavClient;
    beforeAll(async () => {
      me = await davClient(t);
    });

    const EVIL = {
      doctype: '<?xml version="1.0"?><!DOCTYPE propfind><d:propfind xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:propfind>',
      entity: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "kith">]><d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&a;</d:displayname></d:prop></d:propfind>',
      external:
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&xxe;</d:displayname></d:prop></d:propfind>',
      laughs: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]><d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&lol9;</d:displayname></d:prop></d:propfind>`,
      undeclared: '<d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&undeclared;</d:displayname></d:prop></d:propfind>',
    };

    it.each(Object.entries(EVIL))('XML with a DOCTYPE or an entity (%s) is 400, on PROPFIND, REPORT and PROPPATCH', async (_, xml) => {
      const asReport = xml.replace(/d:propfind/g, 'd:sync-collection');
      const asPatch = xml.replace(/<d:propfind([^>]*)><d:prop>/, '<d:propertyupdate$1><d:set><d:prop>').replace('</d:prop></d:propfind>', '</d:prop></d:set></d:propertyupdate>');
      const responses = [
        await me.propfind(me.book, '0', xml),
        await me.report(asReport),
        await me.request('PROPPATCH', me.book, { body: asPatch, headers: { 'content-type': 'application/xml' } }),
      ];
      for (const response of responses) {
        expect(response.statusCode).toBe(400);
        expect(response.body).not.toContain('root:');
        expect(response.body).not.toContain('lollol');
      }
      const name = await me.propfind(me.book, '0', '<d:propfind xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:propfind>');
      expect(name.body).not.toContain('kith<');
      expect(name.body).not.toContain('lol');
    });

    it('a body that isn’t valid UTF-8 is 400 and stores nothing', async () => {
      const xml = Buffer.concat([
        Buffer.from('<d:propfind xmlns:d="DAV:"><d:prop><d:displayname>'),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('</d:displayname></d:prop></d:propfind>'),
      ]);
      const propfind = await t.app.inject({
        method: 'PROPFIND',
        url: me.book,
        headers: { authorization: me.basic, depth: '0', 'content-type': 'application/xml; charset=utf-8' },
        payload: xml,
      });
      expect(propfind.statusCode).toBe(400);

      const latin1 = Buffer.from(simpleCard('latin1', 'José'), 'latin1');
      const put = await t.app.inject({
        method: 'PUT',
        url: `${me.book}latin1.vcf`,
        headers: { authorization: me.basic, 'content-type': 'text/vcard; charset=utf-8' },
        payload: latin1,
      });
      expect(put.statusCode).toBe(400);
      expect((await me.request('GET', `${me.book}latin1.vcf`)).statusCode).toBe(404);
      const contacts = await t.app.inject({ method: 'GET', url: '/api/contacts', headers: bearer(me.accessToken) });
      expect(contacts.json().total).toBe(0);
    });
  });

  it('no /dav response sets a cookie', async () => {
    const me = await davClient(t);
    const responses = [
      await t.app.inject({ method: 'PROPFIND', url: '/.well-known/carddav' }),
      await t.app.inject({ method: 'GET', url: '/.well-known/carddav' }),
      await me.request('OPTIONS', '/dav/'),
      await propfindAs(undefined),
      await propfindAs(basicAuth(me.email, 'wrong')),
      await me.propfind('/dav/', '0', PROPFIND),
      await me.propfind(me.book, '1'),
      await me.put('cookie.vcf', simpleCard('cookie', 'Cookie')),
      await me.request('GET', `${me.book}cookie.vcf`),
      await me.request('GET', '/dav/'),
      await me.request('GET', `${me.book}nothing.vcf`),
      await me.report('<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>'),
      await me.request('DELETE', `${me.book}cookie.vcf`),
      await me.propfind(me.book, '0', '<d:propfind'),
    ];
    for (const response of responses) expect(response.headers['set-cookie'], `${response.statusCode} ${response.body.slice(0, 80)}`).toBeUndefined();
  });
});
