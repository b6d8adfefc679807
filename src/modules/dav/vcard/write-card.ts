/**
 * Lines Kith writes into cards: a whole vCard 3.0 for a contact made in the API, and single lines
 * when an edit in the API changes a field of a card a client wrote (in that card's version).
 */
import type { ContactRow } from '../../../db/schema.js';
import { publicPhotoUrl } from '../../contacts/contacts.presenter.js';
import type { Address } from '../../contacts/contact-details.schemas.js';
import type { ContactValues } from '../../contacts/contacts.repository.js';
import { escapeText, foldLine } from './card-lines.js';

export type CardVersion = '3.0' | '4.0';
export const cardVersionOf = (version: string): CardVersion => (version.trim() === '4.0' ? '4.0' : '3.0');

/** Labels with a TYPE of their own; any other label is written as an Apple-style group label. */
const TYPE_OF_LABEL: Record<string, string> = { mobile: 'cell', home: 'home', work: 'work', other: 'other', fax: 'fax', pager: 'pager', main: 'main' };

/** A property line, unfolded: `[group.]NAME[;params]:value`. */
export interface NewLine {
  text: string;
  /** Extra lines that belong with it (an `X-ABLabel` of its group). */
  companions: string[];
}

export class LineWriter {
  private groupCounter: number;

  constructor(
    readonly version: CardVersion,
    /** Groups already used in the card, so a new `itemN` never joins another property's group. */
    usedGroups: ReadonlySet<string> = new Set(),
  ) {
    let highest = 0;
    for (const group of usedGroups) {
      const match = /^item(\d+)$/i.exec(group);
      if (match) highest = Math.max(highest, Number(match[1]));
    }
    this.groupCounter = highest;
  }

  private labelled(name: string, label: string | null, extraTypes: string[], value: string): NewLine {
    const known = label === null ? undefined : TYPE_OF_LABEL[label.toLowerCase()];
    const types = [...extraTypes, ...(known ? [known] : [])].map((t) => (this.version === '3.0' ? t.toUpperCase() : t));
    const params = types.length > 0 ? `;TYPE=${this.version === '4.0' && types.length > 1 ? `"${types.join(',')}"` : types.join(',')}` : '';
    if (label !== null && !known) {
      this.groupCounter += 1;
      const group = `item${this.groupCounter}`;
      return { text: `${group}.${name}${params}:${value}`, companions: [`${group}.X-ABLabel:${escapeText(label)}`] };
    }
    return { text: `${name}${params}:${value}`, companions: [] };
  }

  email(entry: { value: string; label: string | null }): NewLine {
    return this.labelled('EMAIL', entry.label, this.version === '3.0' ? ['internet'] : [], escapeText(entry.value));
  }

  phone(entry: { value: string; label: string | null }): NewLine {
    return this.version === '4.0'
      ? this.labelled('TEL;VALUE=uri', entry.label, [], `tel:${entry.value}`)
      : this.labelled('TEL', entry.label, [], entry.value);
  }

  /** ADR; `extra` carries the two components Kith doesn't show, for files that have them (an import). */
  address(a: Address, extra: { poBox?: string | null; extended?: string | null } = {}): NewLine {
    const parts = [extra.poBox, extra.extended, a.street, a.locality, a.region, a.postalCode, a.country].map((p) => escapeText(p ?? ''));
    return this.labelled('ADR', a.label, [], parts.join(';'));
  }

  website(entry: { value: string; label: string | null }): NewLine {
    return this.labelled('URL', entry.label, [], entry.value);
  }

  /** N with the given and family names, keeping any other components the card had (middle name, prefix, suffix). */
  n(firstName: string, lastName: string | null, others: readonly string[] = []): string {
    const [additional = '', prefix = '', suffix = ''] = others;
    return `N:${[escapeText(lastName ?? ''), escapeText(firstName), additional, prefix, suffix].join(';')}`;
  }

  fn(firstName: string, lastName: string | null): string {
    return `FN:${escapeText(lastName ? `${firstName} ${lastName}` : firstName)}`;
  }

  birthday(values: Pick<ContactValues, 'birthdayYear' | 'birthdayMonth' | 'birthdayDay'>): string | null {
    const { birthdayYear: year, birthdayMonth: month, birthdayDay: day } = values;
    if (month === null || day === null) return null;
    const mm = String(month).padStart(2, '0');
    const dd = String(day).padStart(2, '0');
    if (this.version === '4.0') return `BDAY:${year === null ? `--${mm}${dd}` : `${year}${mm}${dd}`}`;
    // vCard 3.0 has no date without a year; Apple's convention is understood by most clients.
    return year === null ? `BDAY;X-APPLE-OMIT-YEAR=1604:1604-${mm}-${dd}` : `BDAY:${year}-${mm}-${dd}`;
  }

  photo(url: string): string {
    return this.version === '4.0' ? `PHOTO:${url}` : `PHOTO;VALUE=uri:${url}`;
  }
}

const fold = (lines: string[], eol: string) => lines.map((line) => foldLine(line, eol));

/** The whole card for a contact that has none stored: vCard 3.0, deterministic for the same row. */
export function generateCard(row: ContactRow): string {
  const w = new LineWriter('3.0');
  const list = (entries: NewLine[]) => entries.flatMap((entry) => [entry.text, ...entry.companions]);
  const lines = [
    'BEGIN:VCARD',
    'VERSION:3.0',
    'PRODID:-//Kith//Kith//EN',
    `UID:${escapeText(row.cardUid)}`,
    w.fn(row.firstName, row.lastName),
    w.n(row.firstName, row.lastName),
    ...list(row.emails.map((e) => w.email(e))),
    ...list(row.phones.map((p) => w.phone(p))),
    ...list(row.addresses.map((a) => w.address(a))),
    ...list(row.websites.map((u) => w.website(u))),
    ...(row.organization ? [`ORG:${escapeText(row.organization)}`] : []),
    ...(row.jobTitle ? [`TITLE:${escapeText(row.jobTitle)}`] : []),
    ...[w.birthday(row)].filter((line): line is string => line !== null),
    ...(row.notes ? [`NOTE:${escapeText(row.notes)}`] : []),
    ...(row.photoUrl ? [w.photo(row.photoUrl)] : []),
    `REV:${row.updatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
    'END:VCARD',
  ];
  return `${fold(lines, '\r\n').join('\r\n')}\r\n`;
}

/** A contact's card: as a client stored it, or generated from its fields (with an absolute photo URL). */
export const cardOfContact = (row: ContactRow, appUrl: string): string =>
  row.card ?? generateCard({ ...row, photoUrl: publicPhotoUrl(row.photoUrl, appUrl) });
