import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import type { ContactRow } from '../../../db/schema.js';
import { foldLine, splitCard } from './card-lines.js';
import { patchCard } from './patch-card.js';
import { readCard } from './read-card.js';
import { generateCard } from './write-card.js';

const IOS = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'PRODID:-//Apple Inc.//iPhone OS 17.0//EN',
  'N:Lovelace;Ada;Augusta;Lady;',
  'FN:Lady Ada Lovelace',
  'item1.TEL;type=CELL;type=pref:+44 20 7946 0958',
  'item1.X-ABLabel:_$!<Mobile>!$_',
  'item2.TEL:020 7946 0000',
  'item2.X-ABLabel:Lab',
  'TEL;TYPE=WORK:not a number',
  'EMAIL;type=INTERNET;type=HOME:Ada@Example.com',
  "ADR;TYPE=HOME:;;12 St James's Square;London;;SW1Y 4JH;UK",
  'BDAY;X-APPLE-OMIT-YEAR=1604:1604-12-10',
  'NOTE:Line one\\nline two\\, with comma',
  'X-SOCIALPROFILE;type=twitter:x-apple:ada',
  'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/',
  ' 2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIy',
  'ORG:Engines Ltd;R&D',
  'URL:https://ada.example.com',
  'UID:ios-ada-1',
  'END:VCARD',
  '',
].join('\r\n');

describe('reading a card', () => {
  it("maps an iPhone's card onto the contact, labels from groups and types", () => {
    const card = readCard(IOS, 'GB');
    if ('error' in card) throw new Error(card.error);
    expect(card.uid).toBe('ios-ada-1');
    expect(card.values).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: [{ value: 'ada@example.com', label: 'home' }],
      phones: [
        { value: '+442079460958', input: '+44 20 7946 0958', label: 'mobile' },
        { value: '+442079460000', input: '020 7946 0000', label: 'Lab' },
      ],
      addresses: [{ label: 'home', street: "12 St James's Square", locality: 'London', postalCode: 'SW1Y 4JH', country: 'UK', region: null }],
      websites: [{ value: 'https://ada.example.com', label: null }],
      organization: 'Engines Ltd',
      notes: 'Line one\nline two, with comma',
      birthdayYear: null,
      birthdayMonth: 12,
      birthdayDay: 10,
    });
    expect(card.photo).toMatchObject({ kind: 'data' });
  });

  it('reads vCard 4.0 birthdays without a year and tel: URIs', () => {
    const card = readCard('BEGIN:VCARD\nVERSION:4.0\nFN:X Y\nBDAY:--0415\nTEL;VALUE=uri;TYPE="cell,voice":tel:+1-202-555-0143\nEND:VCARD\n', null);
    if ('error' in card) throw new Error(card.error);
    expect(card.values).toMatchObject({ firstName: 'X Y', birthdayYear: null, birthdayMonth: 4, birthdayDay: 15 });
    expect(card.values.phones).toEqual([{ value: '+12025550143', input: '+1-202-555-0143', label: 'mobile' }]);
  });

  it('refuses what is not one card', () => {
    expect(readCard('hello', null)).toHaveProperty('error');
    expect(readCard('BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\nBEGIN:VCARD\r\nEND:VCARD\r\n', null)).toHaveProperty('error');
  });
});

describe('patching a stored card', () => {
  const read = readCard(IOS, 'GB');
  if ('error' in read) throw new Error(read.error);
  const at = new Date('2026-12-01T10:00:00Z');

  it('changes nothing when nothing changed', () => {
    expect(patchCard(IOS, 'GB', { values: read.values, at })).toBe(IOS);
  });

  it('rewrites only the changed lines; unknown properties, groups and the photo keep their bytes', () => {
    const values = { ...read.values, phones: [read.values.phones[0]!, { value: '+380501234567', input: '+380501234567', label: 'work' }] };
    const patched = patchCard(IOS, 'GB', { values, at });
    const lines = patched.split('\r\n');
    expect(lines).toContain('item1.TEL;type=CELL;type=pref:+44 20 7946 0958');
    expect(lines).toContain('item1.X-ABLabel:_$!<Mobile>!$_');
    expect(lines).not.toContain('item2.TEL:020 7946 0000');
    expect(lines).not.toContain('item2.X-ABLabel:Lab');
    expect(lines).toContain('TEL;TYPE=WORK:+380501234567');
    expect(lines).toContain('TEL;TYPE=WORK:not a number'); // never Kith's to drop
    for (const kept of IOS.split('\r\n').filter((l) => !l.includes('TEL') && !l.includes('X-ABLabel'))) {
      expect(lines).toContain(kept);
    }
    const reread = readCard(patched, 'GB');
    if ('error' in reread) throw new Error(reread.error);
    expect(reread.values.phones.map((p) => [p.value, p.label])).toEqual([
      ['+442079460958', 'mobile'],
      ['+380501234567', 'work'],
    ]);
  });

  it('keeps the other parts of N and ORG when the name or company changes', () => {
    const patched = patchCard(IOS, 'GB', { values: { ...read.values, firstName: 'Augusta', organization: 'Babbage & Co' }, at });
    expect(patched).toContain('\r\nN:Lovelace;Augusta;Augusta;Lady;\r\n');
    expect(patched).toContain('\r\nFN:Augusta Lovelace\r\n');
    expect(patched).toContain('\r\nORG:Babbage & Co;R&D\r\n');
  });

  it('a custom label gets a group of its own, not one the card already uses', () => {
    const values = { ...read.values, emails: [{ value: 'ada@example.com', label: 'Lab' }] };
    const patched = patchCard(IOS, 'GB', { values, at });
    expect(patched).toContain('item3.EMAIL;TYPE=INTERNET:ada@example.com\r\nitem3.X-ABLabel:Lab');
  });
});

describe('generated cards', () => {
  const row = {
    id: 'c1',
    cardUid: 'c1',
    firstName: 'Zoë',
    lastName: "O'Brien",
    emails: [{ value: 'zoe@example.org', label: 'work' }],
    phones: [{ value: '+442079460958', input: '020 7946 0958', label: 'Studio' }],
    addresses: [],
    websites: [],
    organization: 'Acme; Inc',
    jobTitle: null,
    notes: 'ü'.repeat(80),
    birthdayYear: null,
    birthdayMonth: 2,
    birthdayDay: 29,
    photoUrl: null,
    updatedAt: new Date('2026-11-30T12:00:00.123Z'),
  } as unknown as ContactRow;

  it('is a vCard 3.0 that reads back as the same contact, folded at 75 octets', () => {
    const card = generateCard(row);
    for (const line of card.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const component = new ICAL.Component(ICAL.parse(card));
    expect(component.getFirstPropertyValue('version')).toBe('3.0');
    const read = readCard(card, null);
    if ('error' in read) throw new Error(read.error);
    expect(read.values).toMatchObject({
      firstName: 'Zoë',
      lastName: "O'Brien",
      organization: 'Acme; Inc',
      notes: 'ü'.repeat(80),
      birthdayYear: null,
      birthdayMonth: 2,
      birthdayDay: 29,
      emails: [{ value: 'zoe@example.org', label: 'work' }],
      phones: [{ value: '+442079460958', label: 'Studio' }],
    });
    expect(generateCard(row)).toBe(card);
  });

  it('folds without splitting a character', () => {
    const folded = foldLine(`NOTE:${'я'.repeat(60)}`, '\r\n');
    const split = splitCard(`BEGIN:VCARD\r\n${folded}\r\nEND:VCARD\r\n`);
    expect('error' in split).toBe(false);
    expect(folded.replace(/\r\n /g, '')).toBe(`NOTE:${'я'.repeat(60)}`);
  });
});

describe('readCard: TEXT escapes', () => {
  it('reads \\; as a semicolon in NOTE, TITLE, FN and X-ABLabel (ical.js undoes only \\\\, \\, and \\n)', () => {
    for (const version of ['3.0', '4.0']) {
      const card = [
        'BEGIN:VCARD',
        `VERSION:${version}`,
        'UID:escapes',
        'FN:Ada\\; Countess',
        'TITLE:Analyst\\; poet',
        'NOTE:one\\; two\\, three\\nfour\\\\five',
        'item1.EMAIL:ada@example.com',
        'item1.X-ABLabel:Lab\\; old',
        'END:VCARD',
        '',
      ].join('\r\n');
      const read = readCard(card, null);
      if ('error' in read) throw new Error(read.error);
      expect(read.values).toMatchObject({ firstName: 'Ada; Countess', jobTitle: 'Analyst; poet', notes: 'one; two, three\nfour\\five' });
      expect(read.values.emails).toEqual([{ value: 'ada@example.com', label: 'Lab; old' }]);
    }
  });
});
