import type { Db } from '../../db/client.js';
import type { UserRow } from '../../db/schema.js';
import { AppError, type FieldError, notFound } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { isBirthdayInFuture, isValidTimeZone, parseBirthday, todayIn, upcomingBirthdays } from './birthdays.js';
import { selectContacts } from './contacts.listing.js';
import { presentContact } from './contacts.presenter.js';
import {
  type ContactValues,
  deleteContact,
  findContact,
  insertContact,
  listContacts,
  updateContact,
} from './contacts.repository.js';
import {
  type BirthdaysQuery,
  type Contact,
  type ContactInput,
  type ContactList,
  type ContactPatch,
  type ListContactsQuery,
  MAX_CONTACTS_PER_USER,
  type UpcomingBirthdays,
} from './contacts.schemas.js';
import { ContactsSnapshot, ContactsSnapshotCache } from './contacts.snapshot.js';
import { normalizePhone } from './phone.js';

/** The parts of the signed-in user that contacts depend on, read together with the session. */
export type Owner = Pick<UserRow, 'id' | 'region' | 'timezone' | 'contactsVersion'>;

type PhoneColumns = Pick<ContactValues, 'phone' | 'phoneInput'>;
type BirthdayColumns = Pick<ContactValues, 'birthdayYear' | 'birthdayMonth' | 'birthdayDay'>;

// The canonical UUID form, in either case. Anything else names no contact: answering 404 without
// asking the database also keeps its "invalid input syntax for type uuid" error away.
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const contactNotFound = () => notFound('Contact');

export interface ContactsServiceDeps {
  db: Db;
  clock: Clock;
  /** Memory for snapshots of users' contacts (see contacts.snapshot.ts); 0 loads them on every read. */
  cacheBytes: number;
}

export class ContactsService {
  private readonly snapshots: ContactsSnapshotCache;

  constructor(private readonly deps: ContactsServiceDeps) {
    this.snapshots = new ContactsSnapshotCache(deps.cacheBytes);
  }

  async list(owner: Owner, query: ListContactsQuery): Promise<ContactList> {
    const page = selectContacts((await this.snapshot(owner)).rows, query);
    return { items: page.items.map(presentContact), total: page.total, limit: query.limit, offset: query.offset };
  }

  async get(owner: Owner, id: string): Promise<Contact> {
    const row = UUID_SHAPE.test(id) ? (await this.snapshot(owner)).find(id.toLowerCase()) : undefined;
    if (!row) throw contactNotFound();
    return presentContact(row);
  }

  async create(owner: Owner, input: ContactInput): Promise<Contact> {
    const values: ContactValues = {
      firstName: input.firstName,
      lastName: input.lastName ?? null,
      email: input.email ?? null,
      notes: input.notes ?? null,
      phone: null,
      phoneInput: null,
      birthdayYear: null,
      birthdayMonth: null,
      birthdayDay: null,
      ...this.checked(owner, { phone: input.phone, birthday: input.birthday }),
    };
    const row = await insertContact(this.deps.db, owner.id, values, this.deps.clock.now());
    if (!row) {
      throw new AppError('CONTACT_LIMIT_REACHED', 409, `You can keep at most ${MAX_CONTACTS_PER_USER} contacts`);
    }
    return presentContact(row);
  }

  async update(owner: Owner, id: string, patch: ContactPatch): Promise<Contact> {
    if (!UUID_SHAPE.test(id)) throw contactNotFound();
    const values: Partial<ContactValues> = {
      ...(patch.firstName !== undefined ? { firstName: patch.firstName } : {}),
      ...(patch.lastName !== undefined ? { lastName: patch.lastName } : {}),
      ...(patch.email !== undefined ? { email: patch.email } : {}),
      ...(patch.notes !== undefined ? { notes: patch.notes } : {}),
      ...this.checked(owner, { phone: patch.phone, birthday: patch.birthday }),
    };
    // Nothing to change: answer with the contact as it is, without touching updatedAt.
    const row =
      Object.keys(values).length === 0
        ? await findContact(this.deps.db, owner.id, id)
        : await updateContact(this.deps.db, owner.id, id, values, this.deps.clock.now());
    if (!row) throw contactNotFound();
    return presentContact(row);
  }

  async remove(owner: Owner, id: string): Promise<void> {
    const deleted = UUID_SHAPE.test(id) && (await deleteContact(this.deps.db, owner.id, id));
    if (!deleted) throw contactNotFound();
  }

  async upcomingBirthdays(owner: Owner, query: BirthdaysQuery): Promise<UpcomingBirthdays> {
    const candidates = (await this.snapshot(owner)).birthdayCandidates();
    const found = upcomingBirthdays(candidates, query.from ?? this.today(owner), query.days);
    return {
      items: found.map(({ value, date, daysUntil, turning }) => ({ contact: presentContact(value), date, daysUntil, turning })),
    };
  }

  /**
   * The owner's contacts as of the version that came with their account on this request: from
   * the cache when it holds that version, else loaded (a newer write may then already show).
   */
  private async snapshot(owner: Owner): Promise<ContactsSnapshot> {
    const cached = this.snapshots.get(owner.id, owner.contactsVersion);
    if (cached) return cached;
    const snapshot = new ContactsSnapshot(owner.contactsVersion, await listContacts(this.deps.db, owner.id));
    this.snapshots.set(owner.id, snapshot);
    return snapshot;
  }

  /** "Today" where the user lives: their time zone (UTC by default, or if the stored one is unusable). */
  private today(owner: Owner): string {
    return todayIn(isValidTimeZone(owner.timezone) ? owner.timezone : 'UTC', this.deps.clock.now());
  }

  /**
   * The checks that depend on who is asking: a phone number is read in the user's region, and a
   * birthday is "in the future" by the user's calendar. Returns the columns for the fields given
   * (absent: leave alone; null: clear); throws one VALIDATION_FAILED listing every problem.
   */
  private checked(
    owner: Owner,
    fields: { phone: string | null | undefined; birthday: string | null | undefined },
  ): Partial<PhoneColumns & BirthdayColumns> {
    const errors: FieldError[] = [];
    const values: Partial<PhoneColumns & BirthdayColumns> = {};

    if (fields.phone === null) {
      values.phone = null;
      values.phoneInput = null;
    }
    if (typeof fields.phone === 'string') {
      const result = normalizePhone(fields.phone, owner.region);
      if (result.ok) {
        values.phone = result.e164;
        values.phoneInput = fields.phone;
      } else if (result.reason === 'NEEDS_COUNTRY_CODE') {
        errors.push({
          path: 'phone',
          message:
            'Add the country code (for example +380 50 123 4567), or set your region in your profile ' +
            'so that numbers without one can be read',
        });
      } else errors.push({ path: 'phone', message: 'This is not a valid phone number' });
    }

    if (fields.birthday === null) {
      values.birthdayYear = values.birthdayMonth = values.birthdayDay = null;
    }
    if (typeof fields.birthday === 'string') {
      const birthday = parseBirthday(fields.birthday);
      if (!birthday) errors.push({ path: 'birthday', message: 'Use YYYY-MM-DD, or --MM-DD when the year is unknown' });
      else if (isBirthdayInFuture(birthday, this.today(owner))) {
        errors.push({ path: 'birthday', message: "A birthday can't be in the future" });
      } else {
        values.birthdayYear = birthday.year;
        values.birthdayMonth = birthday.month;
        values.birthdayDay = birthday.day;
      }
    }

    const [first] = errors;
    if (first) {
      const detail = errors.length === 1 ? `${first.path}: ${first.message}` : 'Some fields are not valid';
      throw new AppError('VALIDATION_FAILED', 400, detail, { errors });
    }
    return values;
  }
}
