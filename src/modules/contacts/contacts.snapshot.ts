/**
 * One user's contacts as of one version of them, kept between requests.
 *
 * Every read of contacts (list, search, get by id, birthdays) works on the user's at most 100
 * contacts in the application. Loading and preparing them took most of the server's CPU on those
 * routes (`npm run bench`), so each instance keeps recent users' contacts in memory. A snapshot is
 * labelled with `users.contacts_version`, which every write moves on in its own transaction and
 * which arrives with the account on every authenticated request: a snapshot is used only when its
 * label matches the version just read, so no instance serves contacts older than that read, and
 * several instances need no coordination.
 */
import type { ContactRow } from '../../db/schema.js';
import { compareByName, compareIds } from './contacts.listing.js';
import { birthdayOf, displayName } from './contacts.presenter.js';
import type { Birthday } from './birthdays.js';
import { SearchTable } from './search.js';

export interface BirthdayCandidate {
  birthday: Birthday;
  value: ContactRow;
  name: string;
}

// A row's response JSON is kept on the row itself, under a private symbol, as a property neither
// enumerated, serialised nor copied by a spread; a snapshot's rows are loaded for it alone, so the
// row and the JSON live and die together. Map lookups were measured missing the CPU caches one
// user after another (for search's prepared contacts, see SearchTable); a list looks up every
// contact's JSON.
const JSON_OF_ROW = Symbol('response JSON');
type RowWithJson = ContactRow & { [JSON_OF_ROW]?: string };

export class ContactsSnapshot {
  /** In name order, the order lists start from. */
  readonly rows: readonly ContactRow[];
  private readonly byId: Map<string, ContactRow>;
  private birthdays?: BirthdayCandidate[];
  private table?: SearchTable<ContactRow>;

  /** `rows` as loaded; `version` is the contacts version read before they were loaded. */
  constructor(
    readonly version: number,
    rows: ContactRow[],
  ) {
    this.rows = rows.sort(compareByName);
    this.byId = new Map(rows.map((row) => [row.id, row]));
  }

  find(id: string): ContactRow | undefined {
    return this.byId.get(id);
  }

  /** The row as response JSON, made by `make` the first time it is asked for in this snapshot. */
  json(row: ContactRow, make: () => string): string {
    const kept = row as RowWithJson;
    let json = kept[JSON_OF_ROW];
    if (json === undefined) {
      json = make();
      Object.defineProperty(kept, JSON_OF_ROW, { value: json });
    }
    return json;
  }

  /** The rows made ready for search, on the first search of this snapshot. */
  searchTable(): SearchTable<ContactRow> {
    this.table ??= new SearchTable(this.rows);
    return this.table;
  }

  /** The contacts with a birthday, ordered by id, so that equal dates and names keep a fixed order. */
  birthdayCandidates(): readonly BirthdayCandidate[] {
    this.birthdays ??= [...this.rows]
      .sort((a, b) => compareIds(a.id, b.id))
      .flatMap((row) => {
        const birthday = birthdayOf(row);
        return birthday ? [{ birthday, value: row, name: displayName(row) }] : [];
      });
    return this.birthdays;
  }

  /** A rough size in bytes (UTF-16 text, plus a fixed allowance per contact), for the cache budget. */
  estimateBytes(): number {
    let bytes = 0;
    for (const row of this.rows) {
      // A fixed allowance for the row and, once it has been listed, its response JSON.
      bytes += 1400;
      const texts = [row.firstName, row.lastName, row.notes, row.organization, row.jobTitle, row.photoUrl];
      for (const text of texts) {
        // Twice: once as stored, once normalised for search.
        bytes += 4 * (text?.length ?? 0);
      }
      // The lists, roughly: their JSON size, twice again, plus an allowance per entry.
      const lists = [row.emails, row.phones, row.addresses, row.websites];
      for (const list of lists) if (list.length > 0) bytes += 4 * JSON.stringify(list).length + 100 * list.length;
    }
    return bytes;
  }
}

/**
 * The most recently used snapshots, within a memory budget. A snapshot replaced by a newer
 * version, or pushed out by the budget, is simply loaded again on the next request.
 */
export class ContactsSnapshotCache {
  private readonly entries = new Map<string, { snapshot: ContactsSnapshot; bytes: number }>();
  private bytes = 0;

  constructor(private readonly budgetBytes: number) {}

  get(userId: string, version: number): ContactsSnapshot | undefined {
    const entry = this.entries.get(userId);
    if (!entry) return undefined;
    if (entry.snapshot.version !== version) {
      // Older than what the caller read: it will never be wanted again. Newer: the caller's
      // request started before a write; leave it for everyone after.
      if (entry.snapshot.version < version) this.delete(userId);
      return undefined;
    }
    // Map keeps insertion order: re-inserting makes this the most recently used.
    this.entries.delete(userId);
    this.entries.set(userId, entry);
    return entry.snapshot;
  }

  set(userId: string, snapshot: ContactsSnapshot): void {
    // A slower request may finish after a newer one: never replace a newer snapshot with an older.
    const current = this.entries.get(userId);
    if (current && current.snapshot.version > snapshot.version) return;
    this.delete(userId);
    const bytes = snapshot.estimateBytes();
    if (bytes > this.budgetBytes) return;
    this.entries.set(userId, { snapshot, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.budgetBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private delete(userId: string): void {
    const entry = this.entries.get(userId);
    if (!entry) return;
    this.entries.delete(userId);
    this.bytes -= entry.bytes;
  }
}
