import { useState } from 'react';
import { Link } from 'react-router';
import {
  MAX_ADDRESSES,
  MAX_EMAILS,
  MAX_PHONES,
  MAX_WEBSITES,
} from '../../../src/modules/contacts/contact-details.schemas.js';
import { type Contact, contactInputSchema, type ContactInput } from '../../../src/modules/contacts/contacts.schemas.js';
import { useMe } from '../api/queries.js';
import { TextAreaField, TextField } from '../forms/fields.js';
import { FormError, SubmitButton } from '../forms/form-alert.js';
import { useZodForm } from '../forms/use-zod-form.js';
import { birthdayProblem } from '../lib/birthdays.js';
import { BirthdayInput } from './birthday-input.js';
import { AddressList, EntryList } from './contact-entries.js';
import { birthdayParts, errorKeyOf, errorPathOf, toInput, valuesOf } from './contact-form-values.js';
import { ContactPhotoField, type PhotoChange } from './contact-photo-field.js';

interface ContactFormProps {
  contact?: Contact;
  submitLabel: string;
  pending: boolean;
  /** From 0 to 1 while the photo uploads, after the fields are saved. */
  photoProgress: number | undefined;
  error: unknown;
  cancelTo: string;
  onSubmit: (input: ContactInput, photo: PhotoChange, form: { showServerErrors: (error: unknown) => void }) => void;
}

/** Create and edit share this form, checked by the API's own contact schema as the person types. */
export function ContactForm(props: ContactFormProps) {
  const me = useMe();
  const [photo, setPhoto] = useState<PhotoChange>({ kind: 'keep' });
  // Rows get fresh keys each time: made once, not on every render.
  const [initial] = useState(() => valuesOf(props.contact));
  const form = useZodForm({
    schema: contactInputSchema,
    initial,
    idPrefix: 'contact',
    toInput,
    errorKeyOf,
    errorPathOf,
  });
  const birthdayError = form.errors.birthday
    ? (birthdayProblem(birthdayParts(form.values)) ?? form.errors.birthday)
    : undefined;
  const phoneHint = me.data?.region
    ? `With a country code (+44 20 7946 0958), or as dialled in your region (${me.data.region}).`
    : 'With a country code, such as +44 20 7946 0958. Set your region in Profile to type local numbers.';
  const uploading = props.photoProgress !== undefined;

  return (
    <form
      ref={form.formRef}
      noValidate
      className="contact-form"
      onSubmit={form.handleSubmit((input) => props.onSubmit(input, photo, form))}
    >
      <div className="two-columns">
        <TextField field={form.field('firstName')} label="First name" autoComplete="off" />
        <TextField field={form.field('lastName')} label="Last name" optional autoComplete="off" />
      </div>
      <ContactPhotoField
        current={props.contact?.photoUrl ?? null}
        firstName={form.values.firstName}
        lastName={form.values.lastName}
        change={photo}
        onChange={setPhoto}
        progress={props.photoProgress}
      />
      <div className="two-columns">
        <TextField field={form.field('organization')} label="Company" optional autoComplete="off" maxLength={200} />
        <TextField field={form.field('jobTitle')} label="Job title" optional autoComplete="off" maxLength={200} />
      </div>
      <EntryList
        form={form}
        name="phones"
        noun="Phone"
        legend="Phone numbers"
        max={MAX_PHONES}
        hint={phoneHint}
        input={{ type: 'tel', inputMode: 'tel' }}
      />
      <EntryList
        form={form}
        name="emails"
        noun="Email"
        legend="Email addresses"
        max={MAX_EMAILS}
        input={{ type: 'email', inputMode: 'email', spellCheck: false, autoCapitalize: 'off' }}
      />
      <AddressList form={form} max={MAX_ADDRESSES} />
      <EntryList
        form={form}
        name="websites"
        noun="Website"
        legend="Websites"
        max={MAX_WEBSITES}
        input={{ type: 'url', inputMode: 'url', spellCheck: false, autoCapitalize: 'off', placeholder: 'https://' }}
      />
      <BirthdayInput
        idPrefix="contact"
        day={form.field('birthdayDay')}
        month={form.field('birthdayMonth')}
        year={form.field('birthdayYear')}
        error={birthdayError}
      />
      <TextAreaField field={form.field('notes')} label="Notes" optional rows={4} hint="Up to 2000 characters." />
      <FormError error={props.error} extra={form.otherErrors} />
      <div className="actions">
        <SubmitButton pending={props.pending} pendingLabel={uploading ? 'Uploading photo…' : 'Saving…'}>
          {props.submitLabel}
        </SubmitButton>
        <Link className="button" to={props.cancelTo}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
