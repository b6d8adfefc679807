import type { Contact } from '../../../src/modules/contacts/contacts.schemas.js';
import { isBlankRow, newRowKey, type Row, rowErrorPath } from '../forms/list-rows.js';
import { joinBirthday, splitBirthday } from '../lib/birthdays.js';
import { isSuggestedLabel } from '../lib/labels.js';
import { displayPhone } from '../lib/phones.js';

/** A phone, email or website row. `label` is a suggested label's key, or the typed text when `customLabel`. */
export interface EntryRow extends Row {
  value: string;
  label: string;
  customLabel: boolean;
}

export interface AddressRow extends Row {
  label: string;
  customLabel: boolean;
  street: string;
  locality: string;
  region: string;
  postalCode: string;
  country: string;
}

export type ListName = 'phones' | 'emails' | 'websites';

// A type, not an interface: the form hook needs it to be a plain record of its keys.
export type ContactValues = {
  firstName: string;
  lastName: string;
  organization: string;
  jobTitle: string;
  phones: EntryRow[];
  emails: EntryRow[];
  addresses: AddressRow[];
  websites: EntryRow[];
  birthdayDay: string;
  birthdayMonth: string;
  birthdayYear: string;
  notes: string;
};

/** What a new row is labelled until the person picks another, as phones' address books do. */
export const DEFAULT_LABELS = { phones: 'mobile', emails: 'home', websites: '', addresses: 'home' } as const;

// A stored label in the picker: a suggested one however it was capitalised (a vCard may say "WORK"), else typed text.
function pickerLabel(label: string | null): Pick<EntryRow, 'label' | 'customLabel'> {
  if (!label) return { label: '', customLabel: false };
  const lower = label.toLowerCase();
  return isSuggestedLabel(lower) ? { label: lower, customLabel: false } : { label, customLabel: true };
}

export const newEntryRow = (label: string): EntryRow => ({ key: newRowKey(), value: '', label, customLabel: false });

export const newAddressRow = (): AddressRow => ({
  key: newRowKey(),
  label: DEFAULT_LABELS.addresses,
  customLabel: false,
  street: '',
  locality: '',
  region: '',
  postalCode: '',
  country: '',
});

function entryRows(
  entries: Array<{ value: string; label: string | null }>,
  defaultLabel: string,
  atLeastOne: boolean,
  shown: (value: string) => string = (value) => value,
) {
  const rows = entries.map((e) => ({ key: newRowKey(), value: shown(e.value), ...pickerLabel(e.label) }));
  // Phones and emails keep one empty row ready, so the common case needs no "Add" click.
  return rows.length === 0 && atLeastOne ? [newEntryRow(defaultLabel)] : rows;
}

export function valuesOf(contact: Contact | undefined): ContactValues {
  const birthday = splitBirthday(contact?.birthday);
  return {
    firstName: contact?.firstName ?? '',
    lastName: contact?.lastName ?? '',
    organization: contact?.organization ?? '',
    jobTitle: contact?.jobTitle ?? '',
    // Grouped as people read them; the API reads that back to the same E.164.
    phones: entryRows(contact?.phones ?? [], DEFAULT_LABELS.phones, true, displayPhone),
    emails: entryRows(contact?.emails ?? [], DEFAULT_LABELS.emails, true),
    addresses: (contact?.addresses ?? []).map((a) => ({
      key: newRowKey(),
      ...pickerLabel(a.label),
      street: a.street ?? '',
      locality: a.locality ?? '',
      region: a.region ?? '',
      postalCode: a.postalCode ?? '',
      country: a.country ?? '',
    })),
    websites: entryRows(contact?.websites ?? [], DEFAULT_LABELS.websites, false),
    birthdayDay: birthday.day,
    birthdayMonth: birthday.month,
    birthdayYear: birthday.year,
    notes: contact?.notes ?? '',
  };
}

export const birthdayParts = (v: ContactValues) => ({ day: v.birthdayDay, month: v.birthdayMonth, year: v.birthdayYear });

/** The rows that are sent: an "add another" row left empty is not an entry (its label alone says nothing). */
function sentRows(v: ContactValues) {
  const filled = <R extends EntryRow | AddressRow>(rows: R[]) => rows.filter((row) => !isBlankRow(row, ['label']));
  return {
    phones: filled(v.phones),
    emails: filled(v.emails),
    addresses: filled(v.addresses),
    websites: filled(v.websites),
  };
}

const entry = ({ value, label }: EntryRow) => ({ value, label });

/**
 * The inputs as the API takes them: blank optional fields mean "none", and whole lists are sent
 * (a PATCH replaces each list, so an emptied one clears it). `email` and `phone` are never sent:
 * the lists say it all.
 */
export function toInput(v: ContactValues) {
  const sent = sentRows(v);
  return {
    firstName: v.firstName,
    lastName: v.lastName,
    organization: v.organization,
    jobTitle: v.jobTitle,
    phones: sent.phones.map(entry),
    emails: sent.emails.map(entry),
    addresses: sent.addresses.map(({ key: _key, customLabel: _custom, ...address }) => address),
    websites: sent.websites.map(entry),
    birthday: joinBirthday(birthdayParts(v)),
    notes: v.notes,
  };
}

/** `phones.2.value` (of what was sent) → `phones.<row>.value`; the birthday's three inputs share `birthday`. */
export const errorPathOf = (path: string[], v: ContactValues): string =>
  rowErrorPath(path, sentRows(v)) ?? path[0] ?? '';

export const errorKeyOf = (name: string) => (name.startsWith('birthday') ? 'birthday' : name);
