/**
 * Imports the vendor files of test/fixtures/imports through the HTTP API, as a user's browser
 * uploads them, and checks every contact field by field. The expectations are written by hand from
 * what each file holds (its README lists it), not taken from what the importer returns.
 */
import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../test/helpers/accounts.js';
import { TEST_APP_URL, type TestApp, createTestApp } from '../../../test/helpers/app.js';
import { multipartBody } from '../../../test/helpers/avatar-uploads.js';
import { type AddressJson, type ContactJson, type ContactsClient, signedInClient } from '../../../test/helpers/contacts.js';
import { usingPostgres } from '../../../test/helpers/db.js';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/imports/${name}`, import.meta.url));

interface ReportJson {
  dryRun: boolean;
  format: string;
  created: number;
  updated: number;
  skipped: number;
  items: Array<{ index: number; name: string; action: string; contactId?: string; reason?: string }>;
}

/** A value as Kith should show it: exact, one of a few acceptable spellings (a RegExp or a list), or not checked (`ANY`). */
const ANY = Symbol('any');
type Loose = string | null | RegExp | Array<string | null> | typeof ANY;
interface Entry {
  value: string;
  label: Loose;
}
type Place = Record<keyof AddressJson, Loose>;
/** Everything a contact shows; what a file doesn't hold is expected empty. */
interface Expected {
  firstName: string;
  lastName: string | null;
  emails: Entry[];
  phones: Entry[];
  addresses: Place[];
  websites: Entry[];
  organization: string | null;
  jobTitle: string | null;
  birthday: string | null;
  notes: string | null;
  /** `true`: the file carries a picture, which must be served; `'unchecked'`: a link Kith may or may not keep. */
  photo: boolean | 'unchecked';
  /** Outlook's columns have no order between kinds of phone: compare the lists as sets. */
  anyOrder?: boolean;
}
const person = (e: Partial<Expected> & Pick<Expected, 'firstName'>): Expected => ({
  lastName: null,
  emails: [],
  phones: [],
  addresses: [],
  websites: [],
  organization: null,
  jobTitle: null,
  birthday: null,
  notes: null,
  photo: false,
  ...e,
});
const place = (label: Loose, street: Loose, locality: Loose, region: Loose, postalCode: Loose, country: Loose): Place => ({
  label,
  street,
  locality,
  region,
  postalCode,
  country,
});

const loose = (expected: Loose): unknown => {
  if (expected === ANY) return expect.toSatisfy(() => true);
  if (expected instanceof RegExp) return expect.stringMatching(expected);
  if (Array.isArray(expected)) return expect.toBeOneOf(expected);
  return expected;
};
const entryMatcher = (e: Entry) => ({ value: e.value, label: loose(e.label) });
const placeMatcher = (p: Place) => Object.fromEntries(Object.entries(p).map(([key, value]) => [key, loose(value)]));
const byValue = <T extends { value: string }>(list: readonly T[]) => [...list].sort((a, b) => a.value.localeCompare(b.value));

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

/** A new user whose region is the United States, so a number without a country code reads as American. */
async function newUser(): Promise<ContactsClient> {
  const me = await signedInClient(t);
  expect((await me.patchMe({ region: 'US' })).statusCode).toBe(200);
  return me;
}

function upload(me: ContactsClient, name: string, data: Buffer | string, contentType: string, dryRun = false): Promise<LightMyRequestResponse> {
  const form = multipartBody([{ filename: name, contentType, data }]);
  return t.app.inject({
    method: 'POST',
    url: `/api/contacts/import${dryRun ? '?dryRun=true' : ''}`,
    headers: { ...form.headers, ...bearer(me.token) },
    payload: form.payload,
  });
}

async function allContacts(me: ContactsClient): Promise<ContactJson[]> {
  const response = await me.list({ limit: 100 });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: ContactJson[] }>().items;
}

const exportBody = async (me: ContactsClient, format: 'vcard' | 'csv') => {
  const response = await t.app.inject({ method: 'GET', url: `/api/contacts/export?format=${format}`, headers: bearer(me.token) });
  expect(response.statusCode, response.body).toBe(200);
  return response.body;
};
/** A vCard text with its folded lines joined again, so a line can be looked for whole. */
const unfold = (text: string) => text.replace(/\r?\n[ \t]/g, '');

/** Checks every field of the contact named `e.firstName` (and `e.lastName`), reporting each difference on its own. */
async function expectContact(contacts: readonly ContactJson[], file: string, e: Expected) {
  const found = contacts.filter((c) => c.firstName === e.firstName && (e.lastName === null || c.lastName === e.lastName));
  expect(found.map((c) => `${c.firstName} ${c.lastName ?? ''}`), `${file}: one contact named ${e.firstName} ${e.lastName ?? ''}`).toHaveLength(1);
  const c = found[0];
  if (!c) return;
  const where = (field: string) => `${file}, ${e.firstName} ${e.lastName ?? ''}: ${field}`;
  expect.soft(c.lastName, where('lastName')).toBe(e.lastName);
  for (const family of ['emails', 'phones', 'websites'] as const) {
    const got = e.anyOrder ? byValue(c[family]) : c[family];
    const want = e.anyOrder ? byValue(e[family]) : e[family];
    expect.soft(got, where(family)).toEqual(want.map(entryMatcher));
  }
  expect.soft(c.addresses, where('addresses')).toEqual(e.addresses.map(placeMatcher));
  expect.soft(c.email, where('email (the first of emails)')).toBe(c.emails[0]?.value ?? null);
  expect.soft(c.phone, where('phone (the first of phones)')).toBe(c.phones[0]?.value ?? null);
  expect.soft(c.organization, where('organization')).toBe(e.organization);
  expect.soft(c.jobTitle, where('jobTitle')).toBe(e.jobTitle);
  expect.soft(c.birthday, where('birthday')).toBe(e.birthday);
  expect.soft(c.notes, where('notes')).toBe(e.notes);
  if (e.photo === 'unchecked') return;
  if (!e.photo) {
    expect.soft(c.photoUrl, where('photoUrl')).toBeNull();
    return;
  }
  expect.soft(c.photoUrl, where('photoUrl')).toEqual(expect.any(String));
  if (c.photoUrl) {
    const served = await t.app.inject({ method: 'GET', url: new URL(c.photoUrl, TEST_APP_URL).pathname });
    expect.soft(served.statusCode, where('photo served')).toBe(200);
    expect.soft(served.headers['content-type'], where('photo type')).toMatch(/^image\/(jpeg|png|webp)$/);
  }
}

interface Case {
  file: string;
  /** What a browser declares for the file (Windows browsers call a .csv `application/vnd.ms-excel`). */
  contentType: string;
  format: 'vcard' | 'google-csv' | 'outlook-csv';
  /** Per card or data row, in file order: the action, and a part of the name the report shows. */
  items: Array<{ action: 'create' | 'skip'; name: string }>;
  contacts: Expected[];
  /** Lines of the file that Kith doesn't map, which must come back whole in the vCard export. */
  kept?: string[];
  /** What a file holds that Kith has no field for (a CSV's other columns), which must be somewhere in the vCard export. */
  keptText?: string[];
}

const CASES: Case[] = [
  {
    file: 'google.csv',
    contentType: 'text/csv',
    format: 'google-csv',
    items: [
      { action: 'create', name: 'Zoë' },
      { action: 'create', name: 'Łukasz' },
      { action: 'skip', name: '' },
      { action: 'create', name: '花子' },
      { action: 'create', name: 'Marcus' },
      { action: 'create', name: 'Acme Plumbing' },
      { action: 'create', name: 'j.doe@example.org' },
      { action: 'create', name: 'Amélie' },
    ],
    contacts: [
      person({
        firstName: 'Zoë',
        lastName: 'Hartmann',
        emails: [
          { value: 'zoe.hartmann@example.com', label: 'home' },
          { value: 'zoe@fernweh.example', label: 'work' },
        ],
        phones: [
          { value: '+4915123456789', label: 'mobile' },
          { value: '+4930901820', label: 'work' },
        ],
        addresses: [place('home', 'Oranienstraße 25', 'Berlin', null, '10999', 'Germany')],
        websites: [{ value: 'https://zoe.example.com', label: /^profile$/i }],
        organization: 'Fernweh GmbH',
        jobTitle: 'Product Manager',
        birthday: '1985-07-04',
        notes: 'Met at FOSDEM 2023.\nPrefers Signal, not WhatsApp.',
        photo: 'unchecked',
      }),
      person({
        firstName: 'Łukasz',
        lastName: 'Wiśniewski',
        emails: [{ value: 'lukasz.wisniewski@example.pl', label: null }],
        phones: [
          { value: '+48601234567', label: 'mobile' },
          { value: '+48512345678', label: 'mobile' },
        ],
        addresses: [place('work', 'ul. Marszałkowska 84/92', 'Warszawa', 'Mazowieckie', '00-514', 'Poland')],
        birthday: '--03-15',
      }),
      person({
        firstName: '花子',
        lastName: '田中',
        emails: [{ value: 'hanako.tanaka@example.jp', label: 'work' }],
        phones: [
          { value: '+81312345678', label: 'work' },
          { value: '+819012345678', label: 'mobile' },
        ],
        organization: '株式会社サンプル',
        jobTitle: '営業部長',
      }),
      person({
        firstName: 'Marcus',
        lastName: "O'Brien",
        emails: [{ value: 'm.obrien@stvincent.example.org', label: 'work' }],
        phones: [
          { value: '+14155550132', label: 'mobile' },
          { value: '+14155550199', label: /^work fax$/i },
        ],
        addresses: [place('work', '2233 Hyde St', 'San Francisco', 'CA', '94109', 'US')],
        websites: [
          { value: 'https://stvincent.example.org/obrien', label: 'work' },
          { value: 'http://marcus.example.net', label: /^blog$/i },
        ],
        organization: "St. Vincent's Hospital",
        jobTitle: 'Cardiologist',
        notes: 'Allergic to penicillin, mention "Dr. O\'Brien" when calling the office.',
      }),
      person({
        firstName: 'Acme Plumbing',
        emails: [{ value: 'service@acmeplumbing.example', label: 'work' }],
        phones: [{ value: '+12125550187', label: 'work' }],
        // Typed as one line in Google: kept whole, or split into its parts.
        addresses: [place('work', /350 5th Ave/, ANY, ANY, ANY, ANY)],
        websites: [{ value: 'https://acmeplumbing.example', label: /^homepage$/i }],
        organization: 'Acme Plumbing',
      }),
      person({ firstName: 'j.doe@example.org', emails: [{ value: 'j.doe@example.org', label: 'other' }] }),
      person({
        firstName: 'Amélie',
        lastName: 'Dubois-Laurent',
        emails: [{ value: 'amelie.dubois@example.fr', label: 'home' }],
        phones: [{ value: '+33142685300', label: 'home' }],
        addresses: [place('home', /^(?=.*8 rue de la Paix)(?=.*Bâtiment B)/s, 'Paris', null, '75002', 'France')],
        birthday: '1992-02-29',
        notes: 'Garde les clés de secours ; code portail 4821.\n\nDeuxième paragraphe : allergique aux noix.',
      }),
    ],
    keptText: ['NICKNAME:Zo', 'Jonas Hartmann', 'はなこ', 'Locker', '2012-09-08'],
  },
  {
    file: 'google-legacy.csv',
    contentType: 'text/csv',
    format: 'google-csv',
    items: [
      { action: 'create', name: 'Văn An' },
      { action: 'create', name: 'Sarah' },
      { action: 'create', name: 'Björk' },
      { action: 'create', name: 'Café Luna' },
    ],
    contacts: [
      person({
        firstName: 'Văn An',
        lastName: 'Nguyễn',
        emails: [
          { value: 'an.nguyen@example.vn', label: 'home' },
          { value: 'an.nv@example.com', label: 'home' },
        ],
        phones: [{ value: '+84912345678', label: 'mobile' }],
        organization: 'Công ty TNHH Ví Dụ',
        jobTitle: 'Kỹ sư phần mềm',
      }),
      person({
        firstName: 'Sarah',
        lastName: 'Connor',
        emails: [{ value: 'sarah.connor@cyberdyne.example', label: 'work' }],
        phones: [
          { value: '+12135550178', label: 'mobile' },
          { value: '+12135550100', label: 'work' },
        ],
        addresses: [place('home', '1984 Tech Noir Ave', 'Los Angeles', 'CA', '90012', 'United States')],
        birthday: '1965-05-13',
        notes: 'Don\'t forget: "no fate".\nCall before noon.',
      }),
      person({
        firstName: 'Björk',
        lastName: 'Guðmundsdóttir',
        emails: [{ value: 'bjork@example.is', label: 'other' }],
        phones: [{ value: '+3545551234', label: 'home' }],
        websites: [{ value: 'http://www.bjork.example.com', label: /^home ?page$/i }],
        birthday: '--11-21',
      }),
      person({
        firstName: 'Café Luna',
        phones: [{ value: '+33612345678', label: 'work' }],
        addresses: [place('work', '12 place du Tertre', 'Paris', null, '75018', 'France')],
        organization: 'Café Luna',
      }),
    ],
    // The full-name column and the groups have no field in Kith.
    keptText: ['Nguyễn Văn An', 'CATEGORIES:Coworkers'],
  },
  {
    file: 'outlook.csv',
    contentType: 'application/vnd.ms-excel',
    format: 'outlook-csv',
    items: [
      { action: 'create', name: 'Renée' },
      { action: 'create', name: 'John' },
      { action: 'create', name: 'Northwind Traders' },
      { action: 'create', name: 'Søren' },
      { action: 'create', name: 'Alex' },
    ],
    contacts: [
      person({
        firstName: 'Renée',
        lastName: 'Lefèvre',
        emails: [{ value: 'renee.lefevre@example.fr', label: null }],
        phones: [
          { value: '+33153321000', label: 'work' },
          { value: '+33611223344', label: 'mobile' },
        ],
        addresses: [place('work', '12 rue Lafayette', 'Paris', null, '75009', 'France')],
        organization: 'Société Générale Conseil',
        jobTitle: 'Directrice financière',
        birthday: '1979-03-08',
        notes: 'Budget 2024: 15 000 €\nCall after 10:00 – not before.',
        anyOrder: true,
      }),
      person({
        firstName: 'John',
        lastName: 'Smith',
        emails: [
          { value: 'john.smith@contoso.example', label: null },
          { value: 'jsmith@home.example', label: null },
        ],
        phones: [
          { value: '+14255550100', label: 'work' },
          { value: '+14255550145', label: 'home' },
        ],
        addresses: [place('home', /^1 Microsoft Way(\n|, )Apt 5$/, 'Redmond', 'WA', '98052', 'United States of America')],
        // Outlook's "Web page address" is the business home page, but a user may not think of it so.
        websites: [{ value: 'http://www.contoso.example/', label: [null, 'work'] }],
        organization: 'Contoso Ltd',
        jobTitle: 'Sales Lead',
        anyOrder: true,
      }),
      person({
        firstName: 'Northwind Traders',
        emails: [{ value: 'orders@northwind.example', label: null }],
        phones: [{ value: '+12065550110', label: ['main', 'work', 'company', 'company main'] }],
        addresses: [place('work', '4 Pike Pl', 'Seattle', 'WA', '98101', 'United States of America')],
        organization: 'Northwind Traders',
      }),
      person({
        firstName: 'Søren',
        lastName: 'Kierkegaard',
        emails: [{ value: 'soren@example.dk', label: null }],
        phones: [{ value: '+4533123456', label: 'home' }],
        birthday: '1813-05-05',
        notes: 'Philosopher; "Either/Or" author, prefers letters',
      }),
      person({
        firstName: 'Alex',
        lastName: 'Wilber',
        emails: [{ value: 'alexw@contoso.example', label: null }],
        phones: [{ value: '+14255550109', label: 'mobile' }],
        organization: 'Contoso Ltd',
        birthday: '1990-12-31',
      }),
    ],
    // Initials have no field in Kith; Outlook's empty defaults (0/0/00, Unspecified, Normal) are not kept.
    keptText: ['R.L.'],
  },
  {
    file: 'outlook-web.csv',
    contentType: 'text/csv',
    format: 'outlook-csv',
    items: [
      { action: 'create', name: 'Ingrid' },
      { action: 'create', name: 'Tomás' },
    ],
    contacts: [
      person({
        firstName: 'Ingrid',
        lastName: 'Dahlström',
        emails: [{ value: 'ingrid.dahlstrom@example.se', label: null }],
        phones: [
          { value: '+46701234567', label: 'mobile' },
          { value: '+46812345678', label: 'work' },
        ],
        addresses: [place('work', 'Götgatan 14', 'Stockholm', null, '118 46', 'Sweden')],
        websites: [{ value: 'https://ingrid.example.se', label: ANY }],
        organization: 'Ljus & Rum AB',
        jobTitle: 'Arkitekt',
        birthday: '1988-06-21',
        notes: 'Fika on Fridays, 15:00.',
        anyOrder: true,
      }),
      person({
        firstName: 'Tomás',
        lastName: 'Ó Briain',
        emails: [{ value: 'tomas@example.ie', label: null }],
        phones: [{ value: '+35312345678', label: 'home' }],
      }),
    ],
    keptText: ['Aoife'],
  },
  {
    file: 'ios.vcf',
    contentType: 'text/vcard',
    format: 'vcard',
    items: [
      { action: 'create', name: 'Daniel' },
      { action: 'create', name: 'Mei' },
      { action: 'skip', name: 'Book club' },
      { action: 'create', name: 'Blue Bottle Coffee' },
      { action: 'create', name: 'Ольга' },
    ],
    contacts: [
      person({
        firstName: 'Daniel',
        lastName: 'Durand',
        emails: [
          { value: 'dan.durand@example.fr', label: 'home' },
          { value: 'daniel@boulangerie-durand.example', label: 'work' },
        ],
        phones: [
          { value: '+33611223344', label: 'mobile' },
          { value: '+33144556677', label: 'work' },
          { value: '+33781234567', label: 'Bakery hotline' },
        ],
        addresses: [place('work', '14 rue des Martyrs', 'Paris', null, '75009', 'France')],
        websites: [{ value: 'https://boulangerie-durand.example', label: /^home ?page$/i }],
        organization: 'Boulangerie Durand',
        jobTitle: 'Head Baker',
        birthday: '1982-11-30',
        notes: 'Sourdough starter is called "Gaston".\nOrders: Tue, Fri.',
        photo: true,
      }),
      person({
        firstName: 'Mei',
        lastName: 'Chen',
        emails: [{ value: 'mei.chen@example.com', label: 'other' }],
        phones: [{ value: '+14155550187', label: /^(iphone|mobile)$/i }],
        birthday: '--05-20',
      }),
      person({
        firstName: 'Blue Bottle Coffee',
        phones: [{ value: '+15106533394', label: 'main' }],
        addresses: [place('work', '300 Webster St', 'Oakland', 'CA', '94607', 'United States')],
        websites: [{ value: 'https://bluebottlecoffee.example', label: /^home ?page$/i }],
        organization: 'Blue Bottle Coffee',
      }),
      person({
        firstName: 'Ольга',
        lastName: 'Коваленко',
        emails: [{ value: 'olha@example.ua', label: 'home' }],
        phones: [{ value: '+380501234567', label: 'mobile' }],
        birthday: '1990-02-28',
        notes: 'Познайомилися на конференції в Києві. Любить каву без цукру, не любить дзвінків після 21:00.',
      }),
    ],
    kept: [
      'item6.X-ABRELATEDNAMES;type=pref:Claire Durand',
      'item6.X-ABLabel:_$!<Spouse>!$_',
      'item5.X-ABDATE;type=pref:2012-06-16',
      'X-SOCIALPROFILE;type=twitter;x-user=dandurand:x-apple:dandurand',
      'NICKNAME:Dan',
      'item2.X-ABRELATEDNAMES;type=pref:Lin Chen',
      'X-SOCIALPROFILE;type=linkedin;x-user=meichen:http://www.linkedin.com/in/meichen',
      'IMPP;X-SERVICE-TYPE=Skype;type=HOME;type=pref:skype:mei.chen',
      'X-PHONETIC-FIRST-NAME:Mei',
      'X-ABShowAs:COMPANY',
    ],
  },
  {
    file: 'android.vcf',
    contentType: 'text/x-vcard',
    format: 'vcard',
    items: [
      { action: 'create', name: 'Amara' },
      { action: 'create', name: 'Jürgen' },
      { action: 'skip', name: 'Climbing' },
      { action: 'create', name: 'Priya' },
      { action: 'create', name: 'Felix' },
    ],
    contacts: [
      person({
        firstName: 'Amara',
        lastName: 'Okafor',
        emails: [{ value: 'amara.okafor@example.ng', label: 'home' }],
        phones: [
          { value: '+2348031234567', label: 'mobile' },
          { value: '+2348091234567', label: 'Studio' },
        ],
        addresses: [place('work', '12 Admiralty Way', 'Lagos', 'Lagos State', '106104', 'Nigeria')],
        websites: [{ value: 'https://okafor-design.example', label: null }],
        organization: 'Okafor Design Studio',
        jobTitle: 'Founder',
        birthday: '--03-15',
        photo: true,
      }),
      person({
        firstName: 'Jürgen',
        lastName: 'Weiß',
        emails: [{ value: 'j.weiss@example.de', label: 'work' }],
        phones: [
          { value: '+491701234567', label: 'mobile' },
          { value: '+49891234567', label: 'work' },
        ],
        birthday: '1976-11-03',
        notes: 'Bring the Weißwurst recipe, he asked twice.\nParking: Tiefgarage P2',
      }),
      person({
        firstName: 'Priya',
        lastName: 'Raghunathan',
        emails: [
          { value: 'priya.r@example.in', label: 'home' },
          { value: 'priya@infra.example.com', label: 'work' },
        ],
        phones: [
          { value: '+919876543210', label: 'mobile' },
          { value: '+918023456789', label: 'home' },
        ],
        addresses: [place('home', '42 MG Road', 'Bengaluru', 'Karnataka', '560001', 'India')],
        websites: [{ value: 'https://priya.example.dev', label: 'Blog' }],
        birthday: '1992-02-29',
      }),
      person({
        firstName: 'Felix',
        lastName: 'Bauer',
        phones: [{ value: '+49304050607', label: 'work' }],
        organization: 'Praxis Dr. Bauer',
        jobTitle: 'Allgemeinmedizin',
      }),
    ],
    kept: [
      'NICKNAME:Mara',
      'ANNIVERSARY:20150620',
      'RELATED;TYPE=spouse;VALUE=text:Chidi Okafor',
      'CATEGORIES:Friends,Design',
      'X-PHONETIC-FIRST-NAME:Priya',
      'IMPP:xmpp:priya@jabber.example.org',
    ],
  },
  {
    file: 'legacy-21.vcf',
    contentType: 'text/x-vcard',
    format: 'vcard',
    items: [
      { action: 'create', name: 'Іван' },
      { action: 'create', name: 'Zofia' },
      { action: 'create', name: 'Käthe' },
      { action: 'create', name: 'Bob' },
    ],
    contacts: [
      person({
        firstName: 'Іван',
        lastName: 'Петренко',
        emails: [{ value: 'ivan.petrenko@example.ua', label: 'home' }],
        phones: [
          { value: '+380501234567', label: 'mobile' },
          { value: '+380442345678', label: 'home' },
        ],
        addresses: [place('work', 'вул. Хрещатик, 22', 'Київ', null, '01001', 'Україна')],
        birthday: '1987-09-12',
        notes: 'Колега з Києва.\nДзвонити після 18:00, не раніше.',
        photo: true,
      }),
      person({
        firstName: 'Zofia',
        lastName: 'Wójcik',
        emails: [{ value: 'zofia.wojcik@example.pl', label: null }],
        phones: [
          { value: '+48601111222', label: 'mobile' },
          { value: '+48221234567', label: 'work' },
        ],
        organization: 'Przedsiębiorstwo Łączności Sp. z o.o.',
        jobTitle: 'Główna księgowa',
      }),
      person({
        firstName: 'Käthe',
        lastName: 'Müller',
        phones: [
          { value: '+491712345678', label: 'mobile' },
          { value: '+49899876543', label: /^(work )?fax$/i },
          { value: '+498912345678', label: 'work' },
        ],
        addresses: [place('home', 'Hauptstraße 5', 'München', null, '80331', 'Deutschland')],
        birthday: '1955-02-14',
      }),
      person({
        firstName: 'Bob',
        lastName: 'Okonkwo',
        emails: [{ value: 'bob@hooli.example', label: null }],
        phones: [{ value: '+16505550145', label: 'work' }],
        websites: [{ value: 'http://www.hooli.example/bob', label: null }],
        organization: 'Hooli',
        jobTitle: 'SRE',
        notes: 'On call Mon=Wed; pager duty rotates every two weeks, ask him before scheduling anything.\nLikes: tea.',
      }),
    ],
    kept: ['X-IRMC-LUID:000200000123'],
    keptText: ['Ваня', 'Zosia'],
  },
  {
    file: 'outlook.vcf',
    contentType: 'text/x-vcard',
    format: 'vcard',
    items: [{ action: 'create', name: 'Ingrid' }],
    contacts: [
      person({
        firstName: 'Ingrid',
        lastName: 'Dahlström',
        emails: [{ value: 'ingrid.dahlstrom@example.se', label: null }],
        phones: [
          { value: '+46812345678', label: 'work' },
          { value: '+46701234567', label: 'mobile' },
        ],
        addresses: [place('work', 'Götgatan 14', 'Stockholm', null, '118 46', 'Sverige')],
        websites: [{ value: 'https://ljusochrum.example.se', label: 'work' }],
        organization: 'Ljus & Rum AB',
        jobTitle: 'Arkitekt',
        birthday: '1988-06-21',
        notes: 'Arvode: 1 200 € per dag.\nFika på fredagar – kl. 15.',
        photo: true,
      }),
    ],
    kept: ['X-MS-OL-DEFAULT-POSTAL-ADDRESS:2'],
    // The company's number (X-MS-TEL): its 2.1 bare types may be rewritten, the number must stay.
    keptText: ['X-MS-TEL', '+46 8 123 400 00'],
  },
];

/** rich.vcf, as a careful user reads it. */
const RICH: Expected[] = [
  person({
    firstName: 'Valentina',
    lastName: 'Quintero',
    emails: [
      { value: 'vale@example.es', label: 'home' },
      { value: 'v.quintero@lab.example.org', label: 'work' },
      { value: 'vale+lists@example.es', label: 'Mailing lists' },
    ],
    phones: [
      { value: '+34612345678', label: 'mobile' },
      { value: '+34911234567', label: 'work' },
      { value: '+34600111222', label: 'Boat phone' },
    ],
    addresses: [
      place('home', 'Calle de Alcalá 42, 3º B', 'Madrid', 'Comunidad de Madrid', '28014', 'Spain'),
      place('work', 'Carrer del Dr. Aiguader 88', 'Barcelona', 'Catalonia', '08003', 'Spain'),
    ],
    websites: [
      { value: 'https://vale.example.es', label: 'home' },
      { value: 'https://lab.example.org/people/vq', label: 'work' },
    ],
    organization: 'Laboratorio Quintero',
    jobTitle: 'Principal Investigator',
    birthday: '1984-02-29',
    notes: 'Commas, semicolons; and newlines\nsecond line – with emoji 🧬🎉 and "quotes".',
    photo: true,
  }),
  person({
    firstName: 'Emeka',
    lastName: 'Eze',
    emails: [{ value: 'emeka@example.com', label: 'home' }],
    phones: [{ value: '+442079460958', label: 'mobile' }],
    addresses: [place('Pied-à-terre', 'Flat 2, 10 Downing Street', 'London', null, 'SW1A 2AA', 'United Kingdom')],
    birthday: '--12-24',
    notes: 'Yearless birthday on Christmas Eve.',
  }),
  person({
    firstName: 'Leap',
    lastName: 'Day',
    phones: [
      { value: '+61298765432', label: 'home' },
      { value: '+61412345678', label: 'mobile' },
    ],
    birthday: '--02-29',
  }),
  person({
    firstName: 'Solo',
    organization: 'Solo & Sons, Ltd.',
    notes: 'First paragraph.\n\nSecond paragraph; after a blank line.\nThird: 100% done.',
  }),
  person({
    firstName: 'Hiroshi',
    lastName: 'Yamamoto',
    emails: [
      { value: 'hiroshi@yamamoto.example.jp', label: 'work' },
      { value: 'hiro@example.jp', label: 'home' },
      { value: 'h.yamamoto@example.net', label: 'other' },
      { value: 'old-hiro@example.jp', label: 'Old address' },
    ],
    phones: [
      { value: '+819012345678', label: 'mobile' },
      { value: '+81312345678', label: 'work' },
      { value: '+81312345679', label: 'fax' },
    ],
    addresses: [
      place('work', '1-2-3 Marunouchi', 'Chiyoda-ku', 'Tokyo', '100-0005', 'Japan'),
      place('Warehouse', '4-5-6 Shibuya', 'Shibuya-ku', 'Tokyo', '150-0002', 'Japan'),
    ],
    websites: [
      { value: 'https://yamamoto.example.jp', label: 'work' },
      { value: 'http://blog.example.jp/hiro', label: null },
      { value: 'https://shop.example.jp/yamamoto', label: 'Shop' },
    ],
    organization: 'Yamamoto Shōten',
    jobTitle: '代表取締役',
    birthday: '1970-01-01',
  }),
];
const RICH_KEPT = [
  'NICKNAME:Vale,Tina',
  'IMPP;TYPE=work:xmpp:vale@jabber.example.org',
  'CATEGORIES:Science,Friends',
  'X-CUSTOM;X-PARAM=one;TYPE=work:custom value\\, with a comma',
  'X-KITH-TEST;X-QUOTED="a;b:c":kept as is',
  'X-SOCIALPROFILE;type=mastodon:https://mastodon.example/@emeka',
  'X-CUSTOM:plain custom',
  'IMPP:sip:hiroshi@voip.example.jp',
  'X-CUSTOM;X-A=1;X-B=2:two params',
];

/** A contact without what differs between two accounts' copies of it. */
const comparable = ({ id: _id, createdAt: _c, updatedAt: _u, photoUrl, ...rest }: ContactJson) => ({ ...rest, photo: photoUrl !== null });
const byName = (a: { firstName: string }, b: { firstName: string }) => a.firstName.localeCompare(b.firstName);

describe(`importing vendor exports (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  describe.each(CASES)('$file', (c) => {
    let me: ContactsClient;
    let dryRun: ReportJson;
    let report: ReportJson;
    let contacts: ContactJson[];

    beforeAll(async () => {
      me = await newUser();
    });

    it('a dry run reports what the import would do and writes nothing', async () => {
      const response = await upload(me, c.file, fixture(c.file), c.contentType, true);
      expect(response.statusCode, response.body).toBe(200);
      dryRun = response.json<ReportJson>();
      expect(dryRun).toMatchObject({
        dryRun: true,
        format: c.format,
        created: c.items.filter((i) => i.action === 'create').length,
        updated: 0,
        skipped: c.items.filter((i) => i.action === 'skip').length,
      });
      expect(dryRun.items).toEqual(
        c.items.map(
          (item, i): unknown => expect.objectContaining({ index: i + 1, action: item.action, name: item.name === '' ? '' : expect.stringContaining(item.name) }),
        ),
      );
      for (const item of dryRun.items.filter((i) => i.action === 'skip')) expect(item.reason, `index ${item.index}`).toEqual(expect.any(String));
      expect(await allContacts(me)).toEqual([]);
    });

    it('the import creates them and reports the same as the dry run, with the new ids', async () => {
      const response = await upload(me, c.file, fixture(c.file), c.contentType);
      expect(response.statusCode, response.body).toBe(200);
      report = response.json<ReportJson>();
      expect(report).toMatchObject({ ...dryRun, dryRun: false, items: dryRun.items.map(({ contactId: _, ...item }) => item) });
      contacts = await allContacts(me);
      expect(contacts).toHaveLength(c.contacts.length);
      const created = report.items.filter((i) => i.action === 'create').map((i) => i.contactId);
      expect(created.sort()).toEqual(contacts.map((contact) => contact.id).sort());
    });

    it('each contact holds what the file holds, field by field', async () => {
      for (const expected of c.contacts) await expectContact(contacts, c.file, expected);
    });

    it.runIf(c.kept !== undefined || c.keptText !== undefined)('what Kith does not map survives in the vCard export', async () => {
      const text = unfold(await exportBody(me, 'vcard'));
      const exported = text.split(/\r?\n/);
      for (const line of c.kept ?? []) expect.soft(exported, `${c.file}: ${line}`).toContain(line);
      for (const part of c.keptText ?? []) expect.soft(text, `${c.file}: ${part}`).toContain(part);
      // Group cards are not contacts and are not exported as ones.
      expect(exported.filter((line) => /^(X-ADDRESSBOOKSERVER-)?KIND:group$/i.test(line))).toEqual([]);
    });
  });

  describe('ios.vcf again', () => {
    let me: ContactsClient;
    let ids: Array<string | undefined>;
    beforeAll(async () => {
      me = await newUser();
      const first = await upload(me, 'ios.vcf', fixture('ios.vcf'), 'text/vcard');
      expect(first.statusCode, first.body).toBe(200);
      ids = first.json<ReportJson>().items.map((i) => i.contactId);
    });

    it('the same file again creates nothing: each card names the contact its UID matches', async () => {
      const again = await upload(me, 'ios.vcf', fixture('ios.vcf'), 'text/vcard');
      expect(again.statusCode, again.body).toBe(200);
      const report = again.json<ReportJson>();
      expect(report).toMatchObject({ dryRun: false, format: 'vcard', created: 0 });
      expect(report.updated + report.skipped).toBe(5);
      // An unchanged card may be an update or an "up to date" skip; either way it is about the same contact.
      expect(report.items.map((i) => (i.action === 'create' ? 'create' : i.contactId))).toEqual(ids);
      expect(await allContacts(me)).toHaveLength(4);
    });

    it('a card changed on the phone updates its contact and leaves the others as they are', async () => {
      const edited = fixture('ios.vcf').toString('utf8').replace('N:Chen;Mei;;;\r\n', 'N:Chen;Mei;;;\r\nTITLE:Staff Engineer\r\n');
      expect(edited).toContain('TITLE:Staff Engineer');
      const response = await upload(me, 'ios.vcf', edited, 'text/vcard');
      expect(response.statusCode, response.body).toBe(200);
      const report = response.json<ReportJson>();
      const mei = ids[1];
      expect(report.items[1]).toMatchObject({ index: 2, action: 'update', contactId: mei });
      expect(report.created).toBe(0);
      const contacts = await allContacts(me);
      expect(contacts).toHaveLength(4);
      expect(contacts.find((c) => c.id === mei)).toMatchObject({ firstName: 'Mei', lastName: 'Chen', jobTitle: 'Staff Engineer', birthday: '--05-20' });
    });
  });

  describe('rich.vcf', () => {
    let me: ContactsClient;
    beforeAll(async () => {
      me = await newUser();
      const response = await upload(me, 'rich.vcf', fixture('rich.vcf'), 'text/vcard');
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json<ReportJson>()).toMatchObject({ format: 'vcard', created: 5, updated: 0, skipped: 0 });
    });

    it('every field of every card arrives', async () => {
      const contacts = await allContacts(me);
      expect(contacts).toHaveLength(5);
      for (const expected of RICH) await expectContact(contacts, 'rich.vcf', expected);
    });

    it("the vCard export keeps the properties Kith doesn't map, parameters and escapes as written", async () => {
      const exported = unfold(await exportBody(me, 'vcard')).split(/\r?\n/);
      for (const line of RICH_KEPT) expect.soft(exported, line).toContain(line);
    });

    it('its vCard export, imported into a fresh account, gives the same contacts', async () => {
      const other = await newUser();
      const response = await upload(other, 'kith-contacts.vcf', await exportBody(me, 'vcard'), 'text/vcard');
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json<ReportJson>()).toMatchObject({ format: 'vcard', created: 5, updated: 0, skipped: 0 });
      const mine = (await allContacts(me)).map(comparable).sort(byName);
      expect((await allContacts(other)).map(comparable).sort(byName)).toEqual(mine);
    });

    it('its CSV export, imported into a fresh account, gives the same contacts but for the photo', async () => {
      const other = await newUser();
      const response = await upload(other, 'kith-contacts.csv', await exportBody(me, 'csv'), 'text/csv');
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json<ReportJson>()).toMatchObject({ format: 'google-csv', created: 5, updated: 0, skipped: 0 });
      const withoutPhoto = (contact: ContactJson) => ({ ...comparable(contact), photo: undefined });
      const mine = (await allContacts(me)).map(withoutPhoto).sort(byName);
      expect((await allContacts(other)).map(withoutPhoto).sort(byName)).toEqual(mine);
    });
  });

  describe('files that are not an address book', () => {
    let me: ContactsClient;
    beforeAll(async () => {
      me = await newUser();
    });

    const refused = async (response: LightMyRequestResponse, statuses: number[]) => {
      expect(statuses, response.body).toContain(response.statusCode);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = response.json<{ status: number; code: string; detail: string }>();
      expect(problem).toMatchObject({ status: response.statusCode, code: expect.stringMatching(/^[A-Z_]+$/), detail: expect.any(String) });
      expect(await allContacts(me)).toEqual([]);
      return problem;
    };

    it('an empty file is a 400', async () => {
      await refused(await upload(me, 'empty.vcf', fixture('empty.vcf'), 'text/vcard'), [400]);
    });

    it('random bytes are a 400 (or a 415), whatever the name and type say', async () => {
      await refused(await upload(me, 'contacts.vcf', fixture('binary.bin'), 'text/vcard'), [400, 415]);
      await refused(await upload(me, 'binary.bin', fixture('binary.bin'), 'application/octet-stream'), [400, 415]);
    });

    it('a card with a line that is not a property is a 400 that says where, and the good card before it is not imported', async () => {
      for (const dryRun of [true, false]) {
        const problem = await refused(await upload(me, 'broken.vcf', fixture('broken.vcf'), 'text/vcard', dryRun), [400]);
        expect(problem.detail).toMatch(/line 10\b|card 2\b|this is not a property/i);
      }
    });

    it('a CSV with neither Google’s nor Outlook’s columns is a 400 that says so', async () => {
      const problem = await refused(await upload(me, 'unknown-columns.csv', fixture('unknown-columns.csv'), 'text/csv'), [400]);
      expect(problem.detail).toMatch(/column|header|google|outlook/i);
    });

    it('a file over 5 MiB is a 413', async () => {
      const card = fixture('android.vcf').toString('utf8');
      const big = card.repeat(Math.ceil((6 * 1024 * 1024) / card.length));
      const problem = await refused(await upload(me, 'big.vcf', big, 'text/vcard'), [413]);
      expect(problem.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('needs a sign-in', async () => {
      const form = multipartBody([{ filename: 'ios.vcf', contentType: 'text/vcard', data: fixture('ios.vcf') }]);
      const response = await t.app.inject({ method: 'POST', url: '/api/contacts/import', headers: form.headers, payload: form.payload });
      expect(response.statusCode).toBe(401);
    });
  });
});
