import type { Db } from '../../db/client.js';
import type { ContactRow, UserRow } from '../../db/schema.js';
import { AppError, notFound, unauthorized } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { UUID_SHAPE } from '../../lib/uuid.js';
import { isValidTimeZone, todayIn, upcomingBirthdays } from './birthdays.js';
import { changeForPatch, type ValueContext, valuesForCreate } from './contact-values.js';
import { selectContacts } from './contacts.listing.js';
import { presentContact } from './contacts.presenter.js';
import { contactCount, insertContact, listContacts, updateContact } from './contacts.repository.js';
import {
  type BirthdaysQuery,
  type Contact,
  type ContactInput,
  type ContactPatch,
  type ListContactsQuery,
  contactSchema,
  MAX_CONTACTS_PER_USER,
} from './contacts.schemas.js';
import { ContactsSnapshot, ContactsSnapshotCache } from './contacts.snapshot.js';
import { cardAfterEdit } from '../dav/vcard/card-edits.js';
import { trashContact } from './trash.repository.js';

/** The parts of the signed-in user that contacts depend on, read together with the session. */
export type Owner = Pick<UserRow, 'id' | 'region' | 'timezone' | 'contactsVersion'>;


export const contactNotFound = () => notFound('Contact');

export const contactLimitReached = () =>
  new AppError('CONTACT_LIMIT_REACHED', 409, `You can keep at most ${MAX_CONTACTS_PER_USER} contacts`);

/** "Today" where the user lives: their time zone (UTC by default, or if the stored one is unusable). */
export const todayOf = (owner: Owner, now: Date): string =>
  todayIn(isValidTimeZone(owner.timezone) ? owner.timezone : 'UTC', now);

export interface ContactsServiceDeps {
  db: Db;
  /** APP_URL, for the URLs of pictures Kith serves itself. */
  appUrl: string;
  clock: Clock;
  /** Memory for snapshots of users' contacts (see contacts.snapshot.ts); 0 loads them on every read. */
  cacheBytes: number;
}

export class ContactsService {
  private readonly snapshots: ContactsSnapshotCache;

  constructor(private readonly deps: ContactsServiceDeps) {
    this.snapshots = new ContactsSnapshotCache(deps.cacheBytes);
  }

  /**
   * A page of contacts as the JSON the route sends. Each contact's JSON is made (and checked
   * against the response schema) once per snapshot, so a list costs no more per request than
   * picking and joining strings: presenting and validating 20 rich contacts on every request took
   * about 150 µs, a third of the list's CPU in `npm run bench`.
   */
  async listJson(owner: Owner, query: ListContactsQuery): Promise<string> {
    const snapshot = await this.snapshot(owner);
    const page = selectContacts(snapshot.rows, query, query.q === undefined ? undefined : snapshot.searchTable());
    const items = page.items.map((row) => this.json(snapshot, row));
    return `{"items":[${items.join(',')}],"total":${page.total},"limit":${query.limit},"offset":${query.offset}}`;
  }

  /** One contact as the JSON the route sends (see listJson). */
  async getJson(owner: Owner, id: string): Promise<string> {
    const snapshot = await this.snapshot(owner);
    const row = UUID_SHAPE.test(id) ? snapshot.find(id.toLowerCase()) : undefined;
    if (!row) throw contactNotFound();
    return this.json(snapshot, row);
  }

  async create(owner: Owner, input: ContactInput): Promise<Contact> {
    const values = valuesForCreate(input, this.context(owner));
    const row = await insertContact(this.deps.db, owner.id, values, this.deps.clock.now());
    if (!row) {
      // No slot: the account is full, or it was deleted while this request was on its way.
      if ((await contactCount(this.deps.db, owner.id)) === undefined) throw unauthorized('This account no longer exists');
      throw contactLimitReached();
    }
    return presentContact(row, this.deps.appUrl);
  }

  async update(owner: Owner, id: string, patch: ContactPatch): Promise<Contact> {
    if (!UUID_SHAPE.test(id)) throw contactNotFound();
    const change = changeForPatch(patch, this.context(owner));
    const now = this.deps.clock.now();
    // A card a client stored gets the changed lines; everything else in it stays as it was.
    const withCard = (current: ContactRow) => {
      const values = change(current);
      if (Object.keys(values).length === 0) return values;
      const card = cardAfterEdit(current, values, owner.region, now);
      return card === undefined ? values : { ...values, card };
    };
    const row = await updateContact(this.deps.db, owner.id, id, withCard, now);
    if (!row) throw contactNotFound();
    return presentContact(row, this.deps.appUrl);
  }

  /** Moves the contact to the trash (see TrashService for what happens there). */
  async remove(owner: Owner, id: string): Promise<void> {
    const trashed = UUID_SHAPE.test(id) && (await trashContact(this.deps.db, owner.id, id, this.deps.clock.now()));
    if (!trashed) throw contactNotFound();
  }

  /** Upcoming birthdays as the JSON the route sends (see listJson). */
  async upcomingBirthdaysJson(owner: Owner, query: BirthdaysQuery): Promise<string> {
    const snapshot = await this.snapshot(owner);
    const found = upcomingBirthdays(snapshot.birthdayCandidates(), query.from ?? this.today(owner), query.days);
    const items = found.map(
      ({ value, date, daysUntil, turning }) =>
        `{"contact":${this.json(snapshot, value)},"date":"${date}","daysUntil":${daysUntil},"turning":${turning ?? 'null'}}`,
    );
    return `{"items":[${items.join(',')}]}`;
  }

  /** The contact's response JSON, made and checked against contactSchema once per snapshot. */
  private json(snapshot: ContactsSnapshot, row: ContactRow): string {
    return snapshot.json(row, () => JSON.stringify(contactSchema.parse(presentContact(row, this.deps.appUrl))));
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

  private today(owner: Owner): string {
    return todayOf(owner, this.deps.clock.now());
  }

  private context(owner: Owner): ValueContext {
    return { region: owner.region, today: this.today(owner) };
  }
}
