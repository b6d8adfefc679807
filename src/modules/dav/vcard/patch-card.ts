/**
 * An edit made in the API or the web app, written into the card a client stored: only the lines of
 * the fields that changed are rewritten; every other line (X- properties, groups, parameters,
 * PHOTO, properties Kith doesn't know) keeps its exact bytes.
 */
import type { Address } from '../../contacts/contact-details.schemas.js';
import type { ContactValues } from '../../contacts/contacts.repository.js';
import { type CardLine, escapeText, foldLine, joinCard } from './card-lines.js';
import { type ListFamily, readCard } from './read-card.js';
import { cardVersionOf, LineWriter, type NewLine } from './write-card.js';

export interface CardEdit {
  values: ContactValues;
  /** The picture's URL after the edit, when the edit changed the picture. */
  photo?: { url: string | null };
  /** When the edit was made, for REV. */
  at: Date;
}

const sameAddress = (a: Address, b: Address) =>
  a.street === b.street && a.locality === b.locality && a.region === b.region && a.postalCode === b.postalCode && a.country === b.country;

type Entry = { label: string | null } & ({ value: string } | Address);
const sameEntry = (family: ListFamily, a: Entry, b: Entry) =>
  family === 'addresses' ? sameAddress(a as Address, b as Address) : (a as { value: string }).value === (b as { value: string }).value;

/** The components of a structured value as written (still escaped), split at unescaped semicolons. */
function rawComponents(line: CardLine): string[] {
  const unfolded = line.raw.replace(/\r?\n[ \t]/g, '');
  let inQuotes = false;
  let colon = -1;
  for (let i = 0; i < unfolded.length; i += 1) {
    const c = unfolded[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (c === ':' && !inQuotes) {
      colon = i;
      break;
    }
  }
  return unfolded.slice(colon + 1).split(/(?<!\\);/);
}

/** Returns the card with the edit applied; the card must be one readCard accepts. */
export function patchCard(card: string, region: string | null, edit: CardEdit): string {
  const read = readCard(card, region);
  if ('error' in read) throw new Error(`stored card unreadable: ${read.error}`);
  const before = read.values;
  const after = edit.values;
  const eol = read.text.eol;
  const writer = new LineWriter(cardVersionOf(read.version), new Set(read.text.lines.flatMap((l) => (l.group ? [l.group] : []))));
  // Working copy: null marks a removed line; new lines carry their name for later edits.
  const lines: Array<CardLine | null> = [...read.text.lines];
  const inserted = new Map<number, string[]>(); // new lines to put before line i
  const endIndex = lines.length - 1;
  const insertBefore = (index: number, texts: string[]) => inserted.set(index, [...(inserted.get(index) ?? []), ...texts]);
  const firstIndexOf = (name: string) => lines.findIndex((l) => l?.name === name);
  const withGroup = (line: CardLine | null | undefined, text: string) => (line?.group ? `${line.group}.${text}` : text);

  /** Replaces the first `name` line with `text`, or removes it (null); adds it before END when absent. */
  const setSingle = (name: string, text: string | null) => {
    const index = firstIndexOf(name);
    if (index === -1) {
      if (text !== null) insertBefore(endIndex, [text]);
      return;
    }
    const line = lines[index]!;
    lines[index] = text === null ? null : { ...line, raw: foldLine(withGroup(line, text), eol) };
  };

  if (before.firstName !== after.firstName || before.lastName !== after.lastName) {
    const nIndex = firstIndexOf('N');
    const others = nIndex === -1 ? [] : rawComponents(lines[nIndex]!).slice(2, 5);
    setSingle('N', writer.n(after.firstName, after.lastName, others));
    setSingle('FN', writer.fn(after.firstName, after.lastName));
  }
  if (before.organization !== after.organization) {
    const orgIndex = firstIndexOf('ORG');
    const units = orgIndex === -1 ? [] : rawComponents(lines[orgIndex]!).slice(1);
    setSingle('ORG', after.organization === null ? null : `ORG:${[escapeText(after.organization), ...units].join(';')}`);
  }
  if (before.jobTitle !== after.jobTitle) setSingle('TITLE', after.jobTitle === null ? null : `TITLE:${escapeText(after.jobTitle)}`);
  if (before.notes !== after.notes) setSingle('NOTE', after.notes === null ? null : `NOTE:${escapeText(after.notes)}`);
  if (
    before.birthdayYear !== after.birthdayYear ||
    before.birthdayMonth !== after.birthdayMonth ||
    before.birthdayDay !== after.birthdayDay
  ) {
    setSingle('BDAY', writer.birthday(after));
  }
  if (edit.photo) setSingle('PHOTO', edit.photo.url === null ? null : writer.photo(edit.photo.url));

  const families: Array<[ListFamily, (entry: never) => NewLine]> = [
    ['emails', (e) => writer.email(e)],
    ['phones', (e) => writer.phone(e)],
    ['addresses', (e) => writer.address(e)],
    ['websites', (e) => writer.website(e)],
  ];
  for (const [family, write] of families) {
    const old = before[family] as Entry[];
    const next = after[family] as Entry[];
    const unchanged =
      old.length === next.length && old.every((e, i) => sameEntry(family, e, next[i]!) && e.label === next[i]!.label);
    if (unchanged) continue;
    const oldLines = read.entryLines[family];
    const used = new Set<number>();
    // The family's lines are rewritten where its first mapped line was, in the new order.
    const anchor = oldLines[0] ?? endIndex;
    const texts: string[] = [];
    for (const entry of next) {
      const match = old.findIndex((o, i) => !used.has(i) && sameEntry(family, o, entry));
      if (match !== -1 && old[match]!.label === entry.label) {
        used.add(match);
        texts.push(lines[oldLines[match]!]!.raw); // kept as it was, byte for byte
        continue;
      }
      if (match !== -1) used.add(match);
      const line = write(entry as never);
      texts.push(...[line.text, ...line.companions].map((t) => foldLine(t, eol)));
    }
    for (const index of oldLines) lines[index] = null;
    insertBefore(anchor, texts.map((raw) => raw));
  }

  const rev = firstIndexOf('REV');
  if (rev !== -1) setSingle('REV', `REV:${edit.at.toISOString().replace(/\.\d{3}Z$/, 'Z')}`);

  // A group whose only lines left are its labels (X-ABLabel and the like) goes with its property.
  const live = lines.filter((l): l is CardLine => l !== null);
  const groupsWithProperty = new Set(live.filter((l) => l.group && !l.name.startsWith('X-AB')).map((l) => l.group!.toLowerCase()));
  const keptInsertedGroups = new Set(
    [...inserted.values()].flat().flatMap((raw) => {
      const match = /^([A-Za-z0-9-]+)\.(?!X-AB)/i.exec(raw);
      return match ? [match[1]!.toLowerCase()] : [];
    }),
  );
  const out: string[] = [];
  lines.forEach((line, index) => {
    for (const raw of inserted.get(index) ?? []) out.push(raw);
    if (!line) return;
    const group = line.group?.toLowerCase();
    if (group && line.name.startsWith('X-AB') && !groupsWithProperty.has(group) && !keptInsertedGroups.has(group)) return;
    out.push(line.raw);
  });
  return joinCard({ ...read.text, lines: out.map((raw) => ({ raw, name: '', group: null })) });
}
