import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db, Executor } from '../../db/client.js';
import { type ContactRow, contacts } from '../../db/schema.js';
import type { FieldError } from '../../errors.js';
import { type ContactValues, ownedBy } from '../contacts/contacts.repository.js';
import { trashContactIn } from '../contacts/trash.repository.js';
import { lockAddressBook } from '../dav/dav.repository.js';

/** What the kept contact's row becomes, and whose photo it takes over (that row then lets go of it). */
export interface MergeWrite {
  values: Partial<ContactValues & Pick<ContactRow, 'card' | 'photoKey' | 'photoUrl'>>;
  photoFrom?: string;
}

export type MergePlan = (kept: ContactRow, others: ContactRow[]) => MergeWrite | { problems: FieldError[] };

export type MergeOutcome =
  | { merged: ContactRow }
  | { refused: 'NOT_FOUND' }
  | { refused: 'TOO_LARGE'; problems: FieldError[] }
  | { refused: 'BUSY' };

/** How often a merge tries again while an edit holds one of its contacts, and how long it waits between tries. */
const ATTEMPTS = 40;
const RETRY_DELAY_MS = 25;

/**
 * Merges the contacts `fromIds` into `id`, in one transaction: the kept contact gets what `plan`
 * works out from every row as it is now, and the others go to the trash. The user's row is
 * locked first, as CardDAV writes lock it, so merges (and PUTs) of one user go one at a time; then
 * every contact taking part is locked before it is read: of two merges over the same contacts,
 * the second finds what the first left (a contact in the trash is NOT_FOUND) and never both win.
 * Ids must be UUID-shaped and distinct; `fromIds` is the order `plan` gets the others in.
 *
 * The contacts are locked without waiting. An edit in the API locks its contact first and the
 * user's row after (the change-log trigger writes it); a merge holding the user's row and waiting
 * for that contact would deadlock with it. So when a contact is locked, the merge lets go of
 * everything, lets the edit finish, and starts again, and then merges the edited contact.
 */
export async function mergeInto(db: Db, userId: string, id: string, fromIds: readonly string[], plan: MergePlan, now: Date): Promise<MergeOutcome> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    try {
      return await db.transaction((tx) => mergeIn(tx, userId, id, fromIds, plan, now));
    } catch (error) {
      if (!isLockNotAvailable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    }
  }
  return { refused: 'BUSY' };
}

/**
 * What the merge would write, from the rows as they are now, without locking or writing anything:
 * the kept contact as it would be (its updatedAt as it is).
 */
export async function previewMerge(db: Db, userId: string, id: string, fromIds: readonly string[], plan: MergePlan): Promise<MergeOutcome> {
  const found = await mergeRows(db, userId, id, fromIds, false);
  if (!found) return { refused: 'NOT_FOUND' };
  const write = plan(found.kept, found.others);
  if ('problems' in write) return { refused: 'TOO_LARGE', problems: write.problems };
  return { merged: { ...found.kept, ...write.values } };
}

/** The kept contact and the others in `fromIds` order; undefined unless every one is a live contact of the user. */
async function mergeRows(executor: Executor, userId: string, id: string, fromIds: readonly string[], lock: boolean) {
  const query = executor
    .select()
    .from(contacts)
    .where(and(eq(contacts.userId, userId), inArray(contacts.id, [id, ...fromIds]), isNull(contacts.deletedAt)))
    .orderBy(asc(contacts.id));
  const rows = lock ? await query.for('update', { noWait: true }) : await query;
  const byId = new Map(rows.map((row) => [row.id, row]));
  const kept = byId.get(id);
  const others = fromIds.flatMap((fromId) => byId.get(fromId) ?? []);
  return kept && others.length === fromIds.length ? { kept, others } : undefined;
}

async function mergeIn(tx: Executor, userId: string, id: string, fromIds: readonly string[], plan: MergePlan, now: Date): Promise<MergeOutcome> {
  const notFound = { refused: 'NOT_FOUND' } as const;
  if (!(await lockAddressBook(tx, userId))) return notFound;
  const found = await mergeRows(tx, userId, id, fromIds, true);
  if (!found) return notFound;
  const { kept, others } = found;

  const write = plan(kept, others);
  if ('problems' in write) return { refused: 'TOO_LARGE', problems: write.problems };
  // The picture moves: the contact it came from no longer names it, so purging that one from the
  // trash later leaves the file the kept contact now shows.
  if (write.photoFrom !== undefined) {
    await tx.update(contacts).set({ photoKey: null, photoUrl: null }).where(ownedBy(userId, write.photoFrom));
  }
  let merged = kept;
  if (Object.keys(write.values).length > 0) {
    const [row] = await tx
      .update(contacts)
      .set({ ...write.values, updatedAt: now })
      .where(ownedBy(userId, id))
      .returning();
    if (!row) throw new Error('merge update returned no row');
    merged = row;
  }
  for (const other of others) {
    if (!(await trashContactIn(tx, userId, other.id, now))) throw new Error('merge could not trash a locked contact');
  }
  return { merged };
}

/** PostgreSQL's lock_not_available (55P03), the answer to NOWAIT, through Drizzle's wrapping. */
function isLockNotAvailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if ((current as Error & { code?: unknown }).code === '55P03') return true;
    current = current.cause;
  }
  return false;
}
