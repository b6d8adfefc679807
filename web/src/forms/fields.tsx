import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';
import type { FieldProps } from './use-zod-form.js';

interface LabelledProps {
  label: string;
  /** Shown under the label; read out with the field. */
  hint?: ReactNode;
  optional?: boolean;
}

function describedBy(props: FieldProps, hint: ReactNode): string | undefined {
  const ids = [hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

function Frame({ field, label, hint, optional, children }: LabelledProps & { field: FieldProps; children: ReactNode }) {
  return (
    <div className={field.error ? 'field has-error' : 'field'}>
      <label htmlFor={field.id}>
        {label}
        {optional ? <span className="optional"> (optional)</span> : null}
      </label>
      {hint ? (
        <p className="hint" id={`${field.id}-hint`}>
          {hint}
        </p>
      ) : null}
      {children}
      <FieldMessage id={`${field.id}-error`} error={field.error} />
    </div>
  );
}

export function FieldMessage({ id, error }: { id: string; error: string | undefined }) {
  return error ? (
    <p className="field-error" id={id}>
      {error}
    </p>
  ) : null;
}

type InputExtras = Omit<InputHTMLAttributes<HTMLInputElement>, keyof FieldProps | 'children'>;

export function TextField({
  field,
  label,
  hint,
  optional,
  ...rest
}: LabelledProps & { field: FieldProps } & InputExtras) {
  const { error, ...input } = field;
  return (
    <Frame field={field} label={label} hint={hint} optional={optional}>
      <input
        type="text"
        {...rest}
        {...input}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(field, hint)}
      />
    </Frame>
  );
}

type TextAreaExtras = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, keyof FieldProps | 'children'>;

export function TextAreaField({
  field,
  label,
  hint,
  optional,
  ...rest
}: LabelledProps & { field: FieldProps } & TextAreaExtras) {
  const { error, ...input } = field;
  return (
    <Frame field={field} label={label} hint={hint} optional={optional}>
      <textarea
        {...rest}
        {...input}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(field, hint)}
      />
    </Frame>
  );
}

type SelectExtras = Omit<SelectHTMLAttributes<HTMLSelectElement>, keyof FieldProps>;

export function SelectField({
  field,
  label,
  hint,
  optional,
  children,
  ...rest
}: LabelledProps & { field: FieldProps; children: ReactNode } & SelectExtras) {
  const { error, ...input } = field;
  return (
    <Frame field={field} label={label} hint={hint} optional={optional}>
      <select {...rest} {...input} aria-invalid={error ? true : undefined} aria-describedby={describedBy(field, hint)}>
        {children}
      </select>
    </Frame>
  );
}

/** A password input with a show/hide switch, so nobody needs a "repeat password" field. */
export function PasswordField({
  field,
  label,
  hint,
  autoComplete,
  shown,
}: LabelledProps & { field: FieldProps; autoComplete: 'current-password' | 'new-password'; shown: boolean }) {
  return (
    <TextField
      field={field}
      label={label}
      hint={hint}
      type={shown ? 'text' : 'password'}
      autoComplete={autoComplete}
      spellCheck={false}
      autoCapitalize="off"
    />
  );
}

export function ShowPasswords({
  id,
  shown,
  onChange,
}: {
  id: string;
  shown: boolean;
  onChange: (shown: boolean) => void;
}) {
  return (
    <div className="checkbox">
      <input id={id} type="checkbox" checked={shown} onChange={(event) => onChange(event.target.checked)} />
      <label htmlFor={id}>Show password</label>
    </div>
  );
}
