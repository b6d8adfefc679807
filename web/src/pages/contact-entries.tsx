import type { InputHTMLAttributes, ReactNode } from 'react';
import { FieldMessage } from '../forms/fields.js';
import { isBlankRow } from '../forms/list-rows.js';
import { useFocusLater } from '../forms/use-focus-later.js';
import type { ZodForm } from '../forms/use-zod-form.js';
import { labelText, suggestedLabels } from '../lib/labels.js';
import {
  type AddressRow,
  type ContactValues,
  DEFAULT_LABELS,
  type EntryRow,
  type ListName,
  newAddressRow,
  newEntryRow,
} from './contact-form-values.js';

type Form = ZodForm<ContactValues>;

const Hidden = ({ children }: { children: ReactNode }) => <span className="visually-hidden">{children}</span>;

/** "Phone", "Phone 2", ...: a lone row needs no number. */
const rowName = (noun: string, index: number) => (index === 0 ? noun : `${noun} ${index + 1}`);

const describedBy = (...ids: Array<string | false | undefined>) => ids.filter(Boolean).join(' ') || undefined;

const CUSTOM = 'custom-label';

interface LabelPickerProps {
  id: string;
  /** Which row, for the names a screen reader reads: "phone 2". */
  of: string;
  label: string;
  custom: boolean;
  error: string | undefined;
  onPick: (label: string, custom: boolean) => void;
  onBlur: () => void;
}

/**
 * Mobile, Home, Work, Other, or a label of one's own typed in. Picking "Custom…" shows the text
 * input next in the tab order without moving the focus: arrowing through a closed <select> picks
 * each option on the way, and the focus must not jump while someone is still choosing.
 */
function LabelPicker({ id, of, label, custom, error, onPick, onBlur }: LabelPickerProps) {
  const customId = `${id}-custom`;
  const errorId = `${customId}-error`;
  return (
    <div className="entry-label">
      <label htmlFor={id}>
        Label<Hidden> for {of}</Hidden>
      </label>
      <select
        id={id}
        value={custom ? CUSTOM : label}
        onChange={(event) => {
          const picked = event.target.value;
          if (picked === CUSTOM) onPick('', true);
          else onPick(picked, false);
        }}
      >
        <option value="">No label</option>
        {suggestedLabels.map((suggested) => (
          <option key={suggested} value={suggested}>
            {labelText(suggested)}
          </option>
        ))}
        <option value={CUSTOM}>Custom…</option>
      </select>
      {custom ? (
        <>
          <label htmlFor={customId} className="visually-hidden">
            Custom label for {of}
          </label>
          <input
            id={customId}
            type="text"
            value={label}
            maxLength={50}
            placeholder="Type a label"
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(event) => onPick(event.target.value, true)}
            onBlur={onBlur}
          />
          <FieldMessage id={errorId} error={error} />
        </>
      ) : null}
    </div>
  );
}

interface ListFrameProps {
  form: Form;
  name: ListName | 'addresses';
  legend: string;
  hint?: ReactNode;
  children: ReactNode;
}

function ListFrame({ form, name, legend, hint, children }: ListFrameProps) {
  const base = `${form.idPrefix}-${name}`;
  const error = form.errors[name];
  return (
    <fieldset className={error ? 'field entries has-error' : 'field entries'}>
      <legend>
        {legend} <span className="optional">(optional)</span>
      </legend>
      {hint ? (
        <p className="hint" id={`${base}-hint`}>
          {hint}
        </p>
      ) : null}
      <FieldMessage id={`${base}-error`} error={error} />
      {children}
    </fieldset>
  );
}

function AddButton({ id, what, count, max, onAdd }: { id: string; what: string; count: number; max: number; onAdd: () => void }) {
  if (count >= max) return <p className="hint">That is the most one contact can hold ({max}).</p>;
  return (
    <button id={id} type="button" className="button small add-entry" onClick={onAdd}>
      <span aria-hidden="true">+</span> Add {what}
    </button>
  );
}

type Row = EntryRow | AddressRow;

/**
 * The rows of one list field and what the buttons do to them: change a row, add one (the focus
 * goes to its first input), remove one (the focus goes to the Add button).
 */
function useRows<R extends Row>(form: Form, name: ListName | 'addresses', make: () => R, firstInput: string) {
  const focusLater = useFocusLater();
  const rows = form.values[name] as R[];
  const base = `${form.idPrefix}-${name}`;
  const addId = `${base}-add`;
  const replace = (key: string, next: R[]) => form.update(key, { ...form.values, [name]: next });
  const change = (row: R, changes: Partial<R>) =>
    replace(
      `${name}.${row.key}`,
      rows.map((r) => (r.key === row.key ? { ...r, ...changes } : r)),
    );
  const add = () => {
    const row = make();
    replace(`${name}.${row.key}`, [...rows, row]);
    focusLater(`${base}-${row.key}-${firstInput}`);
  };
  const remove = (row: R) => {
    replace(
      `${name}.${row.key}`,
      rows.filter((r) => r.key !== row.key),
    );
    focusLater(addId);
  };
  return { rows, base, addId, change, add, remove };
}

/** A row's label picker and its Remove button. */
function RowControls<R extends Row>(props: {
  form: Form;
  rowKey: string;
  row: R;
  of: string;
  base: string;
  change: (row: R, changes: Partial<R>) => void;
  remove: (row: R) => void;
}) {
  const { form, rowKey, row, of, base, change, remove } = props;
  return (
    <>
      <LabelPicker
        id={`${base}-${row.key}-label`}
        of={of}
        label={row.label}
        custom={row.customLabel}
        error={form.errors[`${rowKey}.label`]}
        onPick={(label, customLabel) => change(row, { label, customLabel } as Partial<R>)}
        onBlur={() => form.leave(rowKey, row.customLabel)}
      />
      <button type="button" className="button subtle small entry-remove" onClick={() => remove(row)}>
        Remove<Hidden> {of}</Hidden>
      </button>
    </>
  );
}

interface EntryListProps {
  form: Form;
  name: ListName;
  /** As a row's label shows it: "Phone". */
  noun: string;
  legend: string;
  max: number;
  hint?: ReactNode;
  input: Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name' | 'value' | 'onChange' | 'onBlur'>;
}

/** Phones, emails or websites: one row each, with a label and a Remove button, and "Add" below. */
export function EntryList({ form, name, noun, legend, max, hint, input }: EntryListProps) {
  const { rows, base, addId, change, add, remove } = useRows<EntryRow>(form, name, () => newEntryRow(DEFAULT_LABELS[name]), 'value');

  return (
    <ListFrame form={form} name={name} legend={legend} hint={hint}>
      {rows.length > 0 ? (
        <ul className="entry-list">
          {rows.map((row, index) => {
            const key = `${name}.${row.key}`;
            const id = `${base}-${row.key}-value`;
            const error = form.errors[`${key}.value`];
            const of = rowName(noun.toLowerCase(), index);
            return (
              <li key={row.key} className="entry-row">
                <div className="entry-value">
                  <label htmlFor={id}>{rowName(noun, index)}</label>
                  <input
                    type="text"
                    {...input}
                    id={id}
                    name={`${name}.${index}.value`}
                    value={row.value}
                    autoComplete="off"
                    aria-invalid={error ? true : undefined}
                    aria-describedby={describedBy(hint !== undefined && `${base}-hint`, error && `${id}-error`)}
                    onChange={(event) => change(row, { value: event.target.value })}
                    onBlur={() => form.leave(key, !isBlankRow(row, ['label']))}
                  />
                  <FieldMessage id={`${id}-error`} error={error} />
                </div>
                <RowControls form={form} rowKey={key} row={row} of={of} base={base} change={change} remove={remove} />
              </li>
            );
          })}
        </ul>
      ) : null}
      <AddButton id={addId} what={noun.toLowerCase()} count={rows.length} max={max} onAdd={add} />
    </ListFrame>
  );
}

type AddressLine = 'street' | 'locality' | 'region' | 'postalCode' | 'country';
const ADDRESS_LINES: Array<{ line: AddressLine; label: string; maxLength: number; wide?: boolean }> = [
  { line: 'street', label: 'Street', maxLength: 300, wide: true },
  { line: 'locality', label: 'Town or city', maxLength: 100 },
  { line: 'region', label: 'State or region', maxLength: 100 },
  { line: 'postalCode', label: 'Postal code', maxLength: 20 },
  { line: 'country', label: 'Country', maxLength: 100 },
];

/** Postal addresses: each a small group of lines with its label. */
export function AddressList({ form, max }: { form: Form; max: number }) {
  const { rows, base, addId, change, add, remove } = useRows<AddressRow>(form, 'addresses', newAddressRow, 'street');

  return (
    <ListFrame form={form} name="addresses" legend="Addresses">
      {rows.map((row, index) => {
        const key = `addresses.${row.key}`;
        const of = rowName('address', index);
        const suffix = index === 0 ? null : <Hidden>, {of}</Hidden>;
        const rowError = form.errors[key];
        return (
          <fieldset key={row.key} className="address-row">
            <legend>{rowName('Address', index)}</legend>
            <FieldMessage id={`${base}-${row.key}-error`} error={rowError} />
            <div className="address-lines">
              {ADDRESS_LINES.map(({ line, label, maxLength, wide }) => {
                const id = `${base}-${row.key}-${line}`;
                const error = form.errors[`${key}.${line}`];
                return (
                  <div key={line} className={wide ? 'entry-value wide' : 'entry-value'}>
                    <label htmlFor={id}>
                      {label}
                      {suffix}
                    </label>
                    <input
                      id={id}
                      type="text"
                      name={`addresses.${index}.${line}`}
                      value={row[line]}
                      maxLength={maxLength}
                      autoComplete="off"
                      aria-invalid={error || rowError ? true : undefined}
                      aria-describedby={describedBy(error && `${id}-error`, rowError && `${base}-${row.key}-error`)}
                      onChange={(event) => change(row, { [line]: event.target.value })}
                      onBlur={() => form.leave(key, !isBlankRow(row, ['label']))}
                    />
                    <FieldMessage id={`${id}-error`} error={error} />
                  </div>
                );
              })}
            </div>
            <div className="address-foot">
              <RowControls form={form} rowKey={key} row={row} of={of} base={base} change={change} remove={remove} />
            </div>
          </fieldset>
        );
      })}
      <AddButton id={addId} what="address" count={rows.length} max={max} onAdd={add} />
    </ListFrame>
  );
}
