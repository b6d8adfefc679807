/**
 * Importing an address book file: every card (or CSV row) read first, then planned against the
 * user's contacts (create, update the contact with the same UID, or skip, each with its reason),
 * then written in one transaction with the user's row locked, so the whole file lands or none of
 * it does, and the 100-contact limit holds against parallel imports and creates on any instance.
 * Each contact keeps its card, so what Kith doesn't show stays in the address book and syncs.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db, Executor } from '../../db/client.js';
import type { ContactRow, UserRow } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import type { PictureSlot } from '../../storage/picture-slot.js';
import { MAX_CONTACTS_PER_USER } from '../contacts/contacts.schemas.js';
import { insertContactIn } from '../contacts/contacts.repository.js';
import { photoLineOf } from '../dav/dav.service.js';
import {
  listGroupCards,
  listLiveContacts,
  listTrashedNames,
  lockAddressBook,
  releaseTrashedNames,
  updateContactCard,
} from '../dav/dav.repository.js';
import { cardsOfCsv } from './csv-file.js';
import { decodeBytes, decodeFile } from './file-text.js';
import { type ImportFormat, type ImportItem, type ImportReport, MAX_IMPORT_ITEMS } from './import.schemas.js';
import { type ParsedItem, planImport, type PlannedItem } from './import-plan.js';
import { readCard } from '../dav/vcard/read-card.js';
import { cardsOfFile, type FileCard } from './vcard-file.js';

const unreadable = (detail: string) => new AppError('UNREADABLE_FILE', 400, `The file could not be imported: ${detail}`);

/** How many pictures are re-encoded at once (sharp work, off the event loop). */
const PHOTO_CONCURRENCY = 4;

interface Photo {
  key: string | null;
  url: string;
  fresh: boolean;
}

export class ImportService {
  constructor(private readonly deps: { db: Db; clock: Clock; pictures: PictureSlot; appUrl: string; logger: FastifyBaseLogger }) {}

  async import(user: Pick<UserRow, 'id' | 'region'>, bytes: Buffer, dryRun: boolean): Promise<ImportReport> {
    const { format, items } = readFile(bytes, user.region);
    const before = await this.state(this.deps.db, user.id);
    const draft = planImport(items, before, this.deps.appUrl);
    checkLimit(draft, before.contacts.length);
    if (dryRun) return report(format, true, draft.map((item) => presentItem(item)));

    const photos = await this.preparePhotos(draft);
    const fresh = () => [...photos.values()].filter((p) => p.fresh && p.key).map((p) => p.key!);
    let written: { items: ImportItem[]; used: Set<string>; replaced: string[] };
    try {
      written = await this.deps.db.transaction(async (tx) => {
        if (!(await lockAddressBook(tx, user.id))) throw new AppError('NOT_FOUND', 404, 'Account not found');
        // Planned again under the lock: what another request wrote meanwhile counts.
        const state = await this.state(tx, user.id);
        const plan = planImport(items, state, this.deps.appUrl);
        checkLimit(plan, state.contacts.length);
        const taken = new Set([...state.contacts, ...state.groups].map((row) => row.cardHref));
        return this.write(tx, user.id, plan, photos, taken);
      });
    } catch (error) {
      await Promise.all(fresh().map((key) => this.deps.pictures.discard(key)));
      throw error;
    }
    const unused = fresh().filter((key) => !written.used.has(key));
    await Promise.all([...unused, ...written.replaced].map((key) => this.deps.pictures.discard(key)));
    return report(format, false, written.items);
  }

  private async state(executor: Executor, userId: string) {
    const [contacts, groups] = await Promise.all([listLiveContacts(executor, userId), listGroupCards(executor, userId)]);
    return { contacts, groups };
  }

  private async write(tx: Executor, userId: string, plan: PlannedItem[], photos: Map<number, Photo>, hrefs: Set<string>) {
    const now = this.deps.clock.now();
    const items: ImportItem[] = [];
    const used = new Set<string>();
    const replaced: string[] = [];
    const trashed = await listTrashedNames(tx, userId);
    const inTrash = new Set(trashed.flatMap((name) => [`href ${name.cardHref}`, `uid ${name.cardUid}`]));
    for (const item of plan) {
      if (item.action === 'skip' || !item.read) {
        items.push(presentItem(item));
        continue;
      }
      const { read } = item;
      const photo = photoFor(item.target, item.card, photos.get(item.index));
      if (photo?.key) used.add(photo.key);
      const photoColumns = photo ? { photoKey: photo.key, photoUrl: photo.url } : { photoKey: null, photoUrl: null };
      const uid = read.uid!;
      if (item.action === 'update' && item.target) {
        await updateContactCard(tx, userId, item.target.id, { ...read.values, ...photoColumns, card: item.card, cardUid: uid, updatedAt: now });
        if (item.target.photoKey && item.target.photoKey !== photoColumns.photoKey) replaced.push(item.target.photoKey);
        items.push(presentItem(item, item.target.id));
        continue;
      }
      const href = hrefFor(uid, hrefs);
      hrefs.add(href);
      if (inTrash.has(`href ${href}`) || inTrash.has(`uid ${uid}`)) await releaseTrashedNames(tx, userId, href, uid);
      const row = await insertContactIn(tx, userId, { ...read.values, ...photoColumns }, now, { cardHref: href, cardUid: uid, card: item.card });
      // The plan was checked against the count under the same lock; a full user here is a bug.
      if (!row) throw new AppError('CONTACT_LIMIT_REACHED', 409, `You can keep at most ${MAX_CONTACTS_PER_USER} contacts; nothing was imported`);
      items.push(presentItem(item, row.id));
    }
    return { items, used, replaced };
  }

  /**
   * Stores the pictures of the cards that will be written, before the transaction (re-encoding
   * takes a while and holds no lock); whatever the transaction doesn't use is removed again.
   */
  private async preparePhotos(plan: PlannedItem[]): Promise<Map<number, Photo>> {
    const wanted = plan.filter((item) => item.action !== 'skip' && item.read?.photo);
    const photos = new Map<number, Photo>();
    const queue = [...wanted];
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        const photo = item.read!.photo!;
        if (photo.kind === 'uri') {
          photos.set(item.index, { key: null, url: photo.uri, fresh: false });
          continue;
        }
        if (keepsPhoto(item.target, item.card)) continue;
        const owner = `contacts/${item.target?.id ?? createHash('sha256').update(item.card).digest('hex').slice(0, 32)}`;
        const stored = await this.deps.pictures.storeEmbedded(owner, photo.data);
        if (stored) photos.set(item.index, { ...stored, fresh: true });
      }
    };
    await Promise.all(Array.from({ length: PHOTO_CONCURRENCY }, worker));
    return photos;
  }
}

/** The contact keeps the picture it has when the card's PHOTO line is the one its stored card had. */
const keepsPhoto = (target: ContactRow | undefined, card: string) =>
  target?.photoKey != null && target.card !== null && photoLineOf(target.card) === photoLineOf(card);

function photoFor(target: ContactRow | undefined, card: string, prepared: Photo | undefined): Photo | undefined {
  if (target && keepsPhoto(target, card)) return { key: target.photoKey, url: target.photoUrl!, fresh: false };
  return prepared;
}

/** The card's name in the address book: its UID when that makes a plain file name, else a new one. */
function hrefFor(uid: string, taken: ReadonlySet<string>): string {
  const byUid = `${uid}.vcf`;
  return /^[A-Za-z0-9._@-]{1,200}$/.test(uid) && !taken.has(byUid) ? byUid : `${randomUUID()}.vcf`;
}

function readFile(bytes: Buffer, region: string | null): { format: ImportFormat; items: ParsedItem[] } {
  const file = decodeFile(bytes);
  if ('error' in file) throw unreadable(file.error);
  const isVcard = /^\s*BEGIN:VCARD/i.test(file.text.slice(0, 1024));
  let format: ImportFormat = 'vcard';
  let cards: (FileCard | null)[];
  if (isVcard) {
    const found = cardsOfFile(file);
    if ('error' in found) throw unreadable(found.error);
    cards = found;
  } else {
    // A CSV that isn't UTF-8 is in the exporter's code page: Windows-1252 for Outlook and Excel.
    const found = cardsOfCsv(file.legacy ? decodeBytes(Buffer.from(file.text, 'latin1'), 'windows-1252') : file.text);
    if ('error' in found) throw unreadable(found.error);
    ({ format, cards } = found);
  }
  if (cards.length > MAX_IMPORT_ITEMS) {
    throw new AppError(
      'CONTACT_LIMIT_REACHED',
      409,
      `The file holds ${cards.length} contacts; Kith keeps at most ${MAX_CONTACTS_PER_USER}. Nothing was imported.`,
    );
  }
  const what = isVcard ? 'card' : 'row';
  const items = cards.map((card, i): ParsedItem => {
    if (!card) return { index: i + 1, card: null };
    const read = readCard(card.text, region);
    if ('error' in read) {
      const line = read.line === undefined ? `from line ${card.line}` : `line ${card.line + read.line - 1}`;
      throw unreadable(`${what} ${i + 1} (${line}): ${read.error}`);
    }
    return { index: i + 1, card: card.text, read };
  });
  return { format, items };
}

function checkLimit(plan: PlannedItem[], count: number): void {
  const creates = plan.filter((item) => item.action === 'create').length;
  const free = Math.max(0, MAX_CONTACTS_PER_USER - count);
  if (creates <= free) return;
  throw new AppError(
    'CONTACT_LIMIT_REACHED',
    409,
    `This file would add ${creates} contacts, but you have ${count} of ${MAX_CONTACTS_PER_USER}, so ${free === 0 ? 'none' : `only ${free}`} ` +
      `more ${free === 1 ? 'fits' : 'fit'}. Nothing was imported.`,
  );
}

function presentItem(item: PlannedItem, contactId?: string): ImportItem {
  const id = contactId ?? item.target?.id;
  return {
    index: item.index,
    name: item.name,
    action: item.action,
    ...(id ? { contactId: id } : {}),
    ...(item.reason ? { reason: item.reason } : {}),
  };
}

function report(format: ImportFormat, dryRun: boolean, items: ImportItem[]): ImportReport {
  const count = (action: ImportItem['action']) => items.filter((item) => item.action === action).length;
  return { dryRun, format, created: count('create'), updated: count('update'), skipped: count('skip'), items };
}
