/**
 * Google Contacts and Outlook CSV exports, read with csv-parse and turned into vCard 3.0 cards, so
 * that an imported row goes through the same card → contact mapping (read-card.ts) as a card from
 * a phone, and is stored as a card CardDAV can serve. Columns Kith has no field for are kept in
 * the card too: the vCard property where there is one (NICKNAME, CATEGORIES, the middle name in N,
 * the department in ORG), else `X-KITH-CSV;X-COLUMN="<column>":<value>`.
 */
import { randomUUID } from 'node:crypto';
import { CsvError, parse } from 'csv-parse/sync';
import { parseBirthday } from '../contacts/birthdays.js';
import { escapeText, foldLine } from '../dav/vcard/card-lines.js';
import { LineWriter, type NewLine } from '../dav/vcard/write-card.js';
import type { FileCard, FileProblem } from './vcard-file.js';

export type CsvFormat = 'google-csv' | 'outlook-csv';

type Single = 'given' | 'middle' | 'family' | 'prefix' | 'suffix' | 'nickname' | 'org' | 'title' | 'department' | 'birthday' | 'notes' | 'photo' | 'categories';
type ListFamily = 'email' | 'phone' | 'address' | 'website';
type AddressPart = 'label' | 'formatted' | 'street' | 'city' | 'poBox' | 'region' | 'postalCode' | 'country' | 'extended';
/** What a column holds: a single field, one part of a numbered list entry, or nothing Kith maps. */
type Role =
  | { kind: 'single'; field: Single }
  | { kind: 'entry'; family: ListFamily; key: string; part: AddressPart | 'value'; label?: string }
  | { kind: 'other' };

const GOOGLE_SINGLE: Record<string, Single> = {
  'First Name': 'given',
  'Given Name': 'given',
  'Middle Name': 'middle',
  'Additional Name': 'middle',
  'Last Name': 'family',
  'Family Name': 'family',
  'Name Prefix': 'prefix',
  'Name Suffix': 'suffix',
  Nickname: 'nickname',
  'Organization Name': 'org',
  'Organization 1 - Name': 'org',
  'Organization Title': 'title',
  'Organization 1 - Title': 'title',
  'Organization Department': 'department',
  'Organization 1 - Department': 'department',
  Birthday: 'birthday',
  Notes: 'notes',
  Photo: 'photo',
  Labels: 'categories',
  'Group Membership': 'categories',
};

const ADDRESS_PARTS: Record<string, AddressPart> = {
  Label: 'label',
  Type: 'label',
  Formatted: 'formatted',
  Street: 'street',
  City: 'city',
  'PO Box': 'poBox',
  Region: 'region',
  'Postal Code': 'postalCode',
  Country: 'country',
  'Extended Address': 'extended',
};

function googleRole(column: string): Role | undefined {
  const single = GOOGLE_SINGLE[column];
  if (single) return { kind: 'single', field: single };
  const listed = /^(E-mail|Phone|Website) (\d+) - (Label|Type|Value)$/.exec(column);
  if (listed) {
    const family = ({ 'E-mail': 'email', Phone: 'phone', Website: 'website' } as const)[listed[1] as 'E-mail' | 'Phone' | 'Website'];
    return { kind: 'entry', family, key: listed[2]!, part: listed[3] === 'Value' ? 'value' : 'label' };
  }
  const address = /^Address (\d+) - (.+)$/.exec(column);
  const part = address ? ADDRESS_PARTS[address[2]!] : undefined;
  if (address && part) return { kind: 'entry', family: 'address', key: address[1]!, part };
  return undefined;
}

const OUTLOOK_SINGLE: Record<string, Single> = {
  'First Name': 'given',
  'Middle Name': 'middle',
  'Last Name': 'family',
  Title: 'prefix',
  Suffix: 'suffix',
  Nickname: 'nickname',
  Company: 'org',
  Department: 'department',
  'Job Title': 'title',
  Birthday: 'birthday',
  Notes: 'notes',
  Categories: 'categories',
};

/** Outlook's phone columns, each with the label it means. */
const OUTLOOK_PHONES: Record<string, string> = {
  'Primary Phone': 'main',
  'Home Phone': 'home',
  'Home Phone 2': 'home',
  'Business Phone': 'work',
  'Business Phone 2': 'work',
  'Mobile Phone': 'mobile',
  'Car Phone': 'car',
  'Other Phone': 'other',
  Pager: 'pager',
  'Business Fax': 'work fax',
  'Home Fax': 'home fax',
  'Other Fax': 'fax',
  'Company Main Phone': 'company',
  "Assistant's Phone": 'assistant',
  Callback: 'callback',
  'Radio Phone': 'radio',
  'TTY/TDD Phone': 'tty',
  ISDN: 'isdn',
  Telex: 'telex',
};

const OUTLOOK_ADDRESS_PARTS: Record<string, AddressPart> = {
  Street: 'street',
  'Street 2': 'street',
  'Street 3': 'street',
  City: 'city',
  State: 'region',
  'Postal Code': 'postalCode',
  'Country/Region': 'country',
  'PO Box': 'poBox',
};

function outlookRole(column: string): Role | undefined {
  const single = OUTLOOK_SINGLE[column];
  if (single) return { kind: 'single', field: single };
  const email = /^E-mail(?: (\d))? Address$/.exec(column);
  if (email) return { kind: 'entry', family: 'email', key: email[1] ?? '1', part: 'value' };
  const phone = OUTLOOK_PHONES[column];
  if (phone) return { kind: 'entry', family: 'phone', key: column, part: 'value', label: phone };
  if (column === 'Web Page') return { kind: 'entry', family: 'website', key: 'work', part: 'value' };
  if (column === 'Personal Web Page') return { kind: 'entry', family: 'website', key: 'home', part: 'value', label: 'home' };
  const address = /^(Business|Home|Other) (.+)$/.exec(column);
  const part = address ? OUTLOOK_ADDRESS_PARTS[address[2]!] : undefined;
  if (address && part) {
    const label = ({ Business: 'work', Home: 'home', Other: 'other' } as const)[address[1] as 'Business' | 'Home' | 'Other'];
    return { kind: 'entry', family: 'address', key: label, part, label };
  }
  return undefined;
}

/** Which export the header is: the one that knows most of its columns, if it knows enough of them. */
function formatOf(header: readonly string[]): { format: CsvFormat; roles: Role[] } | undefined {
  const score = (role: (c: string) => Role | undefined) => header.filter((c) => role(c) !== undefined).length;
  const google = score(googleRole);
  const outlook = score(outlookRole);
  const hasName = (names: string[]) => names.some((name) => header.includes(name));
  if (google >= outlook && google >= 2 && hasName(['First Name', 'Given Name', 'Name'])) {
    return { format: 'google-csv', roles: header.map((c) => googleRole(c) ?? { kind: 'other' }) };
  }
  if (outlook >= 2 && hasName(['First Name', 'Last Name', 'Company'])) {
    return { format: 'outlook-csv', roles: header.map((c) => outlookRole(c) ?? { kind: 'other' }) };
  }
  return undefined;
}

export interface CsvCards {
  format: CsvFormat;
  /** One per data row, in order; null for a row with nothing in it. */
  cards: (FileCard | null)[];
}

/** Reads a Google or Outlook CSV export into one card per row. */
export function cardsOfCsv(text: string): CsvCards | FileProblem {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  // Outlook in many European locales separates with semicolons.
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      return { error: `${line ? `line ${line}: ` : ''}this CSV could not be read: ${error.message.replace(/^.*?: /, '')}` };
    }
    throw error;
  }
  const [header, ...rows] = records;
  if (!header) return { error: 'the file is empty' };
  const columns = header.record.map((c) => c.trim());
  const known = formatOf(columns);
  if (!known) {
    return {
      error:
        `line 1: these columns are not a Google Contacts or Outlook export (${columns.slice(0, 6).join(', ')}${columns.length > 6 ? ', …' : ''}); ` +
        'export "Google CSV" from Google Contacts or "CSV" from Outlook, or a vCard file',
    };
  }
  return {
    format: known.format,
    cards: rows.map(({ record, info }) => rowCard(columns, known.roles, record, info.lines)),
  };
}

/** A label as Kith keeps it: the usual ones in lower case, Google's `* ` (primary) mark dropped. */
function labelOf(text: string | undefined): string | null {
  const label = (text ?? '').replace(/^\*\s*/, '').trim();
  if (label === '') return null;
  const lower = label.toLowerCase();
  return ['mobile', 'home', 'work', 'other', 'main', 'pager', 'fax'].includes(lower) ? lower : label;
}

/** Google joins several values of one entry with " ::: ". */
const values = (cell: string) =>
  cell
    .split(' ::: ')
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** Outlook writes M/D/YYYY (and 0/0/00 for none); Google 1985-07-04 or --07-04. */
function birthdayLine(writer: LineWriter, text: string): string | null {
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
  const iso = us ? `${us[3]}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}` : dotted ? `${dotted[3]}-${dotted[2]!.padStart(2, '0')}-${dotted[1]!.padStart(2, '0')}` : text;
  const birthday = parseBirthday(iso);
  if (!birthday) return null;
  return writer.birthday({ birthdayYear: birthday.year, birthdayMonth: birthday.month, birthdayDay: birthday.day });
}

/** What Outlook writes in a field nobody filled: 0/0/00 for a date, its default for a few choices. */
const isOutlookBlank = (column: string, cell: string) =>
  /^0\/0\/0*$/.test(cell) || (['Gender', 'Priority', 'Sensitivity'].includes(column) && ['Unspecified', 'Normal'].includes(cell));

function rowCard(columns: string[], roles: Role[], record: string[], line: number): FileCard | null {
  const single = new Map<Single, string[]>();
  const entries = new Map<string, { family: ListFamily; label: string | null; parts: Map<string, string[]> }>();
  const others: string[] = [];
  const w = new LineWriter('3.0');
  for (const [i, role] of roles.entries()) {
    const cell = (record[i] ?? '').trim();
    if (cell === '' || isOutlookBlank(columns[i]!, cell)) continue;
    if (role.kind === 'single') single.set(role.field, [...(single.get(role.field) ?? []), cell]);
    else if (role.kind === 'entry') {
      const id = `${role.family} ${role.key}`;
      const entry = entries.get(id) ?? { family: role.family, label: role.label ?? null, parts: new Map<string, string[]>() };
      if (role.part === 'label') entry.label = labelOf(cell);
      else entry.parts.set(role.part, [...(entry.parts.get(role.part) ?? []), cell]);
      entries.set(id, entry);
    } else {
      others.push(`X-KITH-CSV;X-COLUMN="${columns[i]!.replace(/"/g, "'")}":${escapeText(cell)}`);
    }
  }
  const one = (field: Single) => single.get(field)?.join(' ') ?? '';
  const categories = (single.get('categories') ?? [])
    .flatMap((cell) => cell.split(/ ::: |;/))
    .map((c) => c.replace(/^\*\s*/, '').trim())
    .filter((c) => c !== '' && !['mycontacts', 'my contacts'].includes(c.toLowerCase()));

  const lines: NewLine[] = [];
  const head: string[] = [];
  const add = (text: string | null) => text && head.push(text);
  for (const entry of entries.values()) {
    const part = (name: AddressPart | 'value') => entry.parts.get(name)?.join(entry.family === 'address' ? ', ' : ' ::: ') ?? '';
    if (entry.family === 'address') {
      const street = part('street') || (part('city') || part('postalCode') || part('country') ? '' : part('formatted'));
      const address = { label: entry.label, street, locality: part('city'), region: part('region'), postalCode: part('postalCode'), country: part('country') };
      if (Object.values(address).some((v) => v) || part('poBox')) lines.push(w.address(address, { poBox: part('poBox'), extended: part('extended') }));
      continue;
    }
    for (const value of values(part('value'))) {
      if (entry.family === 'email') lines.push(w.email({ value, label: entry.label }));
      else if (entry.family === 'phone') lines.push(w.phone({ value, label: entry.label }));
      else lines.push(w.website({ value, label: entry.label }));
    }
  }
  const given = one('given');
  const family = one('family');
  const org = one('org');
  const hasContent = lines.length > 0 || [given, family, org, one('title'), one('notes'), one('birthday'), one('nickname')].some((v) => v);
  if (!hasContent && others.length === 0) return null;

  const fnText = [one('prefix'), given, one('middle'), family, one('suffix')].filter(Boolean).join(' ') || org || one('nickname');
  add(fnText ? `FN:${escapeText(fnText)}` : null);
  add(`N:${[family, given, one('middle'), one('prefix'), one('suffix')].map(escapeText).join(';')}`);
  add(one('nickname') ? `NICKNAME:${escapeText(one('nickname'))}` : null);
  add(org || one('department') ? `ORG:${escapeText(org)}${one('department') ? `;${escapeText(one('department'))}` : ''}` : null);
  add(one('title') ? `TITLE:${escapeText(one('title'))}` : null);
  if (one('birthday')) {
    const bday = birthdayLine(w, one('birthday'));
    add(bday ?? `X-KITH-CSV;X-COLUMN=Birthday:${escapeText(one('birthday'))}`);
  }
  add(one('notes') ? `NOTE:${escapeText(one('notes'))}` : null);
  const photo = one('photo');
  add(/^https?:\/\/\S+$/i.test(photo) ? w.photo(photo) : photo ? `X-KITH-CSV;X-COLUMN=Photo:${escapeText(photo)}` : null);
  add(categories.length > 0 ? `CATEGORIES:${categories.map(escapeText).join(',')}` : null);
  const body = [...head, ...lines.flatMap((l) => [l.text, ...l.companions]), ...others];
  const card = ['BEGIN:VCARD', 'VERSION:3.0', 'PRODID:-//Kith//CSV import//EN', `UID:${randomUUID()}`, ...body, 'END:VCARD'];
  return { text: `${card.map((l) => foldLine(l, '\r\n')).join('\r\n')}\r\n`, line };
}
