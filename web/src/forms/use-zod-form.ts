import { type ChangeEvent, type FormEvent, useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import { ApiError, type FieldError } from '../api/api-error.js';

export type FormValues = Record<string, string>;
/** Messages by the schema's top-level key (which may differ from an input's name, see `errorKeyOf`). */
export type FieldErrors = Record<string, string | undefined>;

/** The first message for each top-level key in a zod error. */
function errorsFromIssues(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const key = String(issue.path[0] ?? '');
    if (key && errors[key] === undefined) errors[key] = issue.message;
  }
  return errors;
}

export interface FieldProps {
  id: string;
  name: string;
  value: string;
  error: string | undefined;
  onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => void;
  onBlur: () => void;
}

export interface ZodFormOptions<V extends FormValues> {
  schema: z.ZodType;
  initial: V;
  /** Makes input ids unique on the page: `${idPrefix}-${name}`. */
  idPrefix: string;
  /** Turns the inputs' strings into what the schema (and the API) expects. */
  toInput?: (values: V) => unknown;
  /** The schema key an input's errors belong to (several inputs may make up one field). */
  errorKeyOf?: (name: keyof V & string) => string;
}

/**
 * Form state checked by the same zod schema the API uses. A field is checked when it loses focus,
 * re-checked as it is corrected, and everything on submit; the API's field errors land beside
 * their fields, and focus moves to the first field that needs attention.
 */
export function useZodForm<V extends FormValues, S extends z.ZodType>(options: ZodFormOptions<V> & { schema: S }) {
  const { schema, idPrefix, initial } = options;
  const toInput = options.toInput ?? ((values: V) => values);
  const errorKeyOf = options.errorKeyOf ?? ((name: string) => name);
  const [values, setValues] = useState<V>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [otherErrors, setOtherErrors] = useState<FieldError[]>([]);
  const [focusRequest, setFocusRequest] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);

  // After the errors have rendered, move focus to the first field marked invalid.
  useEffect(() => {
    if (focusRequest > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusRequest]);

  const check = (key: string, next: V) => {
    const result = schema.safeParse(toInput(next));
    const message = result.success ? undefined : errorsFromIssues(result.error.issues)[key];
    setErrors((current) => ({ ...current, [key]: message }));
  };

  const field = (name: keyof V & string): FieldProps => {
    const key = errorKeyOf(name);
    return {
      id: `${idPrefix}-${name}`,
      name,
      value: values[name] ?? '',
      error: errors[key],
      onChange: (event) => {
        const next = { ...values, [name]: event.target.value };
        setValues(next);
        // Once a field has shown an error, say as soon as it is fixed.
        if (errors[key]) check(key, next);
      },
      onBlur: () => {
        if (values[name] !== initial[name] || errors[key]) check(key, values);
      },
    };
  };

  /** Shows the API's field errors beside their fields; ones that match no field are listed apart. */
  const showServerErrors = (error: unknown) => {
    if (!(error instanceof ApiError) || error.errors.length === 0) return;
    const known = new Set(Object.keys(values).map((name) => errorKeyOf(name)));
    const mine: FieldErrors = {};
    const rest: FieldError[] = [];
    for (const fieldError of error.errors) {
      const key = fieldError.path.split('.')[0] ?? '';
      if (known.has(key)) mine[key] ??= fieldError.message;
      else rest.push(fieldError);
    }
    setErrors(mine);
    setOtherErrors(rest);
    setFocusRequest((n) => n + 1);
  };

  const handleSubmit = (onValid: (data: z.output<S>) => void) => (event: FormEvent) => {
    event.preventDefault();
    setOtherErrors([]);
    const result = schema.safeParse(toInput(values));
    if (!result.success) {
      setErrors(errorsFromIssues(result.error.issues));
      setFocusRequest((n) => n + 1);
      return;
    }
    setErrors({});
    onValid(result.data);
  };

  const reset = (next: V) => {
    setValues(next);
    setErrors({});
    setOtherErrors([]);
  };

  return { values, setValues, errors, otherErrors, field, check, handleSubmit, showServerErrors, reset, formRef };
}
