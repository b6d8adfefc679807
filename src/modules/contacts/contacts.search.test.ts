import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { type ContactJson, type ContactsClient, type Query, signedInClient } from '../../../test/helpers/contacts.js';

let t: TestApp;
let me: ContactsClient;

// Created in this order, a second apart, so createdAt order is known.
const people = [
  { firstName: 'John', lastName: 'Smith', email: 'jsmith@example.com', phone: '+380501234567', birthday: '1980-03-05', notes: 'Plays chess on Tuesdays' },
  { firstName: 'José', lastName: 'Núñez', email: 'jose@correo.es', phone: '+34612345678', birthday: '--12-31', notes: 'Met at the Café Zürich' },
  { firstName: 'Zoë', lastName: "O'Brien", email: 'zoe@example.org', phone: '+442079460958', notes: 'Prefers Signal' },
  { firstName: 'Jon', lastName: 'Snow', email: 'lord@wall.example', birthday: '1990-01-20' },
  { firstName: 'ada', lastName: 'Lovelace', email: 'ada@analytical.example', birthday: '1815-12-10' },
  { firstName: 'Émile', lastName: 'Zola', phone: '+14155552671' },
  { firstName: 'Bob' },
];
const byFirst = new Map<string, ContactJson>();

beforeAll(async () => {
  t = await createTestApp();
  me = await signedInClient(t);
  for (const person of people) {
    const contact = await me.add(person);
    byFirst.set(contact.firstName, contact);
    t.clock.advance(1000);
  }
  // Someone else's John must never show up.
  const other = await signedInClient(t);
  await other.add({ firstName: 'John', lastName: 'Other' });
});
afterAll(() => t.close());

async function names(query: Query): Promise<string[]> {
  const response = await me.list({ limit: 100, ...query });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: ContactJson[] }>().items.map((c) => (c.lastName ? `${c.firstName} ${c.lastName}` : c.firstName));
}

describe('q: each field', () => {
  it('first name, last name, full name in either order', async () => {
    expect(await names({ q: 'john' })).toEqual(['John Smith', 'Jon Snow']);
    expect(await names({ q: 'smith' })).toEqual(['John Smith']);
    expect(await names({ q: 'John Smith' })).toEqual(['John Smith']);
    expect(await names({ q: 'Smith, John' })).toEqual(['John Smith']);
    expect(await names({ q: 'love' })).toEqual(['ada Lovelace']);
  });

  it('any part of the email', async () => {
    expect(await names({ q: 'correo' })).toEqual(['José Núñez']);
    expect(await names({ q: 'analytical.example' })).toEqual(['ada Lovelace']);
  });

  it('notes', async () => {
    expect(await names({ q: 'chess' })).toEqual(['John Smith']);
    expect(await names({ q: 'signal' })).toEqual(["Zoë O'Brien"]);
  });

  it('phone digits typed with any formatting', async () => {
    for (const q of ['050 123 45 67', '(050) 123-45-67', '+380501234567', '+38 050 123 4567', '0501234567', '501-23-45', '00380501234567']) {
      expect(await names({ q }), q).toEqual(['John Smith']);
    }
    expect(await names({ q: '(415) 555-2671' })).toEqual(['Émile Zola']);
    expect(await names({ q: '020 7946 0958' })).toEqual(["Zoë O'Brien"]);
    expect(await names({ q: '999 999' })).toEqual([]);
  });
});

describe('q: case, accents, typos, ranking', () => {
  it('ignores case and accents both ways', async () => {
    expect(await names({ q: 'jose nunez' })).toEqual(['José Núñez']);
    expect(await names({ q: 'JOSÉ' })).toEqual(['José Núñez']);
    expect(await names({ q: 'zoe' })).toEqual(["Zoë O'Brien"]);
    expect(await names({ q: 'EMILE' })).toEqual(['Émile Zola']);
    expect(await names({ q: 'cafe zurich' })).toEqual(['José Núñez']);
    expect(await names({ q: 'ADA' })).toEqual(['ada Lovelace']);
  });

  it('finds near misses: a letter swapped, missing or extra', async () => {
    expect(await names({ q: 'Jhon' })).toContain('John Smith');
    expect(await names({ q: 'Johnn' })).toContain('John Smith');
    expect(await names({ q: 'Smiht' })).toEqual(['John Smith']);
    expect(await names({ q: 'Lovelaec' })).toEqual(['ada Lovelace']);
    expect(await names({ q: 'xyzzy' })).toEqual([]);
  });

  it('ranks exact matches before near misses', async () => {
    // "Jon" is exact for Jon Snow and one letter short of John.
    expect(await names({ q: 'Jon' })).toEqual(['Jon Snow', 'John Smith']);
    expect(await names({ q: 'John' })).toEqual(['John Smith', 'Jon Snow']);
  });

  it('a query with nothing to search for filters nothing', async () => {
    expect(await names({ q: '' })).toHaveLength(people.length);
    expect(await names({ q: '  ,; ' })).toHaveLength(people.length);
  });
});

describe('field filters', () => {
  it('narrow by one field each, case- and accent-insensitively, phone by digits', async () => {
    expect(await names({ firstName: 'JO' })).toEqual(['John Smith', 'Jon Snow', 'José Núñez']);
    expect(await names({ lastName: 'nun' })).toEqual(['José Núñez']);
    expect(await names({ email: 'EXAMPLE.ORG' })).toEqual(["Zoë O'Brien"]);
    expect(await names({ phone: '(050) 123' })).toEqual(['John Smith']);
    expect(await names({ phone: '+34 612' })).toEqual(['José Núñez']);
    // No near misses in filters.
    expect(await names({ firstName: 'Jhon' })).toEqual([]);
  });

  it('combine with each other and with q by AND, and total counts the matches', async () => {
    expect(await names({ firstName: 'jo', lastName: 'smith' })).toEqual(['John Smith']);
    expect(await names({ firstName: 'jo', email: 'example' })).toEqual(['John Smith', 'Jon Snow']);
    expect(await names({ q: 'example', firstName: 'z' })).toEqual(["Zoë O'Brien"]);
    expect(await names({ q: 'chess', lastName: 'snow' })).toEqual([]);
    const response = await me.list({ firstName: 'jo', limit: 1 });
    expect(response.json()).toMatchObject({ total: 3, limit: 1, offset: 0 });
    expect(response.json().items).toHaveLength(1);
  });
});

describe('sort and paging', () => {
  it('defaults to first name, ignoring case and accents', async () => {
    expect(await names({})).toEqual(['ada Lovelace', 'Bob', 'Émile Zola', 'John Smith', 'Jon Snow', 'José Núñez', "Zoë O'Brien"]);
    expect(await names({ sort: '-firstName' })).toEqual(['Zoë O\'Brien', 'José Núñez', 'Jon Snow', 'John Smith', 'Émile Zola', 'Bob', 'ada Lovelace']);
  });

  it('by last name; contacts without one come last in both directions', async () => {
    expect(await names({ sort: 'lastName' })).toEqual(['ada Lovelace', 'José Núñez', "Zoë O'Brien", 'John Smith', 'Jon Snow', 'Émile Zola', 'Bob']);
    expect(await names({ sort: '-lastName' })).toEqual(['Émile Zola', 'Jon Snow', 'John Smith', "Zoë O'Brien", 'José Núñez', 'ada Lovelace', 'Bob']);
  });

  it('by creation time', async () => {
    const created = people.map((p) => (p.lastName ? `${p.firstName} ${p.lastName}` : p.firstName));
    expect(await names({ sort: 'createdAt' })).toEqual(created);
    expect(await names({ sort: '-createdAt' })).toEqual([...created].reverse());
  });

  it('by birthday in calendar order; contacts without one come last', async () => {
    const withBirthdays = ['Jon Snow', 'John Smith', 'ada Lovelace', 'José Núñez'];
    expect((await names({ sort: 'birthday' })).slice(0, 4)).toEqual(withBirthdays);
    expect((await names({ sort: '-birthday' })).slice(0, 4)).toEqual([...withBirthdays].reverse());
    expect((await names({ sort: '-birthday' })).slice(4).sort()).toEqual(['Bob', 'Zoë O\'Brien', 'Émile Zola'].sort());
  });

  it('an explicit sort overrides relevance for q', async () => {
    expect(await names({ q: 'Jon', sort: 'lastName' })).toEqual(['John Smith', 'Jon Snow']);
  });

  it('pages with limit and offset; total stays the number of matches', async () => {
    const all = await names({});
    const pages: string[] = [];
    for (let offset = 0; offset < all.length; offset += 3) {
      const response = await me.list({ limit: 3, offset });
      expect(response.json()).toMatchObject({ total: all.length, limit: 3, offset });
      pages.push(...response.json().items.map((c: ContactJson) => (c.lastName ? `${c.firstName} ${c.lastName}` : c.firstName)));
    }
    expect(pages).toEqual(all);
    const past = await me.list({ offset: 50 });
    expect(past.json()).toEqual({ items: [], total: all.length, limit: 20, offset: 50 });
  });

  it('returns full contacts in the list', async () => {
    const response = await me.list({ q: 'Zoë' });
    expect(response.json().items).toEqual([byFirst.get('Zoë')]);
  });
});
