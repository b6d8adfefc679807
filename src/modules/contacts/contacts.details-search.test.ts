import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { type ContactJson, type ContactsClient, type Query, signedInClient } from '../../../test/helpers/contacts.js';

// Search over the richer fields: `q` and the `email` / `phone` filters look at every entry of
// `emails` and `phones`; `q` also at organization, job title and the addresses' locality and country.
let t: TestApp;
let me: ContactsClient;
let helga: ContactJson;
let otto: ContactJson;
beforeAll(async () => {
  t = await createTestApp();
  me = await signedInClient(t);
  helga = await me.add({
    firstName: 'Helga',
    emails: [{ value: 'helga@first.example' }, { value: 'h.second@other.example', label: 'work' }],
    phones: [{ value: '+1 415 555 0101' }, { value: '+380 50 123 45 67', label: 'mobile' }],
    organization: 'Zeppelin Werke',
    jobTitle: 'Navigator',
    addresses: [
      { street: 'Seestraße 1', locality: 'Friedrichshafen', country: 'Germany' },
      { locality: 'Lviv', country: 'Ukraine' },
    ],
  });
  otto = await me.add({
    firstName: 'Otto',
    emails: [{ value: 'otto@first.example' }],
    phones: [{ value: '+44 20 7946 0958' }],
    organization: 'Café Müller',
    jobTitle: 'Barista',
    addresses: [{ locality: 'Zürich', country: 'Switzerland' }],
  });
});
afterAll(() => t.close());

async function found(query: Query): Promise<string[]> {
  const response = await me.list(query);
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json<{ items: ContactJson[]; total: number }>();
  expect(body.total).toBe(body.items.length);
  return body.items.map((c) => c.firstName);
}

describe('q', () => {
  it.each([
    ['the second email', 'h.second@other.example'],
    ['part of the second email', 'other.example'],
    ['the second phone, as typed nationally', '050 123 45 67'],
    ['the second phone, in E.164', '+380501234567'],
    ['digits of the second phone', '501234'],
    ['the organization', 'zeppelin'],
    ['the job title', 'NAVIGATOR'],
    ["the first address's locality", 'friedrichshafen'],
    ["the second address's locality", 'Lviv'],
    ["the second address's country", 'ukraine'],
    ["the first address's country", 'Germany'],
  ])('finds a contact by %s', async (_what, q) => {
    expect(await found({ q })).toEqual(['Helga']);
  });

  it('ignores accents in organization and locality', async () => {
    expect(await found({ q: 'cafe muller' })).toEqual(['Otto']);
    expect(await found({ q: 'zurich' })).toEqual(['Otto']);
  });

  it('needs every word to match, across fields', async () => {
    expect(await found({ q: 'navigator lviv' })).toEqual(['Helga']);
    expect(await found({ q: 'navigator zurich' })).toEqual([]);
  });

  it('finds both by what they share', async () => {
    expect(await found({ q: 'first.example' })).toEqual(['Helga', 'Otto']);
  });
});

describe('the email and phone filters', () => {
  it('match any entry of emails', async () => {
    expect(await found({ email: 'other.example' })).toEqual(['Helga']);
    expect(await found({ email: 'H.SECOND' })).toEqual(['Helga']);
    expect(await found({ email: 'helga@first' })).toEqual(['Helga']);
    expect(await found({ email: 'first.example' })).toEqual(['Helga', 'Otto']);
    expect(await found({ email: 'nobody.example' })).toEqual([]);
  });

  it('match any entry of phones, by digits', async () => {
    expect(await found({ phone: '380 50 123' })).toEqual(['Helga']);
    expect(await found({ phone: '(050) 123-45-67' })).toEqual(['Helga']);
    expect(await found({ phone: '4155550101' })).toEqual(['Helga']);
    expect(await found({ phone: '7946' })).toEqual(['Otto']);
    expect(await found({ phone: '999999' })).toEqual([]);
  });

  it('combine with each other and with q by AND', async () => {
    expect(await found({ email: 'first.example', phone: '380501' })).toEqual(['Helga']);
    expect(await found({ q: 'barista', email: 'first.example' })).toEqual(['Otto']);
    expect(await found({ q: 'barista', phone: '380501' })).toEqual([]);
  });
});

describe('after an edit', () => {
  it('searches the new entries, and no longer the replaced ones', async () => {
    const patched = await me.patch(helga.id, {
      emails: [{ value: 'helga@new.example' }],
      phones: [{ value: '+1 415 555 0101' }, { value: '+49 30 901820', label: 'office' }],
      organization: 'Luftschiffbau',
      addresses: [{ locality: 'Berlin', country: 'Germany' }],
    });
    expect(patched.statusCode, patched.body).toBe(200);
    for (const gone of [{ q: 'other.example' }, { email: 'h.second' }, { phone: '380501234567' }, { q: 'zeppelin' }, { q: 'lviv' }]) {
      expect(await found(gone), JSON.stringify(gone)).toEqual([]);
    }
    expect(await found({ q: 'luftschiffbau' })).toEqual(['Helga']);
    expect(await found({ q: 'berlin' })).toEqual(['Helga']);
    expect(await found({ phone: '3090182' })).toEqual(['Helga']);
    expect(await found({ email: 'new.example' })).toEqual(['Helga']);
    expect((await me.get(otto.id)).statusCode).toBe(200);
  });
});
