/**
 * Filtering, searching, sorting and paging one user's contacts in the application. A user holds
 * at most 100 contacts, so this runs on all of them at once, the same way on PGlite and PostgreSQL.
 */
import type { ContactRow } from '../../db/schema.js';
import type { ListContactsQuery, SortKey } from './contacts.schemas.js';
import { matchesAnyFieldFilter, matchesFieldFilter, SearchTable } from './search.js';

// Fixed locale so the order doesn't depend on the server's LANG; 'base' ignores case and accents.
const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

const compareText = (a: string | null, b: string | null) => collator.compare(a ?? '', b ?? '');
export const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The default order, and the final tie-breaks of every other: ascending, fully determined. */
export const compareByName = (a: ContactRow, b: ContactRow) =>
  compareText(a.firstName, b.firstName) || compareText(a.lastName, b.lastName) || compareIds(a.id, b.id);

type Comparable = string | number;

/** The value a key sorts by; null when the contact lacks it (those always sort last). */
const sortValue: Record<SortKey, (row: ContactRow) => Comparable | null> = {
  firstName: (row) => row.firstName,
  lastName: (row) => row.lastName,
  createdAt: (row) => row.createdAt.getTime(),
  // Calendar order (month, day); a known year breaks ties, oldest first, unknown years after.
  birthday: (row) =>
    row.birthdayMonth === null || row.birthdayDay === null
      ? null
      : (row.birthdayMonth * 100 + row.birthdayDay) * 100_000 + (row.birthdayYear ?? 99_999),
};

function comparatorFor(sort: string): (a: ContactRow, b: ContactRow) => number {
  const descending = sort.startsWith('-');
  const key = (descending ? sort.slice(1) : sort) as SortKey;
  const direction = descending ? -1 : 1;
  const valueOf = sortValue[key];
  return (a, b) => {
    const va = valueOf(a);
    const vb = valueOf(b);
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
      return compareByName(a, b);
    }
    const order = typeof va === 'string' && typeof vb === 'string' ? collator.compare(va, vb) : Number(va) - Number(vb);
    return order * direction || compareByName(a, b);
  };
}

export interface ContactPage {
  items: ContactRow[];
  total: number;
}

/**
 * Field filters first (each a case- and accent-insensitive substring, phone by digits), then `q`
 * (every word must match; ranked), then the order: by relevance when `q` is given and no `sort`
 * is asked for, otherwise by `sort` (default: name order); then the page. `rows` come in name
 * order (`compareByName`), so contacts that score the same come out in name order. `table`: the
 * rows made ready for search, when the caller keeps them so.
 */
export function selectContacts(rowsInNameOrder: readonly ContactRow[], query: ListContactsQuery, table?: SearchTable<ContactRow>): ContactPage {
  const keep = (row: ContactRow) =>
    (query.firstName === undefined || matchesFieldFilter(row.firstName, query.firstName, 'text')) &&
    (query.lastName === undefined || matchesFieldFilter(row.lastName, query.lastName, 'text')) &&
    (query.email === undefined || matchesAnyFieldFilter(row.emails, query.email, 'text')) &&
    (query.phone === undefined || matchesAnyFieldFilter(row.phones, query.phone, 'digits'));
  // Always a new array, so the sort below never reorders the caller's (a snapshot shared by other requests).
  let matched =
    query.q === undefined
      ? rowsInNameOrder.filter(keep)
      : (table ?? new SearchTable(rowsInNameOrder)).search(query.q, keep);
  if (query.sort !== undefined) matched = matched.sort(comparatorFor(query.sort));
  return { items: matched.slice(query.offset, query.offset + query.limit), total: matched.length };
}
