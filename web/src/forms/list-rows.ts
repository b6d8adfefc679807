/**
 * "Add another" rows: a list field (a contact's phones, say) as the rows on screen. Each row has a
 * key that outlives reordering and removal, so inputs, React and error messages stay attached to
 * the row the person is typing in. Blank rows are not sent, so the index the schema (or the API)
 * speaks of is the row's place among the rows that are not blank.
 */
export interface Row {
  key: string;
}

let lastKey = 0;
/** A key unique on this page (crypto.randomUUID needs a secure context, which a LAN install may lack). */
export const newRowKey = () => `row${++lastKey}`;

/** Whether every text of the row, apart from `ignore`d ones such as its label, is empty. */
export function isBlankRow<R extends Row>(row: R, ignore: ReadonlyArray<keyof R> = []): boolean {
  return Object.entries(row).every(
    ([name, value]) => name === 'key' || ignore.includes(name as keyof R) || typeof value !== 'string' || !value.trim(),
  );
}

/**
 * The shown place of a message about `path` when `lists` (by their form key) hold rows:
 * `['phones', '2', 'value']` → `phones.<key of the third row sent>.value`. A path that names no
 * row (or a message about the whole list) is shown at the list itself.
 */
export function rowErrorPath(path: string[], sentRows: Record<string, Row[] | undefined>): string | undefined {
  const [list = '', index, ...rest] = path;
  const rows = sentRows[list];
  if (!rows) return undefined;
  const row = index === undefined ? undefined : rows[Number(index)];
  return row ? [list, row.key, ...rest].join('.') : list;
}
