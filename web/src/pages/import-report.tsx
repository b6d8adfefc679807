import { useId, useState } from 'react';
import { Link } from 'react-router';
import type { ImportAction, ImportFormat, ImportItem, ImportReport } from '../api/imports.api.js';
import { useFocusLater } from '../forms/use-focus-later.js';

export const FORMAT_NAMES: Record<ImportFormat, string> = {
  vcard: 'vCard',
  'google-csv': 'Google Contacts CSV',
  'outlook-csv': 'Outlook CSV',
};

/** "12 new, 3 updated, 1 skipped" */
export const totalsOf = (report: ImportReport) =>
  `${report.created} new, ${report.updated} updated, ${report.skipped} skipped`;

/** How many contacts the import writes: the new ones and the updated ones. */
export const writtenBy = (report: ImportReport) => report.created + report.updated;

const WHAT_WILL_HAPPEN: Record<ImportAction, string> = {
  create: 'New contact',
  update: 'Updates a contact',
  skip: 'Skipped',
};
const WHAT_HAPPENED: Record<ImportAction, string> = {
  create: 'Added',
  update: 'Updated',
  skip: 'Skipped',
};

// A long file shows its first rows; the rest come on request, so the page stays quick.
const ROWS_AT_FIRST = 200;

/**
 * The name, linked to the contact the row made, changes or matched. Before the import the link
 * opens in a new tab, so the preview stays where it is.
 */
function NameCell({ item, dryRun }: { item: ImportItem; dryRun: boolean }) {
  const name = item.name.trim() ? item.name : <span className="muted">(no name)</span>;
  const to = item.contactId ? `/contacts/${item.contactId}` : undefined;
  return (
    <th scope="row" role="rowheader" className="import-name">
      {to && dryRun ? (
        <Link to={to} target="_blank" rel="noopener">
          {name}
          <span className="visually-hidden"> (opens in a new tab)</span>
        </Link>
      ) : to ? (
        <Link to={to}>{name}</Link>
      ) : (
        name
      )}
    </th>
  );
}

/**
 * Every card or CSV row of the file and what the import does with it, as a table. On a phone the
 * rows stack (see import.css); the explicit roles keep it a table for screen readers when CSS
 * changes its display.
 */
export function ImportItems({ report, fileName }: { report: ImportReport; fileName: string }) {
  const [showAll, setShowAll] = useState(false);
  const firstMoreId = useId();
  const focusLater = useFocusLater();
  const words = report.dryRun ? WHAT_WILL_HAPPEN : WHAT_HAPPENED;
  const shown = showAll ? report.items : report.items.slice(0, ROWS_AT_FIRST);
  const hidden = report.items.length - shown.length;
  // A column of nothing but blanks says nothing: "Why" shows when some row has a reason.
  const reasons = report.items.some((item) => item.reason);
  if (report.items.length === 0) return <p className="muted">{fileName} has no contacts in it.</p>;
  return (
    <>
      <table className="import-table" role="table">
        <caption>
          {report.dryRun ? `What importing ${fileName} will do` : `What was imported from ${fileName}`}
          {hidden > 0 ? ` (the first ${shown.length} of ${report.items.length} rows)` : ''}
        </caption>
        <thead role="rowgroup">
          <tr role="row">
            <th scope="col" role="columnheader">
              Row
            </th>
            <th scope="col" role="columnheader">
              Name
            </th>
            <th scope="col" role="columnheader">
              {report.dryRun ? 'What will happen' : 'What happened'}
            </th>
            {reasons ? (
              <th scope="col" role="columnheader">
                Why
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody role="rowgroup">
          {shown.map((item, position) => (
            <tr
              key={item.index}
              role="row"
              className={`import-row ${item.action}`}
              // The button that showed them is gone: the focus goes to the first of the rows it brought.
              {...(position === ROWS_AT_FIRST ? { id: firstMoreId, tabIndex: -1 } : {})}
            >
              <td role="cell" className="import-index">
                {item.index}
              </td>
              <NameCell item={item} dryRun={report.dryRun} />
              <td role="cell" className="import-action">
                <span className={`action-badge ${item.action}`}>{words[item.action]}</span>
              </td>
              {reasons ? (
                <td role="cell" className="import-reason">
                  {item.reason ?? ''}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {hidden > 0 ? (
        <button
          type="button"
          className="button small show-all-rows"
          onClick={() => {
            setShowAll(true);
            focusLater(firstMoreId);
          }}
        >
          Show all {report.items.length} rows
        </button>
      ) : null}
    </>
  );
}
