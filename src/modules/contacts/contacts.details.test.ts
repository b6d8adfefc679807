import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { type ContactJson, type ContactsClient, signedInClient } from '../../../test/helpers/contacts.js';

// The richer contact of the contract: several emails, phones, addresses and websites, an
// organization and a job title, and `email` / `phone` as the first entries of their lists.
let t: TestApp;
let me: ContactsClient;
beforeAll(async () => {
  t = await createTestApp();
  me = await signedInClient(t);
});
afterAll(() => t.close());

const noAddress = { label: null, street: null, locality: null, region: null, postalCode: null, country: null };

/** The problem of a 400 VALIDATION_FAILED, and the paths it names. */
function expectValidationFailed(response: LightMyRequestResponse): string[] {
  expect(response.statusCode, response.body).toBe(400);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json<{ status: number; code: string; errors: Array<{ path: string; message: string }> }>();
  expect(problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  return problem.errors.map((e) => e.path);
}

const emailsOf = (n: number) => Array.from({ length: n }, (_, i) => ({ value: `person${i}@example.com` }));
const phonesOf = (n: number) => Array.from({ length: n }, (_, i) => ({ value: `+1 415 555 ${String(2600 + i)}` }));
const addressesOf = (n: number) => Array.from({ length: n }, (_, i) => ({ locality: `Town ${i}` }));
const websitesOf = (n: number) => Array.from({ length: n }, (_, i) => ({ value: `https://site${i}.example.com` }));

describe('create and read back every new field', () => {
  it('stores emails lower-cased, phones in E.164, addresses, websites, organization and job title', async () => {
    const response = await me.create({
      firstName: 'Grace',
      lastName: 'Hopper',
      emails: [
        { value: ' Grace@Navy.MIL ', label: 'work' },
        { value: 'grace@home.example', label: 'home' },
      ],
      phones: [
        { value: '+1 (415) 555-2671', label: 'mobile' },
        { value: '+44 20 7946 0958' },
      ],
      addresses: [
        { label: 'work', street: '1 Navy Yard', locality: 'Arlington', region: 'VA', postalCode: '22202', country: 'USA' },
        { locality: 'New York' },
      ],
      websites: [{ value: 'https://grace.example.com', label: 'blog' }, { value: 'http://old.example.org/~grace' }],
      organization: '  US Navy ',
      jobTitle: 'Rear Admiral',
    });
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json<ContactJson>();
    const expected = {
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@navy.mil',
      phone: '+14155552671',
      emails: [
        { value: 'grace@navy.mil', label: 'work' },
        { value: 'grace@home.example', label: 'home' },
      ],
      phones: [
        { value: '+14155552671', label: 'mobile' },
        { value: '+442079460958', label: null },
      ],
      addresses: [
        { label: 'work', street: '1 Navy Yard', locality: 'Arlington', region: 'VA', postalCode: '22202', country: 'USA' },
        { ...noAddress, locality: 'New York' },
      ],
      websites: [
        { value: 'https://grace.example.com', label: 'blog' },
        { value: 'http://old.example.org/~grace', label: null },
      ],
      organization: 'US Navy',
      jobTitle: 'Rear Admiral',
      photoUrl: null,
    };
    expect(created).toMatchObject(expected);
    const read = await me.get(created.id);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(created);
    const listed = (await me.list({ q: 'Grace' })).json<{ items: ContactJson[] }>().items;
    expect(listed).toEqual([created]);
    await me.remove(created.id);
  });

  it('gives a contact without the new fields empty lists and nulls', async () => {
    const contact = await me.add({ firstName: 'Plain' });
    expect((await me.get(contact.id)).json()).toMatchObject({
      email: null,
      phone: null,
      emails: [],
      phones: [],
      addresses: [],
      websites: [],
      organization: null,
      jobTitle: null,
      photoUrl: null,
    });
    await me.remove(contact.id);
  });

  it('takes the single email and phone as the one entry of the lists', async () => {
    const contact = await me.add({ firstName: 'Single', email: 'One@Example.com', phone: '+14155552671' });
    expect(contact).toMatchObject({
      email: 'one@example.com',
      emails: [{ value: 'one@example.com', label: null }],
      phone: '+14155552671',
      phones: [{ value: '+14155552671', label: null }],
    });
    await me.remove(contact.id);
  });
});

describe('PATCH of the new fields', () => {
  let contact: ContactJson;
  beforeAll(async () => {
    contact = await me.add({
      firstName: 'Patchy',
      emails: [{ value: 'a@example.com', label: 'work' }, { value: 'b@example.com' }],
      phones: [{ value: '+14155552671' }, { value: '+14155552672', label: 'home' }],
      addresses: [{ locality: 'Kyiv', country: 'Ukraine' }],
      websites: [{ value: 'https://a.example.com' }],
      organization: 'Org',
      jobTitle: 'Job',
    });
  });

  it('replaces a whole list and leaves the other fields alone', async () => {
    const response = await me.patch(contact.id, { emails: [{ value: 'C@Example.com', label: 'other' }] });
    expect(response.statusCode, response.body).toBe(200);
    const patched = response.json<ContactJson>();
    expect(patched).toEqual({
      ...contact,
      email: 'c@example.com',
      emails: [{ value: 'c@example.com', label: 'other' }],
      updatedAt: expect.any(String),
    });
    expect((await me.get(contact.id)).json()).toEqual(patched);

    const more = await me.patch(contact.id, {
      addresses: [{ label: 'home', street: 'Main St 1' }, { postalCode: '01001' }],
      websites: [{ value: 'http://b.example.com', label: 'shop' }],
      phones: [{ value: '+442079460958', label: 'work' }],
    });
    expect(more.statusCode, more.body).toBe(200);
    expect(more.json()).toMatchObject({
      emails: [{ value: 'c@example.com', label: 'other' }],
      phone: '+442079460958',
      phones: [{ value: '+442079460958', label: 'work' }],
      addresses: [
        { ...noAddress, label: 'home', street: 'Main St 1' },
        { ...noAddress, postalCode: '01001' },
      ],
      websites: [{ value: 'http://b.example.com', label: 'shop' }],
      organization: 'Org',
      jobTitle: 'Job',
    });
  });

  it('clears lists with null and with [], and organization and job title with null and blank', async () => {
    const response = await me.patch(contact.id, { emails: null, phones: [], addresses: null, websites: [], organization: null, jobTitle: '   ' });
    expect(response.statusCode, response.body).toBe(200);
    const cleared = { email: null, phone: null, emails: [], phones: [], addresses: [], websites: [], organization: null, jobTitle: null };
    expect(response.json()).toMatchObject(cleared);
    expect((await me.get(contact.id)).json()).toMatchObject(cleared);

    await me.patch(contact.id, { emails: [{ value: 'x@example.com' }], addresses: [{ country: 'Peru' }], websites: [{ value: 'https://x.example' }] });
    const again = await me.patch(contact.id, { emails: [], addresses: [], websites: null });
    expect(again.json()).toMatchObject({ email: null, emails: [], addresses: [], websites: [] });
  });

  it('clears a label with null', async () => {
    await me.patch(contact.id, { phones: [{ value: '+14155552671', label: 'mobile' }] });
    const response = await me.patch(contact.id, { phones: [{ value: '+14155552671', label: null }] });
    expect(response.json().phones).toEqual([{ value: '+14155552671', label: null }]);
  });
});

describe('limits and bad entries: 400 VALIDATION_FAILED naming the path', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['11 emails', { emails: emailsOf(11) }, 'emails'],
    ['11 phones', { phones: phonesOf(11) }, 'phones'],
    ['6 addresses', { addresses: addressesOf(6) }, 'addresses'],
    ['6 websites', { websites: websitesOf(6) }, 'websites'],
    ['an email label of 51 characters', { emails: [{ value: 'a@example.com' }, { value: 'b@example.com', label: 'x'.repeat(51) }] }, 'emails.1.label'],
    ['a phone label of 51 characters', { phones: [{ value: '+14155552671', label: 'x'.repeat(51) }] }, 'phones.0.label'],
    ['an address label of 51 characters', { addresses: [{ locality: 'Rome', label: 'x'.repeat(51) }] }, 'addresses.0.label'],
    ['a website label of 51 characters', { websites: [{ value: 'https://a.example', label: 'x'.repeat(51) }] }, 'websites.0.label'],
    ['an organization of 201 characters', { organization: 'x'.repeat(201) }, 'organization'],
    ['a job title of 201 characters', { jobTitle: 'x'.repeat(201) }, 'jobTitle'],
    ['a bad second email', { emails: [{ value: 'ok@example.com' }, { value: 'not-an-email' }] }, 'emails.1.value'],
    ['a bad fourth phone', { phones: [...phonesOf(3), { value: 'call me maybe' }] }, 'phones.3.value'],
    ['an ftp website', { websites: [{ value: 'ftp://files.example.com' }] }, 'websites.0.value'],
    ['a javascript: website', { websites: [{ value: 'javascript:alert(1)' }] }, 'websites.0.value'],
    ['a website without a scheme', { websites: [{ value: 'https://ok.example' }, { value: 'www.example.com' }] }, 'websites.1.value'],
    ['an email entry without a value', { emails: [{ label: 'work' }] }, 'emails.0.value'],
    ['an unknown field in an email entry', { emails: [{ value: 'a@example.com', primary: true }] }, 'emails.0'],
    ['an unknown field in a phone entry', { phones: [{ value: '+14155552671', type: 'cell' }] }, 'phones.0'],
    ['an unknown field in an address', { addresses: [{ locality: 'Rome', city: 'Rome' }] }, 'addresses.0'],
    ['an unknown field in a website entry', { websites: [{ value: 'https://a.example', url: 'https://b.example' }] }, 'websites.0'],
    ['an address with only a label', { addresses: [{ label: 'home' }] }, 'addresses.0'],
    ['emails as a string', { emails: 'a@example.com' }, 'emails'],
  ];

  it.each(cases)('POST refuses %s', async (_name, fields, path) => {
    const before = (await me.list({ limit: 100 })).json().total;
    const paths = expectValidationFailed(await me.create({ firstName: 'Limit', ...fields }));
    expect(paths).toContain(path);
    expect((await me.list({ limit: 100 })).json().total).toBe(before);
  });

  it.each(cases)('PATCH refuses %s and changes nothing', async (_name, fields, path) => {
    const contact = await me.add({ firstName: 'Unchanged', emails: [{ value: 'keep@example.com', label: 'work' }], organization: 'Keep' });
    const paths = expectValidationFailed(await me.patch(contact.id, fields));
    expect(paths).toContain(path);
    expect((await me.get(contact.id)).json()).toEqual(contact);
    await me.remove(contact.id);
  });

  it('accepts the most of each: 10 emails, 10 phones, 5 addresses, 5 websites, 50-character labels, 200 characters', async () => {
    const response = await me.create({
      firstName: 'Full',
      emails: emailsOf(10).map((e) => ({ ...e, label: 'l'.repeat(50) })),
      phones: phonesOf(10),
      addresses: addressesOf(5),
      websites: websitesOf(5),
      organization: 'o'.repeat(200),
      jobTitle: 'j'.repeat(200),
    });
    expect(response.statusCode, response.body).toBe(201);
    const contact = response.json<ContactJson>();
    expect(contact.emails).toHaveLength(10);
    expect(contact.emails[9]).toEqual({ value: 'person9@example.com', label: 'l'.repeat(50) });
    expect(contact.phones).toHaveLength(10);
    expect(contact.phones[9]).toEqual({ value: '+14155552609', label: null });
    expect(contact.addresses).toHaveLength(5);
    expect(contact.websites).toHaveLength(5);
    expect(contact.organization).toHaveLength(200);
    expect(contact.jobTitle).toHaveLength(200);
    await me.remove(contact.id);
  });

  it('names every failing entry at once', async () => {
    const paths = expectValidationFailed(
      await me.create({ firstName: 'Many', emails: [{ value: 'x' }, { value: 'ok@example.com' }, { value: 'y' }], websites: [{ value: 'mailto:a@b.c' }] }),
    );
    expect(paths).toEqual(expect.arrayContaining(['emails.0.value', 'emails.2.value', 'websites.0.value']));
    expect(paths).not.toContain('emails.1.value');
  });

  it('refuses read-only and trash fields in a body, setting none of them', async () => {
    const contact = await me.add({ firstName: 'Readonly' });
    for (const field of [{ photoUrl: 'https://evil.example/p.png' }, { photoKey: 'x' }, { deletedAt: '2020-01-01T00:00:00.000Z' }, { purgeAt: '2020-01-01T00:00:00.000Z' }]) {
      const created = await me.create({ firstName: 'Sneaky', ...field });
      expect(created.statusCode, JSON.stringify(field)).toBe(400);
      const patched = await me.patch(contact.id, field);
      expect(patched.statusCode, JSON.stringify(field)).toBe(400);
    }
    expect((await me.get(contact.id)).json()).toEqual(contact);
    expect((await me.trash()).json().items.map((c: ContactJson) => c.id)).not.toContain(contact.id);
    await me.remove(contact.id);
  });
});

describe('phones and the user region', () => {
  it('refuses a national number without a region, naming the entry, and reads it in the region once set', async () => {
    expect((await me.patchMe({ region: null })).statusCode).toBe(200);
    const body = { firstName: 'Olena', phones: [{ value: '+14155552671' }, { value: '050 123 45 67', label: 'mobile' }] };
    const problem = await me.create(body);
    expect(expectValidationFailed(problem)).toEqual(['phones.1.value']);
    expect(problem.json().errors[0].message).toMatch(/country code/i);

    expect((await me.patchMe({ region: 'UA' })).statusCode).toBe(200);
    const response = await me.create(body);
    expect(response.statusCode, response.body).toBe(201);
    const contact = response.json<ContactJson>();
    expect(contact.phones).toEqual([
      { value: '+14155552671', label: null },
      { value: '+380501234567', label: 'mobile' },
    ]);
    // A PATCH of the list is read in the region too; a number that can't exist there is still a 400.
    const patched = await me.patch(contact.id, { phones: [{ value: '067 765 43 21' }] });
    expect(patched.json().phones).toEqual([{ value: '+380677654321', label: null }]);
    expect(expectValidationFailed(await me.patch(contact.id, { phones: [{ value: '+380677654321' }, { value: '12' }] }))).toEqual(['phones.1.value']);
    expect((await me.get(contact.id)).json().phones).toEqual([{ value: '+380677654321', label: null }]);

    expect((await me.patchMe({ region: null })).statusCode).toBe(200);
    expect(expectValidationFailed(await me.patch(contact.id, { phones: [{ value: '044 123 4567' }] }))).toEqual(['phones.0.value']);
    await me.remove(contact.id);
  });
});

describe('email and phone mirror the first entries', () => {
  let contact: ContactJson;
  beforeAll(async () => {
    contact = await me.add({
      firstName: 'Mirror',
      emails: [{ value: 'first@example.com', label: 'work' }, { value: 'second@example.com', label: 'home' }],
      phones: [{ value: '+14155552671', label: 'mobile' }, { value: '+14155552672', label: 'home' }],
    });
  });

  it('are the first entries after create', () => {
    expect(contact.email).toBe('first@example.com');
    expect(contact.phone).toBe('+14155552671');
  });

  it('writing email replaces the first entry, keeping its label and the other entries', async () => {
    const response = await me.patch(contact.id, { email: 'New@Example.com' });
    expect(response.statusCode, response.body).toBe(200);
    const expected = {
      email: 'new@example.com',
      emails: [{ value: 'new@example.com', label: 'work' }, { value: 'second@example.com', label: 'home' }],
      phones: contact.phones,
    };
    expect(response.json()).toMatchObject(expected);
    expect((await me.get(contact.id)).json()).toMatchObject(expected);
  });

  it('writing phone replaces the first entry, keeping its label and the other entries', async () => {
    const response = await me.patch(contact.id, { phone: '+44 20 7946 0958' });
    expect(response.statusCode, response.body).toBe(200);
    const expected = {
      phone: '+442079460958',
      phones: [{ value: '+442079460958', label: 'mobile' }, { value: '+14155552672', label: 'home' }],
    };
    expect(response.json()).toMatchObject(expected);
    expect((await me.get(contact.id)).json()).toMatchObject(expected);
  });

  it('email: null and phone: null remove the first entry; the next one becomes email and phone', async () => {
    const response = await me.patch(contact.id, { email: null, phone: null });
    expect(response.statusCode, response.body).toBe(200);
    const expected = {
      email: 'second@example.com',
      emails: [{ value: 'second@example.com', label: 'home' }],
      phone: '+14155552672',
      phones: [{ value: '+14155552672', label: 'home' }],
    };
    expect(response.json()).toMatchObject(expected);
    expect((await me.get(contact.id)).json()).toMatchObject(expected);

    const last = await me.patch(contact.id, { email: null, phone: '' });
    expect(last.json()).toMatchObject({ email: null, emails: [], phone: null, phones: [] });
  });

  it('writing email and phone on empty lists adds the one entry', async () => {
    const response = await me.patch(contact.id, { email: 'only@example.com', phone: '+14155552673' });
    expect(response.json()).toMatchObject({
      email: 'only@example.com',
      emails: [{ value: 'only@example.com', label: null }],
      phone: '+14155552673',
      phones: [{ value: '+14155552673', label: null }],
    });
  });

  it('a national phone written as phone without a region is a 400 on the path phone', async () => {
    expect((await me.patchMe({ region: null })).statusCode).toBe(200);
    const before = (await me.get(contact.id)).json();
    expect(expectValidationFailed(await me.patch(contact.id, { phone: '050 123 45 67' }))).toEqual(['phone']);
    expect((await me.get(contact.id)).json()).toEqual(before);
  });

  const both: Array<[string, Record<string, unknown>]> = [
    ['email and emails', { email: 'a@example.com', emails: [{ value: 'b@example.com' }] }],
    ['email: null and emails', { email: null, emails: [] }],
    ['phone and phones', { phone: '+14155552671', phones: [{ value: '+14155552672' }] }],
    ['phone and phones: null', { phone: '+14155552671', phones: null }],
  ];

  it.each(both)('a body with both %s is a 400 on POST and PATCH, changing nothing', async (_name, fields) => {
    const before = (await me.get(contact.id)).json();
    const total = (await me.list({ limit: 100 })).json().total;
    expectValidationFailed(await me.create({ firstName: 'Both', ...fields }));
    expect((await me.list({ limit: 100 })).json().total).toBe(total);
    expectValidationFailed(await me.patch(contact.id, fields));
    expect((await me.get(contact.id)).json()).toEqual(before);
  });
});
