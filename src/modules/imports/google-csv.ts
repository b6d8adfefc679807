/**
 * Contacts as the CSV Google Contacts exports (its current column names), so the file opens in
 * Google Contacts, Outlook and spreadsheets. Lists get as many numbered columns as the contact
 * with the most entries needs.
 */
import { stringify } from 'csv-stringify/sync';
import type { ContactRow } from '../../db/schema.js';
import { birthdayOf } from '../contacts/contacts.presenter.js';
import { formatBirthday } from '../contacts/birthdays.js';

const LABEL_TEXT: Record<string, string> = { mobile: 'Mobile', home: 'Home', work: 'Work', other: 'Other' };
const labelText = (label: string | null) => (label === null ? '' : (LABEL_TEXT[label] ?? label));

const ADDRESS_PARTS = ['Formatted', 'Street', 'City', 'Region', 'Postal Code', 'Country'] as const;

export function googleCsv(contacts: readonly ContactRow[]): string {
  const most = (pick: (c: ContactRow) => readonly unknown[]) => Math.max(1, ...contacts.map((c) => pick(c).length));
  const emails = most((c) => c.emails);
  const phones = most((c) => c.phones);
  const addresses = most((c) => c.addresses);
  const websites = most((c) => c.websites);
  const numbered = (count: number, what: string, parts: readonly string[]) =>
    Array.from({ length: count }, (_, i) => parts.map((part) => `${what} ${i + 1} - ${part}`)).flat();

  const header = [
    'First Name',
    'Last Name',
    'Organization Name',
    'Organization Title',
    'Birthday',
    'Notes',
    'Photo',
    'Labels',
    ...numbered(emails, 'E-mail', ['Label', 'Value']),
    ...numbered(phones, 'Phone', ['Label', 'Value']),
    ...numbered(addresses, 'Address', ['Label', ...ADDRESS_PARTS]),
    ...numbered(websites, 'Website', ['Label', 'Value']),
  ];
  const pad = (cells: string[], width: number) => [...cells, ...Array<string>(width - cells.length).fill('')];
  const rows = contacts.map((c) => {
    const birthday = birthdayOf(c);
    return [
      c.firstName,
      c.lastName ?? '',
      c.organization ?? '',
      c.jobTitle ?? '',
      birthday ? formatBirthday(birthday) : '',
      c.notes ?? '',
      c.photoUrl?.startsWith('http') ? c.photoUrl : '',
      '* myContacts',
      ...pad(c.emails.flatMap((e) => [labelText(e.label), e.value]), emails * 2),
      ...pad(c.phones.flatMap((p) => [labelText(p.label), p.value]), phones * 2),
      ...pad(
        c.addresses.flatMap((a) => {
          const formatted = [a.street, [a.postalCode, a.locality].filter(Boolean).join(' '), a.region, a.country]
            .filter(Boolean)
            .join('\n');
          return [labelText(a.label), formatted, a.street ?? '', a.locality ?? '', a.region ?? '', a.postalCode ?? '', a.country ?? ''];
        }),
        addresses * 7,
      ),
      ...pad(c.websites.flatMap((w) => [labelText(w.label), w.value]), websites * 2),
    ];
  });
  // A byte-order mark, so spreadsheet programs read the file as UTF-8.
  return `\uFEFF${stringify([header, ...rows], { record_delimiter: '\r\n' })}`;
}
