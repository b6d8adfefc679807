import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import {
  MAX_REMINDER_DAYS_BEFORE,
  MAX_REMINDER_OFFSETS,
  type ReminderSettings,
  reminderSettingsBodySchema,
} from '../../../src/modules/reminders/reminders.schemas.js';
import { fetchReminderSettings, reminderSettingsKey, saveReminderSettings } from '../api/reminders.api.js';
import { Loading } from '../components/loading.js';
import { QueryError } from '../components/query-error.js';
import { FieldMessage } from '../forms/fields.js';
import { FormError, SubmitButton } from '../forms/form-alert.js';
import '../styles/reminders.css';

/** The form's own shape: one select per reminder ('' = none for the second and third), the hour as text. */
interface Draft {
  enabled: boolean;
  days: string[];
  hour: string;
}

const draftOf = (settings: ReminderSettings): Draft => ({
  enabled: settings.enabled,
  days: Array.from({ length: MAX_REMINDER_OFFSETS }, (_, i) => (settings.daysBefore[i] === undefined ? '' : String(settings.daysBefore[i]))),
  hour: String(settings.hour),
});

const inputOf = (draft: Draft) => ({
  enabled: draft.enabled,
  daysBefore: draft.days.filter((day) => day !== '').map(Number),
  hour: Number(draft.hour),
});

const dayLabel = (days: number) => (days === 0 ? 'On the day' : days === 1 ? '1 day before' : `${days} days before`);
const hourLabel = (hour: number) => `${String(hour).padStart(2, '0')}:00`;
const ORDINAL = ['First', 'Second', 'Third'];

function summaryOf(settings: ReminderSettings, timeZone: string): string {
  if (!settings.enabled) return 'Birthday reminders are off.';
  const days = settings.daysBefore.map((d) => dayLabel(d).toLowerCase()).join(', ');
  return `Birthday reminders are on: ${days}, at ${hourLabel(settings.hour)} (${timeZone.replaceAll('_', ' ')}).`;
}

/** Birthday reminder emails: on or off, up to three days before each birthday, and the hour they come at. */
export function RemindersSection({ timeZone }: { timeZone: string }) {
  const settings = useQuery({ queryKey: reminderSettingsKey, queryFn: fetchReminderSettings });
  return (
    <section className="card reminders" aria-labelledby="reminders-heading">
      <h2 id="reminders-heading">Birthday reminders</h2>
      <p className="muted">
        An email when a contact’s birthday comes up: on the day, or a few days ahead so there is time for a card or a
        present.
      </p>
      {settings.isPending ? <Loading label="Loading your reminder settings…" /> : null}
      {settings.isError ? <QueryError error={settings.error} retry={settings.refetch} what="your reminder settings" /> : null}
      {settings.data ? <RemindersForm saved={settings.data} timeZone={timeZone} /> : null}
    </section>
  );
}

function RemindersForm({ saved, timeZone }: { saved: ReminderSettings; timeZone: string }) {
  const queryClient = useQueryClient();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => draftOf(saved));
  const [errors, setErrors] = useState<{ daysBefore?: string; hour?: string }>({});
  // A new object per save, so saying the same thing twice is still read out.
  const [said, setSaid] = useState<{ text: string }>();
  const saidRef = useRef<HTMLParagraphElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const save = useMutation({
    mutationFn: saveReminderSettings,
    onMutate: () => setSaid(undefined),
    onSuccess: (next) => {
      queryClient.setQueryData(reminderSettingsKey, next);
      setDraft(draftOf(next));
      setSaid({ text: summaryOf(next, timeZone) });
    },
  });

  useEffect(() => {
    if (said) saidRef.current?.focus();
  }, [said]);

  const change = (next: Draft) => {
    setDraft(next);
    setSaid(undefined);
    if (errors.daysBefore || errors.hour) setErrors(check(next));
  };

  const check = (next: Draft) => {
    const result = reminderSettingsBodySchema.safeParse(inputOf(next));
    const found: { daysBefore?: string; hour?: string } = {};
    if (!result.success) {
      for (const issue of result.error.issues) {
        const key = issue.path[0] === 'hour' ? 'hour' : 'daysBefore';
        found[key] ??= issue.message;
      }
    }
    return found;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = check(draft);
    setErrors(found);
    if (found.daysBefore || found.hour) {
      // After the messages render, the first field marked invalid takes the focus.
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    save.mutate(inputOf(draft));
  };

  const daysHint = `${id}-days-hint`;
  const daysError = `${id}-days-error`;
  const hourHint = `${id}-hour-hint`;
  const hourError = `${id}-hour-error`;
  const describedBy = (...ids: Array<string | false>) => ids.filter(Boolean).join(' ') || undefined;

  return (
    <form ref={formRef} noValidate onSubmit={submit}>
      <div className="checkbox">
        <input
          id={`${id}-enabled`}
          type="checkbox"
          checked={draft.enabled}
          onChange={(event) => change({ ...draft, enabled: event.target.checked })}
        />
        <label htmlFor={`${id}-enabled`}>Email me about my contacts’ birthdays</label>
      </div>

      <fieldset className={errors.daysBefore ? 'field has-error' : 'field'} aria-describedby={describedBy(daysHint, !!errors.daysBefore && daysError)}>
        <legend>When</legend>
        <p className="hint" id={daysHint}>
          Up to three reminders for each birthday, each its own email.
        </p>
        <div className="reminder-days">
          {draft.days.map((value, index) => (
            <div key={index} className="reminder-day">
              <label htmlFor={`${id}-day-${index}`}>{ORDINAL[index]} reminder</label>
              <select
                id={`${id}-day-${index}`}
                value={value}
                aria-invalid={errors.daysBefore ? true : undefined}
                onChange={(event) => change({ ...draft, days: draft.days.map((d, i) => (i === index ? event.target.value : d)) })}
              >
                {index > 0 ? <option value="">None</option> : null}
                {Array.from({ length: MAX_REMINDER_DAYS_BEFORE + 1 }, (_, days) => (
                  <option key={days} value={String(days)}>
                    {dayLabel(days)}
                  </option>
                ))}
              </select>
            </div>
          ))}
        </div>
        <FieldMessage id={daysError} error={errors.daysBefore} />
      </fieldset>

      <div className={errors.hour ? 'field has-error' : 'field'}>
        <label htmlFor={`${id}-hour`}>Send at</label>
        <p className="hint" id={hourHint}>
          In your time zone, {timeZone.replaceAll('_', ' ')} (change it under Your details).
        </p>
        <select
          id={`${id}-hour`}
          className="reminder-hour"
          value={draft.hour}
          aria-invalid={errors.hour ? true : undefined}
          aria-describedby={describedBy(hourHint, !!errors.hour && hourError)}
          onChange={(event) => change({ ...draft, hour: event.target.value })}
        >
          {Array.from({ length: 24 }, (_, hour) => (
            <option key={hour} value={String(hour)}>
              {hourLabel(hour)}
            </option>
          ))}
        </select>
        <FieldMessage id={hourError} error={errors.hour} />
      </div>

      <FormError error={save.error} />
      {said ? (
        <p ref={saidRef} className="alert success" role="status" tabIndex={-1}>
          {said.text}
        </p>
      ) : null}
      <SubmitButton pending={save.isPending} pendingLabel="Saving…">
        Save reminders
      </SubmitButton>
    </form>
  );
}
