/** Shared by the contacts HTTP tests: a signed-in user and short calls to every contacts route. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { bearer, login, registerVerified } from './accounts.js';
import type { TestApp } from './app.js';

export type Query = Record<string, string | number | undefined>;

export interface ContactsClient {
  readonly userId: string;
  readonly token: string;
  create(body: unknown, app?: FastifyInstance): Promise<LightMyRequestResponse>;
  get(id: string): Promise<LightMyRequestResponse>;
  patch(id: string, body: unknown): Promise<LightMyRequestResponse>;
  remove(id: string, app?: FastifyInstance): Promise<LightMyRequestResponse>;
  list(query?: Query): Promise<LightMyRequestResponse>;
  birthdays(query?: Query): Promise<LightMyRequestResponse>;
  patchMe(body: unknown): Promise<LightMyRequestResponse>;
  /** Creates a contact, expecting 201, and returns it. */
  add(body: Record<string, unknown>): Promise<ContactJson>;
}

export interface ContactJson {
  id: string;
  firstName: string;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  birthday: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

const asQuery = (query: Query = {}) =>
  Object.fromEntries(Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));

/** Registers and signs in a new user on `t`; calls go to `t.app` unless another instance is named. */
export async function signedInClient(t: TestApp): Promise<ContactsClient> {
  const account = await registerVerified(t.app, t.smtp);
  const { accessToken } = await login(t.app, account.email, account.password);
  const headers = bearer(accessToken);
  const json = (body: unknown) => ({ headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

  const client: ContactsClient = {
    userId: account.id,
    token: accessToken,
    create: (body, app = t.app) => app.inject({ method: 'POST', url: '/api/contacts', ...json(body) }),
    get: (id) => t.app.inject({ method: 'GET', url: `/api/contacts/${id}`, headers }),
    patch: (id, body) => t.app.inject({ method: 'PATCH', url: `/api/contacts/${id}`, ...json(body) }),
    remove: (id, app = t.app) => app.inject({ method: 'DELETE', url: `/api/contacts/${id}`, headers }),
    list: (query) => t.app.inject({ method: 'GET', url: '/api/contacts', headers, query: asQuery(query) }),
    birthdays: (query) => t.app.inject({ method: 'GET', url: '/api/contacts/birthdays', headers, query: asQuery(query) }),
    patchMe: (body) => t.app.inject({ method: 'PATCH', url: '/api/users/me', ...json(body) }),
    async add(body) {
      const response = await client.create(body);
      if (response.statusCode !== 201) throw new Error(`create failed: ${response.statusCode} ${response.body}`);
      return response.json<ContactJson>();
    },
  };
  return client;
}
