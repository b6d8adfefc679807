import { type ChangeEvent, type FormEvent, useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import { ApiError, type FieldError } from '../api/api-error.js';

/** Most inputs hold a string; a list of rows (a contact's phones, say) can live beside them. */
export type FormValues = Record<string, unknown>;
/** The keys of a form's values that hold one string each: the ones `field()` binds to an input. */
export type TextKey<V> = { [K in keyof V]: V[K] extends string ? K : never }[keyof V] & string;
/**
 * Messages by where they are shown: a top-level key of the schema (which may differ from an
 * input's name, see `errorKeyOf`), or a deeper path such as `phones.<row>.value` (see `errorPathOf`).
 */
export type FieldErrors = Record<string, string | undefined>;

/** True when `path` is `key` itself or lies inside it (`phones.r2.value` inside `phones.r2`). */
const within = (path: string, key: string) => path === key || path.startsWith(`${key}.`);

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
  /** Turns the inputs' values into what the schema (and the API) expects. */
  toInput?: (values: V) => unknown;
  /** The schema key an input's errors belong to (several inputs may make up one field). */
  errorKeyOf?: (name: string) => string;
  /**
   * Where a message about the schema path `path` (zod's, or the API's `phones.3.value` split at the
   * dots) is shown, given the values that were checked. Default: its top-level key. A form with
   * lists maps `phones.3` to the row the person sees, since blank rows are not sent.
   */
  errorPathOf?: (path: string[], values: V) => string;
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
  const errorPathOf = options.errorPathOf ?? ((path: string[]) => path[0] ?? '');
  const [values, setValues] = useState<V>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [otherErrors, setOtherErrors] = useState<FieldError[]>([]);
  const [focusRequest, setFocusRequest] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  // The values of the last submit: the API's answer to it speaks of them, not of later typing.
  const submitted = useRef<V>(initial);

  // After the errors have rendered, move focus to the first field marked invalid.
  useEffect(() => {
    if (focusRequest > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusRequest]);

  /** The first message for each place in a zod error. */
  const errorsFromIssues = (issues: readonly z.core.$ZodIssue[], checked: V): FieldErrors => {
    const found: FieldErrors = {};
    for (const issue of issues) {
      const at = errorPathOf(issue.path.map(String), checked);
      if (at && found[at] === undefined) found[at] = issue.message;
    }
    return found;
  };

  /** Checks `next` and refreshes the messages at and inside `key`, leaving the others as they are. */
  const check = (key: string, next: V) => {
    const result = schema.safeParse(toInput(next));
    const found = result.success ? {} : errorsFromIssues(result.error.issues, next);
    setErrors((current) => {
      const kept: FieldErrors = {};
      for (const [path, message] of Object.entries(current)) if (!within(path, key)) kept[path] = message;
      for (const [path, message] of Object.entries(found)) if (within(path, key)) kept[path] = message;
      return kept;
    });
  };

  const hasErrorWithin = (key: string) => Object.entries(errors).some(([path, message]) => message && within(path, key));

  /** Sets new values; once something inside `key` has shown an error, says as soon as it is fixed. */
  const update = (key: string, next: V) => {
    setValues(next);
    if (hasErrorWithin(key)) check(key, next);
  };

  /** A field left: check it when it was changed (`changed`) or shows an error. */
  const leave = (key: string, changed: boolean) => {
    if (changed || hasErrorWithin(key)) check(key, values);
  };

  const field = (name: TextKey<V>): FieldProps => {
    const key = errorKeyOf(name);
    return {
      id: `${idPrefix}-${name}`,
      name,
      value: (values[name] as string | undefined) ?? '',
      error: errors[key],
      onChange: (event) => update(key, { ...values, [name]: event.target.value }),
      onBlur: () => leave(key, values[name] !== initial[name]),
    };
  };

  /** Shows the API's field errors beside their fields; ones that match no field are listed apart. */
  const showServerErrors = (error: unknown) => {
    if (!(error instanceof ApiError) || error.errors.length === 0) return;
    const known = new Set(Object.keys(values).map((name) => errorKeyOf(name)));
    const mine: FieldErrors = {};
    const rest: FieldError[] = [];
    for (const fieldError of error.errors) {
      const at = errorPathOf(fieldError.path.split('.'), submitted.current);
      if (known.has(at.split('.')[0] ?? '')) mine[at] ??= fieldError.message;
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
      setErrors(errorsFromIssues(result.error.issues, values));
      setFocusRequest((n) => n + 1);
      return;
    }
    setErrors({});
    submitted.current = values;
    onValid(result.data);
  };

  const reset = (next: V) => {
    setValues(next);
    setErrors({});
    setOtherErrors([]);
  };

  return {
    values,
    setValues,
    errors,
    otherErrors,
    field,
    update,
    leave,
    check,
    handleSubmit,
    showServerErrors,
    reset,
    formRef,
    idPrefix,
  };
}

export type ZodForm<V extends FormValues> = ReturnType<typeof useZodForm<V, z.ZodType>>;
