/**
 * Contact search scored in the application. A user holds at most 100 contacts, so loading them and
 * ranking here is cheap, and it lets near misses ("Jhon" for "John") match, which trigram
 * similarity in the database scores far too low for short names.
 */

export interface SearchableContact {
  firstName: string;
  lastName: string | null;
  emails: ReadonlyArray<{ value: string }>;
  phones: ReadonlyArray<{ value: string }>;
  notes: string | null;
  organization: string | null;
  jobTitle: string | null;
  addresses: ReadonlyArray<{ locality: string | null; country: string | null }>;
}

// Letters that carry no combining mark after decomposition, so stripping marks can't fold them.
const EXTRA_FOLDS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Lower-case, accent-free, single-spaced. NFKD rather than NFD also folds full-width letters and
 * digits (typed by CJK input methods) and ligatures such as "ﬁ".
 */
export function normalizeText(s: string): string {
  // Printable ASCII, by far the most common input, has nothing to decompose, strip or fold.
  if (PRINTABLE_ASCII.test(s)) return s.toLowerCase().replace(/ {2,}/g, ' ').trim();
  // Decompose before lower-casing: "İ" becomes "I" plus a dot above, and then a plain "i".
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => EXTRA_FOLDS[c] ?? c)
    .replace(/\s+/gu, ' ')
    .trim();
}

/** ASCII digits of `s`; NFKD first, so full-width digits count too. */
export const digitsOf = (s: string): string => s.normalize('NFKD').replace(/[^0-9]/g, '');

// Match strength of one query token; lower is better. A contact ranks by its weakest token.
const Tier = {
  nameExact: 0,
  namePrefix: 1,
  nameSubstring: 2,
  otherField: 3,
  nearMiss: 4,
  farMiss: 5,
} as const;
type Tier = (typeof Tier)[keyof typeof Tier];

const MIN_PHONE_DIGITS = 3;
const PHONE_QUERY = /^[\d\s+\-()./]+$/u;

/** The digit strings a typed phone number may appear as in a stored E.164 number. */
function digitNeedles(digits: string): string[] {
  // A leading 0 is a trunk or "00" international prefix that E.164 drops: "020 7946" is in "+44207946…".
  const withoutPrefix = digits.replace(/^0+/, '');
  return withoutPrefix !== digits && withoutPrefix.length >= MIN_PHONE_DIGITS ? [digits, withoutPrefix] : [digits];
}

/** Needles for a search query; fewer than 3 digits would match nearly every number. */
function phoneNeedles(text: string): string[] {
  const digits = digitsOf(text);
  return digits.length < MIN_PHONE_DIGITS ? [] : digitNeedles(digits);
}

function phoneMatches(phoneDigits: string, needles: string[]): boolean {
  return phoneDigits !== '' && needles.some((needle) => phoneDigits.includes(needle));
}



/** A word as code points, so that a letter outside the BMP counts as one edit, not two. */
type Codes = readonly number[];
const codesOf = (word: string): Codes => Array.from(word, (c) => c.codePointAt(0)!);

/** A word ready for fuzzy matching: its code points, and which letters it has as a bit set. */
interface Word {
  codes: Codes;
  letters: number;
}

/** a..z get a bit each; every other character shares one of six, which only makes the bound looser. */
const letterBit = (code: number) => 1 << (code >= 97 && code <= 122 ? code - 97 : 26 + (code % 6));
const wordOf = (text: string): Word => {
  const codes = codesOf(text);
  return { codes, letters: codes.reduce((set, code) => set | letterBit(code), 0) };
};

function bitCount(n: number): number {
  let v = n - ((n >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

// Three rows of the distance table, reused by every call (the computation is synchronous).
let rows: Int32Array[] = [new Int32Array(32), new Int32Array(32), new Int32Array(32)];

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transposition, so "jhon" is one edit
 * from "john"), giving up with `max + 1` once the distance must exceed `max`. Compares `s` with
 * the `tLength` code points of `t` from `tStart` on.
 */
function codesDistance(s: Codes, t: ArrayLike<number>, max: number, tLength = t.length, tStart = 0): number {
  if (Math.abs(s.length - tLength) > max) return max + 1;
  if (rows[0]!.length <= tLength) rows = rows.map(() => new Int32Array(2 * (tLength + 1)));
  let [beforePrev, prev, row] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= tLength; j += 1) prev[j] = j;
  for (let i = 1; i <= s.length; i += 1) {
    row[0] = i;
    let rowMin = i;
    const si = s[i - 1]!;
    for (let j = 1; j <= tLength; j += 1) {
      const tj = t[tStart + j - 1]!;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (si === tj ? 0 : 1));
      if (i > 1 && j > 1 && si === t[tStart + j - 2] && s[i - 2] === tj) best = Math.min(best, beforePrev[j - 2]! + 1);
      row[j] = best;
      if (best < rowMin) rowMin = best;
    }
    if (rowMin > max) return max + 1;
    [beforePrev, prev, row] = [prev, row, beforePrev];
  }
  return Math.min(prev[tLength]!, max + 1);
}

/** The optimal string alignment distance between two strings, at most `max + 1`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  return codesDistance(codesOf(a), codesOf(b), max);
}

/**
 * Edits allowed between a token and a word: none when either has fewer than 3 letters, where
 * everything is one edit from something ("al" from "bob" is not, but "jon" from "jn" would be).
 */
function allowedEdits(tokenLength: number, wordLength: number): number {
  const shorter = Math.min(tokenLength, wordLength);
  return shorter >= 8 ? 2 : shorter >= 3 ? 1 : 0;
}

const words = (text: string) => text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
const withoutPunctuation = (text: string) => text.replace(/[^\p{L}\p{N} ]+/gu, '');

interface PreparedContact {
  names: string[]; // first, last, "first last": each normalized, with and without punctuation
  /** The names joined by newlines: one `includes` tells whether any name holds a query word. */
  nameText: string;
  nameWords: string[];
  fuzzyWords: Word[]; // name words and the emails' local-part words
  /**
   * Every email, the notes, organization, job title, and the addresses' localities and countries,
   * joined by newlines: one `includes` searches them all, and no query word (which never holds
   * white space) can match across two of them.
   */
  others: string;
  /** The digits of every phone number, joined by spaces, so that no needle spans two numbers. */
  phoneDigits: string;
}

function prepare(c: SearchableContact): PreparedContact {
  const first = normalizeText(c.firstName);
  const last = normalizeText(c.lastName ?? '');
  const full = last ? `${first} ${last}` : first;
  const names = [...new Set([first, last, full, ...[first, last, full].map(withoutPunctuation)])].filter(Boolean);
  const nameWords = words(full);
  const emails = c.emails.map((e) => normalizeText(e.value));
  const localPartWords = emails.flatMap((email) => words(email.split('@')[0] ?? ''));
  const others = [
    ...emails,
    c.notes,
    c.organization,
    c.jobTitle,
    ...c.addresses.flatMap((a) => [a.locality, a.country]),
  ]
    .flatMap((text) => (text ? [normalizeText(text)] : []))
    .join('\n');
  return {
    names,
    nameText: names.join('\n'),
    nameWords,
    fuzzyWords: [...new Set([...nameWords, ...localPartWords])].map(wordOf),
    others,
    phoneDigits: c.phones
      .map((p) => digitsOf(p.value))
      .filter(Boolean)
      .join(' '),
  };
}

/**
 * The fuzzy words of a list of contacts, packed side by side in typed arrays: the near-miss check
 * of a contact reads one contiguous run of numbers, where following an object and an array per
 * word missed the CPU caches on nearly every word (each request searches another user's contacts).
 */
class PackedWords {
  /** Per contact, its first word; a contact's words end where the next contact's begin. */
  readonly firstWord: Int32Array;
  /** Per word, its letters (see Word); `start[w]` to `start[w + 1]` are its code points. */
  readonly letters: Int32Array;
  readonly start: Int32Array;
  readonly codes: Int32Array;

  constructor(contacts: readonly PreparedContact[]) {
    const all = contacts.flatMap((c) => c.fuzzyWords);
    this.firstWord = new Int32Array(contacts.length + 1);
    this.letters = new Int32Array(all.length);
    this.start = new Int32Array(all.length + 1);
    this.codes = new Int32Array(all.reduce((sum, word) => sum + word.codes.length, 0));
    let w = 0;
    let code = 0;
    contacts.forEach((c, i) => {
      this.firstWord[i] = w;
      for (const word of c.fuzzyWords) {
        this.letters[w] = word.letters;
        this.start[w] = code;
        this.codes.set(word.codes, code);
        code += word.codes.length;
        w += 1;
      }
    });
    this.firstWord[contacts.length] = w;
    this.start[w] = code;
  }
}

function fuzzyTier(token: QueryToken, words: PackedWords, contact: number): Tier | undefined {
  if (token.hasDigit) return undefined;
  const { codes, letters } = token.word;
  let best: Tier | undefined;
  for (let w = words.firstWord[contact]!, end = words.firstWord[contact + 1]!; w < end; w += 1) {
    const start = words.start[w]!;
    const length = words.start[w + 1]! - start;
    const max = allowedEdits(codes.length, length);
    if (max === 0) continue;
    // A cheap lower bound that rules out most words before the distance table: each letter the
    // token has and the word lacks (or the other way round) needs an edit of its own.
    const wordLetters = words.letters[w]!;
    const tokenOnly = bitCount(letters & ~wordLetters);
    if (tokenOnly <= max && bitCount(wordLetters & ~letters) <= max) {
      const d = codesDistance(codes, words.codes, max, length, start);
      if (d <= 1) return Tier.nearMiss;
      if (d <= max) best = Tier.farMiss;
    }
    // A typo in a name still being typed: "jhona" against the start of "johnathan". The start
    // lacks at least the letters the whole word lacks.
    const typing = codes.length >= 5 && length > codes.length && tokenOnly <= 1;
    if (typing && codesDistance(codes, words.codes, 1, codes.length, start) <= 1) return Tier.nearMiss;
  }
  return best;
}

/** One word of the query, with what matching it needs worked out once per search. */
interface QueryToken {
  text: string;
  word: Word;
  hasDigit: boolean;
  /** Digit strings to look for in phone numbers; empty when the word isn't number-like. */
  phoneNeedles: string[];
}

function queryToken(text: string): QueryToken {
  return {
    text,
    word: wordOf(text),
    hasDigit: /\d/.test(text),
    phoneNeedles: PHONE_QUERY.test(text) ? phoneNeedles(text) : [],
  };
}

function tokenTier(token: QueryToken, c: PreparedContact, digitTokensSearchPhone: boolean, words: PackedWords, i: number): Tier | undefined {
  const { text } = token;
  // Every name word is part of a name, so a word no name contains (no query word holds a newline)
  // can be neither the whole of one nor the start of one: most contacts are ruled out here at once.
  if (c.nameText.includes(text)) {
    if (c.names.includes(text) || c.nameWords.includes(text)) return Tier.nameExact;
    if (c.names.some((n) => n.startsWith(text)) || c.nameWords.some((w) => w.startsWith(text))) return Tier.namePrefix;
    return Tier.nameSubstring;
  }
  if (c.others.includes(text)) return Tier.otherField;
  if (digitTokensSearchPhone && phoneMatches(c.phoneDigits, token.phoneNeedles)) return Tier.otherField;
  return fuzzyTier(token, words, i);
}

/** Query words, with punctuation trimmed from their ends ("smith," → "smith") but kept inside ("o'brien"). */
function queryTokens(normalizedQuery: string): string[] {
  return normalizedQuery
    .split(' ')
    .map((t) => t.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter(Boolean);
}

interface Score {
  weakest: number;
  phrase: number;
  total: number;
}

function score(table: SearchTable, i: number, phrase: string, tokens: QueryToken[], phoneQuery: string[]): Score | undefined {
  const c = table.prepared[i]!;
  // A query that is only a phone number matches by digits, however either side was formatted.
  if (phoneQuery.length > 0 && phoneMatches(c.phoneDigits, phoneQuery)) {
    return { weakest: Tier.otherField, phrase: 1, total: Tier.otherField };
  }
  let weakest = 0;
  let total = 0;
  for (const token of tokens) {
    // When the whole query was a phone number that didn't match, its pieces ("050", "123") must
    // not match other numbers piecemeal; they may still match text such as notes.
    const tier = tokenTier(token, c, phoneQuery.length === 0, table.words, i);
    if (tier === undefined) return undefined; // every token must match something
    weakest = Math.max(weakest, tier);
    total += tier;
  }
  // "john smith" ranks John Smith above Smith John, both of whose words match exactly.
  const phraseInName = tokens.length > 1 && c.names.some((n) => n.includes(phrase));
  return { weakest, phrase: phraseInName ? 0 : 1, total };
}

/**
 * Contacts made ready for searching them again and again: a snapshot of a user's contacts keeps
 * one (contacts.snapshot.ts), so its contacts are normalised once, not on every search. The
 * prepared forms sit in one array, where a process-wide WeakMap from contact to prepared form
 * missed the CPU caches (each request searches another user's contacts) and made a search three
 * times slower. The contacts must not change while the table is in use.
 */
export class SearchTable<T extends SearchableContact = SearchableContact> {
  readonly prepared: readonly PreparedContact[];
  readonly words: PackedWords;

  constructor(readonly contacts: readonly T[]) {
    this.prepared = contacts.map(prepare);
    this.words = new PackedWords(this.prepared);
  }

  /** As searchContacts, over the contacts `keep` lets through (every one by default). */
  search(q: string, keep?: (contact: T) => boolean): T[] {
    const phrase = queryTokens(normalizeText(q)).join(' ');
    const tokens = [...new Set(phrase.split(' ').filter(Boolean))].map(queryToken);
    if (tokens.length === 0) return keep ? this.contacts.filter(keep) : [...this.contacts];
    const phoneQuery = PHONE_QUERY.test(normalizeText(q)) ? phoneNeedles(q) : [];

    const scored: Array<{ contact: T; score: Score }> = [];
    this.contacts.forEach((contact, i) => {
      if (keep && !keep(contact)) return;
      const s = score(this, i, phrase, tokens, phoneQuery);
      if (s) scored.push({ contact, score: s });
    });
    scored.sort((a, b) => a.score.weakest - b.score.weakest || a.score.phrase - b.score.phrase || a.score.total - b.score.total);
    return scored.map((s) => s.contact);
  }
}

/**
 * The contacts matching `q`, best first: name matches (exact word, prefix, substring), then
 * email/notes/phone matches, then near misses. Every query word must match (AND). Equal scores keep
 * the input order. A query with nothing searchable in it (empty, only punctuation) filters nothing.
 */
export function searchContacts<T extends SearchableContact>(contacts: readonly T[], q: string): T[] {
  return new SearchTable(contacts).search(q);
}

/**
 * One per-field filter: case- and accent-insensitive substring for text, digits substring for
 * phones. An empty filter narrows nothing; a phone filter without digits matches nothing.
 */
export function matchesFieldFilter(value: string | null, filter: string, kind: 'text' | 'digits'): boolean {
  if (kind === 'text') {
    const needle = normalizeText(filter);
    return needle === '' || (value !== null && normalizeText(value).includes(needle));
  }
  if (filter.trim() === '') return true;
  const digits = digitsOf(filter);
  if (digits === '' || value === null) return false;
  return phoneMatches(digitsOf(value), digitNeedles(digits));
}

/** A per-field filter on a list (every email, every phone): true when any entry matches. */
export function matchesAnyFieldFilter(
  entries: ReadonlyArray<{ value: string }>,
  filter: string,
  kind: 'text' | 'digits',
): boolean {
  if (entries.length === 0) return matchesFieldFilter(null, filter, kind);
  return entries.some((entry) => matchesFieldFilter(entry.value, filter, kind));
}
