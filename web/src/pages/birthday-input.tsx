import { FieldMessage } from '../forms/fields.js';
import type { FieldProps } from '../forms/use-zod-form.js';
import { MONTHS } from '../lib/birthdays.js';

interface BirthdayInputProps {
  idPrefix: string;
  day: FieldProps;
  month: FieldProps;
  year: FieldProps;
  error: string | undefined;
}

/** Day, month and an optional year: the year-less `--MM-DD` form without anyone typing dashes. */
export function BirthdayInput({ idPrefix, day, month, year, error }: BirthdayInputProps) {
  const errorId = `${idPrefix}-birthday-error`;
  const invalid = error ? true : undefined;
  const described = error ? errorId : undefined;
  const plain = ({ error: _error, ...props }: FieldProps) => props;
  return (
    <fieldset className={error ? 'field birthday has-error' : 'field birthday'}>
      <legend>
        Birthday <span className="optional">(optional; the year too)</span>
      </legend>
      <div className="birthday-parts">
        <div>
          <label htmlFor={day.id}>Day</label>
          <input
            {...plain(day)}
            inputMode="numeric"
            maxLength={2}
            autoComplete="off"
            aria-invalid={invalid}
            aria-describedby={described}
          />
        </div>
        <div>
          <label htmlFor={month.id}>Month</label>
          <select {...plain(month)} aria-invalid={invalid} aria-describedby={described}>
            <option value="">—</option>
            {MONTHS.map((name, index) => (
              <option key={name} value={String(index + 1)}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={year.id}>Year</label>
          <input
            {...plain(year)}
            inputMode="numeric"
            maxLength={4}
            autoComplete="off"
            aria-invalid={invalid}
            aria-describedby={described}
          />
        </div>
      </div>
      <FieldMessage id={errorId} error={error} />
    </fieldset>
  );
}
