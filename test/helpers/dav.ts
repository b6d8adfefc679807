/** A signed-in CardDAV client over app.inject: the account, an app password and short calls. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { bearer, login, registerVerified } from './accounts.js';
import type { TestApp } from './app.js';

export interface DavClient {
  userId: string;
  email: string;
  accessToken: string;
  basic: string;
  book: string;
  request(method: string, url: string, options?: { body?: string; headers?: Record<string, string>; app?: FastifyInstance }): Promise<LightMyRequestResponse>;
  put(name: string, card: string, headers?: Record<string, string>, app?: FastifyInstance): Promise<LightMyRequestResponse>;
  propfind(url: string, depth: '0' | '1', body?: string): Promise<LightMyRequestResponse>;
  report(body: string, app?: FastifyInstance): Promise<LightMyRequestResponse>;
}

export const basicAuth = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

export async function davClient(t: TestApp): Promise<DavClient> {
  const account = await registerVerified(t.app, t.smtp);
  const { accessToken } = await login(t.app, account.email, account.password);
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/users/me/app-passwords',
    headers: bearer(accessToken),
    payload: { name: 'Test phone' },
  });
  if (created.statusCode !== 201) throw new Error(`app password: ${created.statusCode} ${created.body}`);
  const basic = basicAuth(account.email, created.json<{ password: string }>().password);
  const book = `/dav/addressbooks/${account.id}/contacts/`;
  const client: DavClient = {
    userId: account.id,
    email: account.email,
    accessToken,
    basic,
    book,
    request: (method, url, options = {}) =>
      (options.app ?? t.app).inject({
        method: method as 'GET',
        url,
        headers: { authorization: basic, ...options.headers },
        ...(options.body !== undefined ? { payload: options.body } : {}),
      }),
    put: (name, card, headers = {}, app) =>
      client.request('PUT', `${book}${name}`, { body: card, headers: { 'content-type': 'text/vcard; charset=utf-8', ...headers }, app }),
    propfind: (url, depth, body) =>
      client.request('PROPFIND', url, { body, headers: { depth, 'content-type': 'application/xml; charset=utf-8' } }),
    report: (body, app) =>
      client.request('REPORT', book, { body, headers: { depth: '1', 'content-type': 'application/xml; charset=utf-8' }, app }),
  };
  return client;
}

/** A minimal vCard 3.0 with a UID and a name. */
export const simpleCard = (uid: string, given: string, extra: string[] = []) =>
  ['BEGIN:VCARD', 'VERSION:3.0', `UID:${uid}`, `FN:${given} Test`, `N:Test;${given};;;`, ...extra, 'END:VCARD', ''].join('\r\n');
