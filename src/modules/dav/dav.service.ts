/**
 * The one CardDAV address book of a user: every contact outside the trash, one card each, plus
 * group cards. A card is served exactly as a client stored it (or, for a contact made in the API,
 * as generated from its fields); a PUT keeps the bytes and maps what Kith shows onto the contact.
 */
import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import type { ContactRow, GroupCardRow } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { PictureSlot } from '../../storage/picture-slot.js';
import { publicPhotoUrl } from '../contacts/contacts.presenter.js';
import { insertContactIn } from '../contacts/contacts.repository.js';
import { pathsFor } from './dav-props.js';
import { trashContactIn } from '../contacts/trash.repository.js';
import {
  changedSince,
  deleteGroupCard,
  findAddressBook,
  findDavOwner,
  findContactByHref,
  findContactByUid,
  findGroupByHref,
  findGroupByUid,
  insertGroupCard,
  listGroupCards,
  listLiveContacts,
  lockAddressBook,
  releaseTrashedNames,
  renameAddressBook,
  updateContactCard,
  updateGroupCard,
} from './dav.repository.js';
import { type CardPhoto, readCard } from './vcard/read-card.js';
import { cardOfContact } from './vcard/write-card.js';

/** The largest card Kith stores (CARDDAV:max-resource-size). */
export const MAX_CARD_BYTES = 1024 * 1024;

export interface DavOwner {
  id: string;
  region: string | null;
}

export interface Member {
  href: string;
  card: string;
  etag: string;
  lastModified: Date;
}

/** A CardDAV answer other than success: its status and, for preconditions, the condition element. */
export class DavError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly condition?: { ns: 'dav' | 'card'; name: string; href?: string },
  ) {
    super(message);
  }
}

export interface Conditions {
  ifMatch?: string;
  ifNoneMatch?: string;
}

/** A strong ETag from the card's bytes: the same on every instance, and it changes with any byte. */
export const etagOf = (card: string) => `"${createHash('sha256').update(card).digest('base64url').slice(0, 27)}"`;

const matchesEtag = (header: string, etag: string) =>
  header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);

/** The PHOTO line of a card as written, to tell whether a PUT changed the picture. */
export const photoLineOf = (card: string | null) => card?.match(/^(?:[A-Za-z0-9-]+\.)?PHOTO[;:].*(?:\r?\n[ \t].*)*/im)?.[0];

export class DavService {
  constructor(
    private readonly deps: { db: Db; clock: Clock; pictures: PictureSlot; appUrl: string; logger: FastifyBaseLogger },
  ) {}

  /** What CardDAV needs of the signed-in user. */
  owner(userId: string) {
    return findDavOwner(this.deps.db, userId);
  }

  async state(userId: string) {
    const book = await findAddressBook(this.deps.db, userId);
    if (!book) throw new DavError(404, 'no such address book');
    return book;
  }

  async members(userId: string): Promise<Member[]> {
    const [contacts, groups] = await Promise.all([listLiveContacts(this.deps.db, userId), listGroupCards(this.deps.db, userId)]);
    return [...contacts.map((row) => this.contactMember(row)), ...groups.map(groupMember)];
  }

  async member(userId: string, href: string): Promise<Member | undefined> {
    const contact = await findContactByHref(this.deps.db, userId, href);
    if (contact && !contact.deletedAt) return this.contactMember(contact);
    const group = await findGroupByHref(this.deps.db, userId, href);
    return group ? groupMember(group) : undefined;
  }

  /** Names changed after the version `since`, up to `until`. */
  changedSince(userId: string, since: number, until: number): Promise<string[]> {
    return changedSince(this.deps.db, userId, since, until);
  }

  async rename(userId: string, name: string | null): Promise<void> {
    await renameAddressBook(this.deps.db, userId, name);
  }

  /**
   * Stores a card under `href`: a new contact, or the contact (or group) already there. Atomic
   * and idempotent: the user's address book is locked for the write, so a retried PUT finds the
   * card its first try stored and updates it rather than adding a second contact.
   */
  async put(owner: DavOwner, href: string, text: string, conditions: Conditions): Promise<{ created: boolean; etag: string }> {
    if (Buffer.byteLength(text) > MAX_CARD_BYTES) {
      throw new DavError(413, `a card may be at most ${MAX_CARD_BYTES} bytes`, { ns: 'card', name: 'max-resource-size' });
    }
    const read = readCard(text, owner.region);
    if ('error' in read) {
      throw new DavError(400, `not a vCard Kith can store: ${read.error}`, { ns: 'card', name: 'valid-address-data' });
    }
    const uid = read.uid ?? href.replace(/\.vcf$/i, '');
    const now = this.deps.clock.now();
    const before = await findContactByHref(this.deps.db, owner.id, href);
    const live = before && !before.deletedAt ? before : undefined;
    const photo = read.isGroup ? null : await this.photoFor(live, read.photo, text);

    let result: { created: boolean; replacedKey: string | null };
    try {
      result = await this.deps.db.transaction(async (tx) => {
        if (!(await lockAddressBook(tx, owner.id))) throw new DavError(404, 'no such address book');
        const contact = await findContactByHref(tx, owner.id, href);
        const current = contact && !contact.deletedAt ? contact : undefined;
        const group = await findGroupByHref(tx, owner.id, href);
        const existing = current ? this.contactMember(current) : group ? groupMember(group) : undefined;
        if (conditions.ifNoneMatch !== undefined && existing && matchesEtag(conditions.ifNoneMatch, existing.etag)) {
          throw new DavError(412, 'a card already exists under this name');
        }
        if (conditions.ifMatch !== undefined && (!existing || !matchesEtag(conditions.ifMatch, existing.etag))) {
          throw new DavError(412, 'the card has changed since it was read');
        }
        const sameUid = (await findContactByUid(tx, owner.id, uid)) ?? (await findGroupByUid(tx, owner.id, uid));
        if (sameUid && sameUid.cardHref !== href && !('deletedAt' in sameUid && sameUid.deletedAt)) {
          throw new DavError(409, 'another card has this UID', {
            ns: 'card',
            name: 'no-uid-conflict',
            href: pathsFor(owner.id).card(sameUid.cardHref),
          });
        }
        await releaseTrashedNames(tx, owner.id, href, uid);

        if (read.isGroup) {
          if (current) await trashContactIn(tx, owner.id, current.id, now);
          if (group) await updateGroupCard(tx, owner.id, group.id, text, uid, now);
          else await insertGroupCard(tx, { userId: owner.id, cardHref: href, cardUid: uid, card: text, updatedAt: now });
          return { created: !existing, replacedKey: null };
        }
        if (group) await deleteGroupCard(tx, owner.id, group.id);
        const photoColumns = photo ? { photoKey: photo.key, photoUrl: photo.url } : { photoKey: null, photoUrl: null };
        if (current) {
          await updateContactCard(tx, owner.id, current.id, {
            ...read.values,
            ...photoColumns,
            card: text,
            cardUid: uid,
            updatedAt: now,
          });
          return { created: false, replacedKey: current.photoKey !== photoColumns.photoKey ? current.photoKey : null };
        }
        const inserted = await insertContactIn(tx, owner.id, { ...read.values, ...photoColumns }, now, {
          cardHref: href,
          cardUid: uid,
          card: text,
        });
        if (!inserted) throw new DavError(507, 'you can keep at most 100 contacts', { ns: 'dav', name: 'quota-not-exceeded' });
        return { created: true, replacedKey: null };
      });
    } catch (error) {
      if (photo?.fresh && photo.key) await this.deps.pictures.discard(photo.key);
      throw error;
    }
    if (result.replacedKey) await this.deps.pictures.discard(result.replacedKey);
    return { created: result.created, etag: etagOf(text) };
  }

  /** Removes a card: a contact goes to the trash (restorable for 30 days), a group is deleted. */
  async delete(userId: string, href: string, conditions: Conditions): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      if (!(await lockAddressBook(tx, userId))) throw new DavError(404, 'no such address book');
      const contact = await findContactByHref(tx, userId, href);
      const current = contact && !contact.deletedAt ? contact : undefined;
      const group = current ? undefined : await findGroupByHref(tx, userId, href);
      const existing = current ? this.contactMember(current) : group ? groupMember(group) : undefined;
      if (!existing) throw new DavError(404, 'no such card');
      if (conditions.ifMatch !== undefined && !matchesEtag(conditions.ifMatch, existing.etag)) {
        throw new DavError(412, 'the card has changed since it was read');
      }
      if (current) await trashContactIn(tx, userId, current.id, this.deps.clock.now());
      else if (group) await deleteGroupCard(tx, userId, group.id);
    });
  }

  private contactMember(row: ContactRow): Member {
    const card = cardOfContact(row, this.deps.appUrl);
    return { href: row.cardHref, card, etag: etagOf(card), lastModified: row.updatedAt };
  }

  /**
   * The contact's picture after a PUT: unchanged when the card's PHOTO line is (or links to the
   * picture Kith already has), else the card's picture, stored through the avatar pipeline.
   */
  private async photoFor(
    live: ContactRow | undefined,
    photo: CardPhoto | null,
    text: string,
  ): Promise<{ key: string | null; url: string; fresh: boolean } | null> {
    if (!photo) return null;
    const kept = live?.photoUrl && live.photoKey !== null ? { key: live.photoKey, url: live.photoUrl, fresh: false } : null;
    if (photo.kind === 'uri') {
      if (kept && publicPhotoUrl(kept.url, this.deps.appUrl) === photo.uri) return kept;
      return { key: null, url: photo.uri, fresh: false };
    }
    if (kept && live?.card && photoLineOf(live.card) === photoLineOf(text)) return kept;
    // A new contact has no id yet; the card's hash names its picture in a store that wants a name.
    const owner = `contacts/${live?.id ?? createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    const stored = await this.deps.pictures.storeEmbedded(owner, photo.data);
    return stored ? { ...stored, fresh: true } : null;
  }
}

function groupMember(row: GroupCardRow): Member {
  return { href: row.cardHref, card: row.card, etag: etagOf(row.card), lastModified: row.updatedAt };
}
