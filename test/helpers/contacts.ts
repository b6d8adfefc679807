/** Shared by the contacts HTTP tests: a signed-in user and short calls to every contacts route. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { bearer, login, registerVerified } from './accounts.js';
import type { TestApp } from './app.js';
import { type FormPart, multipartBody } from './avatar-uploads.js';

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
  /** GET /api/contacts/trash. */
  trash(app?: FastifyInstance): Promise<LightMyRequestResponse>;
  /** POST /api/contacts/{id}/restore. */
  restore(id: string, app?: FastifyInstance): Promise<LightMyRequestResponse>;
  /** DELETE /api/contacts/trash/{id}: delete forever. */
  purge(id: string, app?: FastifyInstance): Promise<LightMyRequestResponse>;
  /** DELETE /api/contacts/trash. */
  emptyTrash(app?: FastifyInstance): Promise<LightMyRequestResponse>;
  /** PUT /api/contacts/{id}/photo with a multipart body of these parts (one `file` part, usually). */
  putPhoto(id: string, parts: FormPart[], app?: FastifyInstance): Promise<LightMyRequestResponse>;
  /** DELETE /api/contacts/{id}/photo. */
  deletePhoto(id: string, app?: FastifyInstance): Promise<LightMyRequestResponse>;
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
  emails: Array<{ value: string; label: string | null }>;
  phones: Array<{ value: string; label: string | null }>;
  addresses: AddressJson[];
  websites: Array<{ value: string; label: string | null }>;
  organization: string | null;
  jobTitle: string | null;
  photoUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AddressJson {
  label: string | null;
  street: string | null;
  locality: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}

/** A contact in the trash. */
export interface TrashedContactJson extends ContactJson {
  deletedAt: string;
  purgeAt: string;
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
    trash: (app = t.app) => app.inject({ method: 'GET', url: '/api/contacts/trash', headers }),
    restore: (id, app = t.app) => app.inject({ method: 'POST', url: `/api/contacts/${id}/restore`, headers }),
    purge: (id, app = t.app) => app.inject({ method: 'DELETE', url: `/api/contacts/trash/${id}`, headers }),
    emptyTrash: (app = t.app) => app.inject({ method: 'DELETE', url: '/api/contacts/trash', headers }),
    putPhoto(id, parts, app = t.app) {
      const form = multipartBody(parts);
      return app.inject({ method: 'PUT', url: `/api/contacts/${id}/photo`, headers: { ...form.headers, ...headers }, payload: form.payload });
    },
    deletePhoto: (id, app = t.app) => app.inject({ method: 'DELETE', url: `/api/contacts/${id}/photo`, headers }),
    async add(body) {
      const response = await client.create(body);
      if (response.statusCode !== 201) throw new Error(`create failed: ${response.statusCode} ${response.body}`);
      return response.json<ContactJson>();
    },
  };
  return client;
}
