import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { type User, updateMeBodySchema } from '../../../src/modules/users/users.schemas.js';
import { queryKeys } from '../api/queries.js';
import { updateMe } from '../api/users.api.js';
import { SelectField, TextField } from '../forms/fields.js';
import { FormError, Notice, SubmitButton } from '../forms/form-alert.js';
import { useZodForm } from '../forms/use-zod-form.js';
import { browserTimeZone, regionOptions, timeZoneOptions } from '../lib/places.js';

export function ProfileDetailsSection({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const zones = useMemo(() => timeZoneOptions(user.timezone), [user.timezone]);
  const regions = useMemo(() => regionOptions(), []);
  const here = browserTimeZone();
  const form = useZodForm({
    schema: updateMeBodySchema,
    initial: { name: user.name, timezone: user.timezone, region: user.region ?? '' },
    idPrefix: 'profile',
    toInput: (v) => ({ name: v.name, timezone: v.timezone, region: v.region === '' ? null : v.region }),
  });
  const save = useMutation({
    mutationFn: updateMe,
    onSuccess: (saved) => queryClient.setQueryData(queryKeys.me, saved),
    onError: form.showServerErrors,
  });

  return (
    <section className="card" aria-labelledby="details-heading">
      <h2 id="details-heading">Your details</h2>
      <form
        ref={form.formRef}
        noValidate
        onSubmit={form.handleSubmit((data) => save.mutate(data))}
        onChange={() => save.isSuccess && save.reset()}
      >
        <TextField field={form.field('name')} label="Name" autoComplete="name" />
        <SelectField
          field={form.field('timezone')}
          label="Time zone"
          hint="Decides which day is “today” for birthdays."
        >
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replaceAll('_', ' ')}
            </option>
          ))}
        </SelectField>
        {here && here !== form.values.timezone ? (
          <button
            type="button"
            className="button small link-like"
            onClick={() => form.setValues({ ...form.values, timezone: here })}
          >
            Use this device's time zone ({here.replaceAll('_', ' ')})
          </button>
        ) : null}
        <SelectField
          field={form.field('region')}
          label="Region"
          optional
          hint="Phone numbers typed without a country code are read as numbers of this region."
        >
          <option value="">Not set</option>
          {regions.map((r) => (
            <option key={r.code} value={r.code}>
              {r.name}
            </option>
          ))}
        </SelectField>
        <FormError error={save.error} extra={form.otherErrors} />
        {save.isSuccess ? <Notice tone="success">Saved.</Notice> : null}
        <SubmitButton pending={save.isPending} pendingLabel="Saving…">
          Save details
        </SubmitButton>
      </form>
    </section>
  );
}
