import type { Db } from '../../db/client.js';
import type { ContactRow } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { UUID_SHAPE } from '../../lib/uuid.js';
import { presentContact, publicPhotoUrl } from '../contacts/contacts.presenter.js';
import { listContacts } from '../contacts/contacts.repository.js';
import type { Contact } from '../contacts/contacts.schemas.js';
import { contactNotFound, type Owner } from '../contacts/contacts.service.js';
import { cardAfterEdit } from '../dav/vcard/card-edits.js';
import { findDuplicates } from './duplicates.js';
import type { Duplicates } from './duplicates.schemas.js';
import { mergeContacts } from './merge.js';
import { type MergeWrite, mergeInto, previewMerge } from './merge.repository.js';

/** Finding contacts that look like the same person, and folding several into one. */
export class DuplicatesService {
  constructor(private readonly deps: { db: Db; clock: Clock; appUrl: string }) {}

  /** The user's live contacts grouped by what they share (see duplicates.ts for the rule). */
  async find(owner: Owner): Promise<Duplicates> {
    const rows = await listContacts(this.deps.db, owner.id);
    return {
      groups: findDuplicates(rows).map(({ reason, value, rows: members }) => ({
        reason,
        value,
        contacts: members.map((row) => presentContact(row, this.deps.appUrl)),
      })),
    };
  }

  /**
   * Merges the contacts `from` into `id` (rules in merge.ts) and moves them to the trash, all or
   * nothing. A stored card of the kept contact gets the changed lines, like an edit in the API.
   * `dryRun` changes nothing and answers the contact as the merge would leave it (or its refusal).
   */
  async merge(owner: Owner, id: string, from: readonly string[], dryRun = false): Promise<Contact> {
    if (!UUID_SHAPE.test(id)) throw contactNotFound();
    const keptId = id.toLowerCase();
    const fromIds = from.map((fromId) => fromId.toLowerCase());
    const self = fromIds.indexOf(keptId);
    if (self !== -1) {
      throw new AppError('VALIDATION_FAILED', 400, `from.${self}: A contact can't be merged into itself`, {
        errors: [{ path: `from.${self}`, message: "A contact can't be merged into itself" }],
      });
    }
    if (!fromIds.every((fromId) => UUID_SHAPE.test(fromId))) throw contactNotFound();

    const now = this.deps.clock.now();
    const plan = (kept: ContactRow, others: ContactRow[]) => {
      const result = mergeContacts(kept, others);
      if ('problems' in result) return result;
      const { change, photo } = result;
      const card = cardAfterEdit(kept, change, owner.region, now, photo ? { url: publicPhotoUrl(photo.url, this.deps.appUrl) } : undefined);
      const write: MergeWrite = {
        values: {
          ...change,
          ...(photo ? { photoKey: photo.key, photoUrl: photo.url } : {}),
          ...(card === undefined || card === kept.card ? {} : { card }),
        },
        // A picture in the store belongs to one contact at a time; a link from a vCard can be shared.
        ...(photo?.key ? { photoFrom: photo.from.id } : {}),
      };
      return write;
    };
    const outcome = dryRun
      ? await previewMerge(this.deps.db, owner.id, keptId, fromIds, plan)
      : await mergeInto(this.deps.db, owner.id, keptId, fromIds, plan, now);
    if ('merged' in outcome) return presentContact(outcome.merged, this.deps.appUrl);
    if (outcome.refused === 'NOT_FOUND') throw contactNotFound();
    if (outcome.refused === 'BUSY') {
      throw new AppError('SERVICE_UNAVAILABLE', 503, 'These contacts are being changed right now; nothing was merged. Try again.', {
        headers: { 'retry-after': '1' },
      });
    }
    const reasons = outcome.problems.map((problem) => problem.message).join('; ');
    throw new AppError('MERGE_TOO_LARGE', 409, `Nothing was merged: ${reasons}. Remove some from a contact first.`, {
      errors: outcome.problems,
    });
  }
}
