/**
 * From a validated request body to the columns of a contact. The schemas have already checked
 * shapes and lengths; what is left depends on who is asking: a phone number is read in the user's
 * region, and a birthday is "in the future" by the user's calendar. Every problem is collected,
 * with its path (`phones.3.value`), into one VALIDATION_FAILED.
 */
import type { ContactRow, StoredPhone } from '../../db/schema.js';
import { AppError, type FieldError } from '../../errors.js';
import { isBirthdayInFuture, parseBirthday } from './birthdays.js';
import type { EmailEntry } from './contact-details.schemas.js';
import type { ContactValues } from './contacts.repository.js';
import type { ContactInput, ContactPatch } from './contacts.schemas.js';
import { normalizePhone } from './phone.js';

export interface ValueContext {
  /** The user's ISO 3166 region, for numbers typed without a country code. */
  region: string | null;
  /** Today in the user's time zone, `YYYY-MM-DD`. */
  today: string;
}

type BirthdayColumns = Pick<ContactValues, 'birthdayYear' | 'birthdayMonth' | 'birthdayDay'>;

class Problems {
  readonly errors: FieldError[] = [];
  add(path: string, message: string) {
    this.errors.push({ path, message });
  }
  throwIfAny() {
    const [first] = this.errors;
    if (!first) return;
    const detail = this.errors.length === 1 ? `${first.path}: ${first.message}` : 'Some fields are not valid';
    throw new AppError('VALIDATION_FAILED', 400, detail, { errors: this.errors });
  }
}

function readPhone(text: string, path: string, context: ValueContext, problems: Problems): string | undefined {
  const result = normalizePhone(text, context.region);
  if (result.ok) return result.e164;
  problems.add(
    path,
    result.reason === 'NEEDS_COUNTRY_CODE'
      ? 'Add the country code (for example +380 50 123 4567), or set your region in your profile ' +
          'so that numbers without one can be read'
      : 'This is not a valid phone number',
  );
  return undefined;
}

function readPhones(
  entries: ReadonlyArray<{ value: string; label?: string | null | undefined }>,
  context: ValueContext,
  problems: Problems,
): StoredPhone[] {
  return entries.flatMap((entry, index) => {
    const e164 = readPhone(entry.value, `phones.${index}.value`, context, problems);
    return e164 === undefined ? [] : [{ value: e164, input: entry.value, label: entry.label ?? null }];
  });
}

function readBirthday(text: string | null, context: ValueContext, problems: Problems): BirthdayColumns | undefined {
  if (text === null) return { birthdayYear: null, birthdayMonth: null, birthdayDay: null };
  const birthday = parseBirthday(text);
  if (!birthday) problems.add('birthday', 'Use YYYY-MM-DD, or --MM-DD when the year is unknown');
  else if (isBirthdayInFuture(birthday, context.today)) problems.add('birthday', "A birthday can't be in the future");
  else return { birthdayYear: birthday.year, birthdayMonth: birthday.month, birthdayDay: birthday.day };
  return undefined;
}

/** The first entry of a list replaced by `value` (its label kept), or removed with null. */
function withFirst<T extends { label: string | null }>(list: readonly T[], value: Omit<T, 'label'> | null): T[] {
  if (value === null) return list.slice(1);
  const [first, ...rest] = list;
  return [{ ...value, label: first?.label ?? null } as T, ...rest];
}

const labelledEntries = (entries: ReadonlyArray<{ value: string; label?: string | null | undefined }>): EmailEntry[] =>
  entries.map(({ value, label }) => ({ value, label: label ?? null }));

const addressesOf = (entries: NonNullable<ContactInput['addresses']>): ContactRow['addresses'] =>
  entries.map((a) => ({
    label: a.label ?? null,
    street: a.street ?? null,
    locality: a.locality ?? null,
    region: a.region ?? null,
    postalCode: a.postalCode ?? null,
    country: a.country ?? null,
  }));

const NO_VALUES: ContactValues = {
  firstName: '',
  lastName: null,
  emails: [],
  phones: [],
  addresses: [],
  websites: [],
  organization: null,
  jobTitle: null,
  birthdayYear: null,
  birthdayMonth: null,
  birthdayDay: null,
  notes: null,
};

/** The columns of a new contact: the body as a change to an empty one. Throws VALIDATION_FAILED. */
export function valuesForCreate(input: ContactInput, context: ValueContext): ContactValues {
  return { ...NO_VALUES, ...changeForPatch(input, context)(NO_VALUES) };
}

function phoneEntry(text: string, path: string, context: ValueContext, problems: Problems): Omit<StoredPhone, 'label'> | null {
  const e164 = readPhone(text, path, context, problems);
  return e164 === undefined ? null : { value: e164, input: text };
}

/**
 * A PATCH as a change to the contact as it is when the edit is made (`email` and `phone` edit the
 * first entry of their lists). Everything that can fail is checked now, before any write; the
 * returned function can't fail.
 */
export function changeForPatch(
  patch: ContactPatch,
  context: ValueContext,
): (current: Pick<ContactValues, 'emails' | 'phones'>) => Partial<ContactValues> {
  const problems = new Problems();
  const phones = patch.phones === undefined ? undefined : readPhones(patch.phones ?? [], context, problems);
  const phone =
    typeof patch.phone === 'string' ? phoneEntry(patch.phone, 'phone', context, problems) : patch.phone;
  const birthday = patch.birthday === undefined ? undefined : readBirthday(patch.birthday, context, problems);
  problems.throwIfAny();

  const set: Partial<ContactValues> = {
    ...(patch.firstName !== undefined ? { firstName: patch.firstName } : {}),
    ...(patch.lastName !== undefined ? { lastName: patch.lastName } : {}),
    ...(patch.notes !== undefined ? { notes: patch.notes } : {}),
    ...(patch.organization !== undefined ? { organization: patch.organization } : {}),
    ...(patch.jobTitle !== undefined ? { jobTitle: patch.jobTitle } : {}),
    ...(patch.emails !== undefined ? { emails: labelledEntries(patch.emails ?? []) } : {}),
    ...(phones !== undefined ? { phones } : {}),
    ...(patch.addresses !== undefined ? { addresses: addressesOf(patch.addresses ?? []) } : {}),
    ...(patch.websites !== undefined ? { websites: labelledEntries(patch.websites ?? []) } : {}),
    ...birthday,
  };
  return (current) => ({
    ...set,
    ...(patch.email !== undefined ? { emails: withFirst(current.emails, patch.email === null ? null : { value: patch.email }) } : {}),
    ...(phone !== undefined ? { phones: withFirst(current.phones, phone) } : {}),
  });
}
