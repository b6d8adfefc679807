import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { type ContactJson, type ContactsClient, signedInClient } from '../../../test/helpers/contacts.js';

let t: TestApp;
let me: ContactsClient;
beforeAll(async () => {
  t = await createTestApp();
  me = await signedInClient(t);
});
afterAll(() => t.close());

const ada = {
  firstName: '  Ada ',
  lastName: 'Lovelace',
  email: ' Ada@Example.COM ',
  phone: '+44 (0)20 7946 0958',
  birthday: '1815-12-10',
  notes: 'Met at the Analytical Society',
};

describe('create, read, update, delete', () => {
  let created: ContactJson;

  it('creates a contact: 201, Location, normalised fields, timestamps', async () => {
    const response = await me.create(ada);
    expect(response.statusCode, response.body).toBe(201);
    created = response.json();
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      phone: '+442079460958',
      birthday: '1815-12-10',
      notes: 'Met at the Analytical Society',
      // The one email and phone are the first (and only) entries of their lists.
      emails: [{ value: 'ada@example.com', label: null }],
      phones: [{ value: '+442079460958', label: null }],
      addresses: [],
      websites: [],
      organization: null,
      jobTitle: null,
      photoUrl: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(response.headers.location).toBe(`/api/contacts/${created.id}`);
    expect(Object.keys(created)).not.toContain('userId');
  });

  it('reads it back by id and in the list', async () => {
    const response = await me.get(created.id);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(created);
    const list = await me.list();
    expect(list.json()).toEqual({ items: [created], total: 1, limit: 20, offset: 0 });
    // A UUID names the same contact in either case, as it does for PATCH and DELETE in the database.
    expect((await me.get(created.id.toUpperCase())).json()).toEqual(created);
  });

  it('creates with only a first name; the rest is null', async () => {
    const contact = await me.add({ firstName: 'Solo' });
    expect(contact).toMatchObject({ lastName: null, email: null, phone: null, birthday: null, notes: null });
    expect((await me.remove(contact.id)).statusCode).toBe(204);
  });

  it('patches only the fields sent and moves updatedAt', async () => {
    t.clock.advance(1000);
    const response = await me.patch(created.id, { notes: 'Wrote the first program', birthday: '--12-10' });
    expect(response.statusCode, response.body).toBe(200);
    const patched = response.json<ContactJson>();
    expect(patched).toEqual({ ...created, notes: 'Wrote the first program', birthday: '--12-10', updatedAt: expect.any(String) });
    expect(Date.parse(patched.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
    expect((await me.get(created.id)).json()).toEqual(patched);
    created = patched;
  });

  it('clears optional fields with null (and with blank strings)', async () => {
    const response = await me.patch(created.id, { lastName: null, email: null, phone: null, birthday: null, notes: '  ' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ firstName: 'Ada', lastName: null, email: null, phone: null, birthday: null, notes: null });
    const restored = await me.patch(created.id, { lastName: 'Lovelace', phone: '+442079460958', birthday: '1815-12-10' });
    expect(restored.json()).toMatchObject({ lastName: 'Lovelace', phone: '+442079460958', birthday: '1815-12-10' });
  });

  it('an empty patch changes nothing', async () => {
    const before = (await me.get(created.id)).json<ContactJson>();
    const response = await me.patch(created.id, {});
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(before);
  });

  it('deletes: 204, then 404 for every route', async () => {
    expect((await me.remove(created.id)).statusCode).toBe(204);
    for (const response of [await me.get(created.id), await me.patch(created.id, { notes: 'x' }), await me.remove(created.id)]) {
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    }
    expect((await me.list()).json()).toMatchObject({ items: [], total: 0 });
  });
});

describe('validation', () => {
  const huge = 'x'.repeat(100_000);
  const invalidCreates: Array<[string, unknown]> = [
    ['firstName missing', { lastName: 'X' }],
    ['firstName empty', { firstName: '' }],
    ['firstName blank', { firstName: '   ' }],
    ['firstName null', { firstName: null }],
    ['firstName too long', { firstName: 'x'.repeat(101) }],
    ['firstName huge', { firstName: huge }],
    ['firstName a number', { firstName: 42 }],
    ['lastName too long', { firstName: 'A', lastName: 'x'.repeat(101) }],
    ['lastName an object', { firstName: 'A', lastName: { a: 1 } }],
    ['email invalid', { firstName: 'A', email: 'not-an-email' }],
    ['email too long', { firstName: 'A', email: `${'x'.repeat(250)}@example.com` }],
    ['email an array', { firstName: 'A', email: ['a@example.com'] }],
    ['phone letters', { firstName: 'A', phone: '1-800-FLOWERS' }],
    ['phone too short', { firstName: 'A', phone: '+1 415 555' }],
    ['phone huge', { firstName: 'A', phone: huge }],
    ['phone a number', { firstName: 'A', phone: 380501234567 }],
    ['birthday impossible', { firstName: 'A', birthday: '2023-02-29' }],
    ['birthday other format', { firstName: 'A', birthday: '10/12/1815' }],
    ['birthday with time', { firstName: 'A', birthday: '1815-12-10T00:00:00Z' }],
    ['birthday in the future', { firstName: 'A', birthday: '2999-01-01' }],
    ['birthday a number', { firstName: 'A', birthday: 18151210 }],
    ['notes too long', { firstName: 'A', notes: 'x'.repeat(2001) }],
    ['notes a boolean', { firstName: 'A', notes: true }],
    ['unknown field', { firstName: 'A', nickname: 'Al' }],
    ['mass assignment: id', { firstName: 'A', id: '00000000-0000-4000-8000-000000000000' }],
    ['mass assignment: userId', { firstName: 'A', userId: '00000000-0000-4000-8000-000000000000' }],
    ['mass assignment: createdAt', { firstName: 'A', createdAt: '2000-01-01T00:00:00.000Z' }],
    ['mass assignment: updatedAt', { firstName: 'A', updatedAt: '2000-01-01T00:00:00.000Z' }],
    ['mass assignment: phoneInput', { firstName: 'A', phoneInput: 'x' }],
    ['an array', [{ firstName: 'A' }]],
    ['a string', 'Ada'],
    ['null', null],
  ];

  it.each(invalidCreates)('POST rejects %s with 400 and stores nothing', async (_name, body) => {
    const response = await me.create(body);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(problem.errors.length).toBeGreaterThan(0);
    expect((await me.list()).json().total).toBe(0);
  });

  it('names each failing field in errors[]', async () => {
    const response = await me.create({ firstName: '', email: 'nope', notes: 'x'.repeat(2001) });
    const paths = response.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['firstName', 'email', 'notes']));
    const server = await me.create({ firstName: 'A', phone: 'garbage', birthday: '2999-01-01' });
    expect(server.json().errors).toEqual([
      { path: 'phone', message: expect.any(String) },
      { path: 'birthday', message: "A birthday can't be in the future" },
    ]);
  });

  it('PATCH rejects bad values, unknown fields, a null first name, and changes nothing', async () => {
    const contact = await me.add({ firstName: 'Keep', email: 'keep@example.com' });
    const bodies: unknown[] = [
      { firstName: null },
      { firstName: '' },
      { email: 'nope' },
      { phone: 'abc' },
      { birthday: '2999-12-31' },
      { birthday: '1990-13-01' },
      { notes: 'x'.repeat(2001) },
      { id: '00000000-0000-4000-8000-000000000000' },
      { userId: me.userId },
      { createdAt: '2000-01-01T00:00:00.000Z' },
      { lastName: 7 },
      [],
      'text',
    ];
    for (const body of bodies) {
      const response = await me.patch(contact.id, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
    }
    expect((await me.get(contact.id)).json()).toEqual(contact);
    await me.remove(contact.id);
  });

  it('answers invalid JSON, other content types and huge bodies with 4xx problems', async () => {
    const headers = { authorization: `Bearer ${me.token}` };
    const badJson = await t.app.inject({
      method: 'POST',
      url: '/api/contacts',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '{"firstName": "A",',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().code).toBe('BAD_REQUEST');
    const xml = await t.app.inject({ method: 'POST', url: '/api/contacts', headers: { ...headers, 'content-type': 'application/xml' }, payload: '<contact/>' });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    // Fastify reads text/plain as a string, which is not a contact.
    const text = await t.app.inject({ method: 'POST', url: '/api/contacts', headers: { ...headers, 'content-type': 'text/plain' }, payload: 'Ada' });
    expect(text.statusCode).toBe(400);
    const huge = await me.create({ firstName: 'A', notes: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.statusCode).toBe(413);
    expect((await me.list()).json().total).toBe(0);
  });

  it('rejects bad list and birthday queries with 400', async () => {
    for (const query of [{ limit: 0 }, { limit: 101 }, { limit: 'ten' }, { limit: 2.5 }, { offset: -1 }, { sort: 'email' }, { sort: '--firstName' }, { sort: 'firstname' }, { q: 'x'.repeat(201) }]) {
      const response = await me.list(query);
      expect(response.statusCode, JSON.stringify(query)).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
    }
    for (const query of [{ days: -1 }, { days: 367 }, { days: 'week' }, { from: '2026-02-30' }, { from: '26-01-01' }, { from: 'today' }]) {
      const response = await me.birthdays(query);
      expect(response.statusCode, JSON.stringify(query)).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
    }
  });

  it('needs a bearer token on every route', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const [method, url] of [['GET', '/api/contacts'], ['POST', '/api/contacts'], ['GET', '/api/contacts/birthdays'], ['GET', `/api/contacts/${id}`], ['PATCH', `/api/contacts/${id}`], ['DELETE', `/api/contacts/${id}`]] as const) {
      const response = await t.app.inject({ method, url, ...(method === 'POST' || method === 'PATCH' ? { payload: { firstName: 'A' } } : {}) });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      expect(response.json().code).toBe('UNAUTHORIZED');
    }
  });

  it('treats a malformed id as unknown: 404 NOT_FOUND on every id route', async () => {
    for (const id of ['nope', '123', '00000000-0000-4000-8000-00000000000g', '{00000000-0000-4000-8000-000000000000}', "1' or '1'='1", 'x'.repeat(100), '%00']) {
      for (const response of [await me.get(id), await me.patch(id, { notes: 'x' }), await me.remove(id)]) {
        expect(response.statusCode, id).toBe(404);
        expect(response.json().code).toBe('NOT_FOUND');
      }
    }
    // Longer than Fastify's default limit for a path parameter (100), raised in buildApp.
    const long = await me.get('x'.repeat(500));
    expect(long.statusCode).toBe(404);
    expect(long.json().code).toBe('NOT_FOUND');
  });
});

describe('phone numbers and the user region', () => {
  it('asks for a country code when no region is set, mentioning the profile region', async () => {
    const response = await me.create({ firstName: 'Taras', phone: '050 123 45 67' });
    expect(response.statusCode).toBe(400);
    const problem = response.json();
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ path: 'phone', message: expect.stringMatching(/country code.*region/i) }]);
    // International numbers need no region.
    const international = await me.add({ firstName: 'Taras', phone: '+380 (50) 123-45-67' });
    expect(international.phone).toBe('+380501234567');
    await me.remove(international.id);
  });

  it('reads a national number in the region set in the profile, also on PATCH', async () => {
    expect((await me.patchMe({ region: 'UA' })).statusCode).toBe(200);
    const contact = await me.add({ firstName: 'Taras', phone: '(050) 123-45-67' });
    expect(contact.phone).toBe('+380501234567');
    const patched = await me.patch(contact.id, { phone: '067 765 43 21' });
    expect(patched.json().phone).toBe('+380677654321');
    // Still an error when the number doesn't exist in that region.
    const wrong = await me.patch(contact.id, { phone: '050 123' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors).toEqual([{ path: 'phone', message: 'This is not a valid phone number' }]);
    expect((await me.patchMe({ region: null })).statusCode).toBe(200);
    const again = await me.patch(contact.id, { phone: '050 123 45 67' });
    expect(again.statusCode).toBe(400);
    expect((await me.get(contact.id)).json().phone).toBe('+380677654321');
    await me.remove(contact.id);
  });
});

describe('OpenAPI', () => {
  it('documents every contacts route under the Contacts tag, with bearer security and problems', async () => {
    const doc = (await t.app.inject('/openapi.json')).json();
    expect(doc.tags).toContainEqual(expect.objectContaining({ name: 'Contacts' }));
    const routes = [
      ['/api/contacts', 'get', ['200', '400', '401']],
      ['/api/contacts', 'post', ['201', '400', '401', '409']],
      ['/api/contacts/birthdays', 'get', ['200', '400', '401']],
      ['/api/contacts/{id}', 'get', ['200', '401', '404']],
      ['/api/contacts/{id}', 'patch', ['200', '400', '401', '404']],
      ['/api/contacts/{id}', 'delete', ['204', '401', '404']],
    ] as const;
    for (const [path, method, statuses] of routes) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation.tags).toEqual(['Contacts']);
      expect(operation.security).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(operation.responses).sort()).toEqual([...statuses].sort());
    }
    expect(Object.keys(doc.components.schemas.Contact.properties).sort()).toEqual(
      [
        'addresses',
        'birthday',
        'createdAt',
        'email',
        'emails',
        'firstName',
        'id',
        'jobTitle',
        'lastName',
        'notes',
        'organization',
        'phone',
        'phones',
        'photoUrl',
        'updatedAt',
        'websites',
      ],
    );
    const body = doc.paths['/api/contacts'].post.requestBody;
    expect(body.content['application/json'].schema).toMatchObject({ additionalProperties: false, required: ['firstName'] });
  });
});
