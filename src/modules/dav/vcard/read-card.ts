/**
 * What Kith shows of a vCard: the contact's fields, read from the card with ical.js (which decodes
 * values, parameters, escaping and both vCard 3.0 and 4.0), and which line each field came from.
 * The card itself stays as it was; anything the API's rules would refuse (a number that can't be
 * read, an address that isn't an email, a note over 2000 characters) is left out of the fields
 * and kept in the card.
 */
import ICAL from 'ical.js';
import type { StoredPhone } from '../../../db/schema.js';
import { parseBirthday } from '../../contacts/birthdays.js';
import {
  type Address,
  type EmailEntry,
  emailValueSchema,
  MAX_ADDRESSES,
  MAX_EMAILS,
  MAX_PHONES,
  MAX_WEBSITES,
  type WebsiteEntry,
} from '../../contacts/contact-details.schemas.js';
import type { ContactValues } from '../../contacts/contacts.repository.js';
import { normalizePhone } from '../../contacts/phone.js';
import { type CardText, splitCard } from './card-lines.js';

export type ListFamily = 'emails' | 'phones' | 'addresses' | 'websites';

/** The picture a card carries: its bytes, or a link to it. */
export type CardPhoto = { kind: 'data'; data: Buffer } | { kind: 'uri'; uri: string };

export interface ReadCard {
  text: CardText;
  version: string;
  uid: string | null;
  /** A contact group (`KIND:group`, `X-ADDRESSBOOKSERVER-KIND:group`), which is not a contact. */
  isGroup: boolean;
  values: ContactValues;
  photo: CardPhoto | null;
  /** For each list field, the line index each of its entries came from, in order. */
  entryLines: Record<ListFamily, number[]>;
}

export type CardProblem = { error: string; line?: number };

const MAX = { firstName: 100, lastName: 100, organization: 200, jobTitle: 200, notes: 2000, label: 50 } as const;

const clip = (value: string | null | undefined, max: number): string | null => {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : Array.from(trimmed).slice(0, max).join('');
};

/** Labels a phone's address book shows, read from the line's group (`X-ABLabel`) or its TYPEs. */
const IGNORED_TYPES = new Set(['pref', 'voice', 'internet', 'x400', 'text', 'uri', 'msg', 'dom', 'intl', 'postal', 'parcel']);

function labelOf(property: ICAL.Property, groupLabels: Map<string, string>): string | null {
  const group = property.getParameter('group');
  const fromGroup = typeof group === 'string' ? groupLabels.get(group.toLowerCase()) : undefined;
  if (fromGroup) return fromGroup;
  const types = ([] as unknown[])
    .concat(property.getParameter('type') ?? [])
    .flatMap((t) => String(t).split(','))
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '' && !IGNORED_TYPES.has(t));
  // A fax or a pager is that first of all, whatever else it is (TYPE=WORK,FAX is a work fax).
  const first = types.find((t) => t === 'fax' || t === 'pager') ?? types[0];
  if (!first) return null;
  return clip(first === 'cell' ? 'mobile' : first, MAX.label);
}

/** `_$!<Mobile>!$_` (Apple's built-in labels) reads as "mobile"; a typed label stays as typed. */
function abLabel(text: string): string | null {
  const builtIn = /^_\$!<(.*)>!\$_$/.exec(text);
  return clip(builtIn ? builtIn[1]!.toLowerCase() : text, MAX.label);
}

const textOf = (value: unknown): string => {
  if (Array.isArray(value)) return value.map(textOf).join(' ');
  if (value === null || value === undefined) return '';
  // ical.js gives strings, or value objects (dates, UTC offsets) that print as their vCard text.
  return typeof value === 'string' ? value : (value as { toString(): string }).toString();
};

/**
 * A TEXT value. ical.js undoes `\\`, `\,` and `\n` but leaves `\;`, which RFC 6350 writers
 * (Apple's, Kith's own) put before every semicolon, so a note would show its backslashes.
 */
const plainText = (value: unknown): string => textOf(value).replace(/\\;/g, ';');

function readBirthday(property: ICAL.Property | null): Pick<ContactValues, 'birthdayYear' | 'birthdayMonth' | 'birthdayDay'> {
  const none = { birthdayYear: null, birthdayMonth: null, birthdayDay: null };
  if (!property) return none;
  const raw = textOf(property.getFirstValue()).trim();
  // 3.0: 1815-12-10 or 18151210, maybe with a time; 4.0: --1210 or --12-10. Apple writes a
  // birthday without a year as year 1604 (with X-APPLE-OMIT-YEAR, or, in iOS 12.4, without).
  const noYear = /^--(\d\d)-?(\d\d)/.exec(raw);
  const full = /^(\d{4})-?(\d\d)-?(\d\d)/.exec(raw);
  let text: string | undefined;
  if (noYear) text = `--${noYear[1]}-${noYear[2]}`;
  else if (full) {
    const omitYear = property.getParameter('x-apple-omit-year') !== undefined || full[1] === '1604';
    text = omitYear ? `--${full[2]}-${full[3]}` : `${full[1]}-${full[2]}-${full[3]}`;
  }
  const birthday = text === undefined ? undefined : parseBirthday(text);
  return birthday ? { birthdayYear: birthday.year, birthdayMonth: birthday.month, birthdayDay: birthday.day } : none;
}

function readPhoto(property: ICAL.Property | null): CardPhoto | null {
  if (!property) return null;
  const value = textOf(property.getFirstValue()).trim();
  const encoding = String(property.getParameter('encoding') ?? '').toLowerCase();
  if (encoding === 'b' || encoding === 'base64') return { kind: 'data', data: Buffer.from(value.replace(/\s+/g, ''), 'base64') };
  const dataUri = /^data:[^;,]*(?:;[^,]*)?;base64,(.*)$/is.exec(value);
  if (dataUri) return { kind: 'data', data: Buffer.from(dataUri[1]!.replace(/\s+/g, ''), 'base64') };
  return /^https?:\/\//i.test(value) ? { kind: 'uri', uri: value } : null;
}

/**
 * Reads one card. `region` is the user's, for phone numbers written without a country code. A
 * text that isn't one vCard is a problem with the line it was found on.
 */
export function readCard(text: string, region: string | null): ReadCard | CardProblem {
  const split = splitCard(text);
  if ('error' in split) return split;
  const { lines } = split;
  if (lines[0]?.name !== 'BEGIN' || lines.at(-1)?.name !== 'END') return { error: 'a vCard starts with BEGIN:VCARD and ends with END:VCARD' };
  if (lines.filter((line) => line.name === 'BEGIN').length !== 1) return { error: 'send one vCard per resource' };

  let component: ICAL.Component;
  try {
    component = new ICAL.Component(ICAL.parse(text) as unknown[]);
  } catch (error) {
    return { error: `the vCard could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (component.name !== 'vcard') return { error: 'not a vCard' };

  // ical.js lists the properties in the order of the lines between BEGIN and END.
  const properties = component.getAllProperties();
  const body = lines.slice(1, -1);
  const lineOf = new Map<ICAL.Property, number>();
  if (properties.length === body.length) properties.forEach((property, i) => lineOf.set(property, i + 1));

  const groupLabels = new Map<string, string>();
  for (const property of component.getAllProperties('x-ablabel')) {
    const group = property.getParameter('group');
    const label = abLabel(plainText(property.getFirstValue()));
    if (typeof group === 'string' && label) groupLabels.set(group.toLowerCase(), label);
  }

  const entryLines: Record<ListFamily, number[]> = { emails: [], phones: [], addresses: [], websites: [] };
  const collect = <T>(family: ListFamily, name: string, max: number, read: (p: ICAL.Property) => T | undefined): T[] => {
    const found: T[] = [];
    for (const property of component.getAllProperties(name)) {
      const line = lineOf.get(property);
      const entry = found.length < max ? read(property) : undefined;
      // Entries are matched to their lines for edits; without a line to match, an entry can't be kept apart.
      if (entry === undefined || line === undefined) continue;
      found.push(entry);
      entryLines[family].push(line);
    }
    return found;
  };

  const emails = collect<EmailEntry>('emails', 'email', MAX_EMAILS, (p) => {
    const parsed = emailValueSchema.safeParse(textOf(p.getFirstValue()).replace(/^mailto:/i, ''));
    return parsed.success ? { value: parsed.data, label: labelOf(p, groupLabels) } : undefined;
  });
  const phones = collect<StoredPhone>('phones', 'tel', MAX_PHONES, (p) => {
    const input = textOf(p.getFirstValue()).replace(/^tel:/i, '').trim();
    const result = normalizePhone(input, region);
    return result.ok ? { value: result.e164, input, label: labelOf(p, groupLabels) } : undefined;
  });
  const addresses = collect<Address>('addresses', 'adr', MAX_ADDRESSES, (p) => {
    const parts = ([] as unknown[]).concat(p.getFirstValue()).map((part) => textOf(part));
    const [poBox, extended, street, locality, region_, postalCode, country] = parts;
    const address: Address = {
      label: labelOf(p, groupLabels),
      street: clip([poBox, extended, street].filter((s) => s && s.trim()).join(', '), 300),
      locality: clip(locality, 100),
      region: clip(region_, 100),
      postalCode: clip(postalCode, 20),
      country: clip(country, 100),
    };
    return address.street ?? address.locality ?? address.region ?? address.postalCode ?? address.country ? address : undefined;
  });
  const websites = collect<WebsiteEntry>('websites', 'url', MAX_WEBSITES, (p) => {
    const value = textOf(p.getFirstValue()).trim();
    return /^https?:\/\/[^\s]+$/i.test(value) && value.length <= 2000 ? { value, label: labelOf(p, groupLabels) } : undefined;
  });

  const n = component.getFirstProperty('n');
  const nParts = n ? ([] as unknown[]).concat(n.getFirstValue()).map((part) => textOf(part)) : [];
  const fn = clip(plainText(component.getFirstPropertyValue('fn')), MAX.firstName);
  const org = component.getFirstProperty('org');
  const organization = org ? clip(textOf(([] as unknown[]).concat(org.getFirstValue())[0]), MAX.organization) : null;
  const firstName = clip(nParts[1], MAX.firstName) ?? (clip(nParts[0], MAX.lastName) ? null : fn);
  const kind = textOf(component.getFirstPropertyValue('kind') ?? component.getFirstPropertyValue('x-addressbookserver-kind'));

  const uid = clip(textOf(component.getFirstPropertyValue('uid')), 1000);
  return {
    text: split,
    version: textOf(component.getFirstPropertyValue('version')).trim() || '3.0',
    uid,
    isGroup: kind.trim().toLowerCase() === 'group',
    values: {
      firstName: firstName ?? clip(nParts[0], MAX.lastName) ?? organization ?? emails[0]?.value ?? phones[0]?.input ?? 'Unnamed',
      lastName: firstName ? clip(nParts[0], MAX.lastName) : null,
      emails,
      phones,
      addresses,
      websites,
      organization,
      jobTitle: clip(plainText(component.getFirstPropertyValue('title')), MAX.jobTitle),
      notes: clip(plainText(component.getFirstPropertyValue('note')), MAX.notes),
      ...readBirthday(component.getFirstProperty('bday')),
    },
    photo: readPhoto(component.getFirstProperty('photo')),
    entryLines,
  };
}

