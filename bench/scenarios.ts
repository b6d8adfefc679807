import type autocannon from 'autocannon';
import { rotate } from './lib.js';
import type { Fixtures, SeededUser } from './seed.js';

export interface ScenarioInput {
  /** Access token of a logged-in user. */
  token: (userId: string) => string;
  /** Logged-in users with 100 contacts each, for the reads. */
  readers: SeededUser[];
  /** Logged-in users below the limit, for create+delete. */
  writers: SeededUser[];
  /** Every seeded user, for the logins. */
  everyone: SeededUser[];
  fixtures: Fixtures;
  password: string;
}

export interface Scenario {
  name: string;
  requests: autocannon.Request[];
}

const CREATE_BODY = JSON.stringify({
  firstName: 'Bench',
  lastName: 'Writer',
  email: 'Bench.Writer@Example.com',
  phone: '+380 50 123 4567',
  birthday: '1990-05-17',
  notes: 'Created and deleted by npm run bench',
});

/** The Kith scenarios; every request rotates over many users (and their contacts). */
export function kithScenarios(input: ScenarioInput) {
  const { token, fixtures } = input;
  const nextReader = rotate(input.readers);
  const nextWriter = rotate(input.writers);
  const nextLogin = rotate(input.everyone);
  const nextContact = rotate(fixtures.contacts);

  const authedGet = (pick: () => { userId: string; path: string }): autocannon.Request => ({
    setupRequest: (request) => {
      const { userId, path } = pick();
      return { ...request, path, headers: { ...request.headers, authorization: `Bearer ${token(userId)}` } };
    },
  });
  const readerGet = (path: (userId: string) => string) =>
    authedGet(() => {
      const { id } = nextReader();
      return { userId: id, path: path(id) };
    });

  const me = [readerGet(() => '/api/users/me')];
  const login: autocannon.Request[] = [
    {
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({ ...request, body: JSON.stringify({ email: nextLogin().email, password: input.password }) }),
    },
  ];
  const createThenDelete: autocannon.Request[] = [
    {
      method: 'POST',
      path: '/api/contacts',
      body: CREATE_BODY,
      setupRequest: (request, context) => {
        context.token = token(nextWriter().id);
        return { ...request, headers: { 'content-type': 'application/json', authorization: `Bearer ${String(context.token)}` } };
      },
      onResponse: (status, body, context) => {
        if (status === 201) context.id = (JSON.parse(body) as { id: string }).id;
      },
    },
    {
      method: 'DELETE',
      // Nothing to delete when the create failed: back to the start of the pair.
      setupRequest: (request, context) =>
        typeof context.id === 'string'
          ? { ...request, path: `/api/contacts/${context.id}`, headers: { authorization: `Bearer ${String(context.token)}` } }
          : undefined,
    },
  ];

  const scenarios: Scenario[] = [
    { name: 'GET /api/users/me', requests: me },
    { name: 'GET /api/contacts (list)', requests: [readerGet(() => '/api/contacts')] },
    {
      name: 'GET /api/contacts?q=<typo> (search)',
      requests: [readerGet((id) => `/api/contacts?q=${encodeURIComponent(fixtures.typos.get(id) ?? 'Jhon')}`)],
    },
    {
      name: 'GET /api/contacts/:id',
      requests: [
        authedGet(() => {
          const [userId, id] = nextContact();
          return { userId, path: `/api/contacts/${id}` };
        }),
      ],
    },
    { name: 'GET /api/contacts/birthdays?days=30', requests: [readerGet(() => '/api/contacts/birthdays?days=30')] },
    { name: 'POST + DELETE /api/contacts (writers)', requests: createThenDelete },
    { name: 'POST /api/auth/login', requests: login },
  ];
  return { scenarios, me, login };
}

/** The baseline's get-by-id, over the same contacts in the same order. */
export function baselineRequests(fixtures: Fixtures): autocannon.Request[] {
  const nextContact = rotate(fixtures.contacts);
  return [
    {
      setupRequest: (request) => {
        const [owner, id] = nextContact();
        return { ...request, path: `/contacts/${id}`, headers: { ...request.headers, 'x-owner-id': owner } };
      },
    },
  ];
}

/** The bare login: the same body Kith's login gets, to a server that only checks the password. */
export function bareLoginRequests(password: string): autocannon.Request[] {
  return [
    {
      method: 'POST',
      path: '/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'anyone@example.com', password }),
    },
  ];
}
