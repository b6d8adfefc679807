import type { Fixtures, SeededUser } from './seed.js';
import type { WrkRequest, WrkScript } from './wrk.js';

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
  script: WrkScript;
  /** The goal as a share of the bare baseline's req/s measured around it, if it has one. */
  goal?: number;
}

/** The body of every contact the writers create; the notes end with the writer's number. */
const createBody = (writer: number) =>
  JSON.stringify({
    firstName: 'Bench',
    lastName: 'Writer',
    email: 'Bench.Writer@Example.com',
    phone: '+380 50 123 4567',
    birthday: '1990-05-17',
    notes: `Created and deleted by npm run bench, writer ${writer}`,
  });

/** The Kith scenarios; each cycles over many users (and their contacts). */
export function kithScenarios(input: ScenarioInput) {
  const { token, fixtures } = input;
  const bearer = (userId: string) => ({ authorization: `Bearer ${token(userId)}` });
  const readerGets = (path: (userId: string) => string): WrkRequest[] =>
    input.readers.map(({ id }) => ({ method: 'GET', path: path(id), headers: bearer(id) }));

  const me: WrkScript = { requests: readerGets(() => '/api/users/me') };
  const login: WrkScript = {
    requests: input.everyone.map(({ email }) => ({
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: input.password }),
    })),
  };
  // Lua counts from 1: writer n deletes with deleteHeaders[n].
  const createThenDelete: WrkScript = {
    requests: input.writers.map(({ id }, i) => ({
      method: 'POST',
      path: '/api/contacts',
      headers: { 'content-type': 'application/json', ...bearer(id) },
      body: createBody(i + 1),
    })),
    createThenDelete: { deleteHeaders: input.writers.map(({ id }) => bearer(id)) },
  };

  const scenarios: Scenario[] = [
    { name: 'GET /api/contacts/:id', goal: 0.8, script: { requests: fixtures.contacts.map(([userId, id]) => ({ method: 'GET', path: `/api/contacts/${id}`, headers: bearer(userId) })) } },
    { name: 'GET /api/users/me', goal: 0.8, script: me },
    { name: 'GET /api/contacts (list)', goal: 0.6, script: { requests: readerGets(() => '/api/contacts') } },
    {
      name: 'GET /api/contacts?q=<typo> (search)',
      goal: 0.6,
      script: { requests: readerGets((id) => `/api/contacts?q=${encodeURIComponent(fixtures.typos.get(id) ?? 'Jhon')}`) },
    },
    { name: 'GET /api/contacts/birthdays?days=30', goal: 0.6, script: { requests: readerGets(() => '/api/contacts/birthdays?days=30') } },
    { name: 'POST + DELETE /api/contacts (writers)', script: createThenDelete },
    { name: 'POST /api/auth/login', script: login },
  ];
  return { scenarios, me, login };
}

/** The baseline's get-by-id, over the same contacts in the same order. */
export function baselineScript(fixtures: Fixtures): WrkScript {
  return { requests: fixtures.contacts.map(([owner, id]) => ({ method: 'GET', path: `/contacts/${id}`, headers: { 'x-owner-id': owner } })) };
}

/** The bare login: the same body Kith's login gets, to a server that only checks the password. */
export function bareLoginScript(password: string): WrkScript {
  return {
    requests: [
      {
        method: 'POST',
        path: '/login',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'anyone@example.com', password }),
      },
    ],
  };
}
