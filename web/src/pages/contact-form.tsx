import { Link } from 'react-router';
import { type Contact, contactInputSchema, type ContactInput } from '../../../src/modules/contacts/contacts.schemas.js';
import { useMe } from '../api/queries.js';
import { TextAreaField, TextField } from '../forms/fields.js';
import { FormError, SubmitButton } from '../forms/form-alert.js';
import { useZodForm } from '../forms/use-zod-form.js';
import { birthdayProblem, joinBirthday, splitBirthday } from '../lib/birthdays.js';
import { BirthdayInput } from './birthday-input.js';

type Values = {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  birthdayDay: string;
  birthdayMonth: string;
  birthdayYear: string;
  notes: string;
};

function valuesOf(contact: Contact | undefined): Values {
  const birthday = splitBirthday(contact?.birthday);
  return {
    firstName: contact?.firstName ?? '',
    lastName: contact?.lastName ?? '',
    email: contact?.email ?? '',
    phone: contact?.phone ?? '',
    birthdayDay: birthday.day,
    birthdayMonth: birthday.month,
    birthdayYear: birthday.year,
    notes: contact?.notes ?? '',
  };
}

const birthdayParts = (v: Values) => ({ day: v.birthdayDay, month: v.birthdayMonth, year: v.birthdayYear });

// The inputs' strings as the API takes them; blank optional fields mean "none" there.
const toInput = (v: Values) => ({
  firstName: v.firstName,
  lastName: v.lastName,
  email: v.email,
  phone: v.phone,
  birthday: joinBirthday(birthdayParts(v)),
  notes: v.notes,
});

interface ContactFormProps {
  contact?: Contact;
  submitLabel: string;
  pendingLabel: string;
  pending: boolean;
  error: unknown;
  cancelTo: string;
  onSubmit: (input: ContactInput, form: { showServerErrors: (error: unknown) => void }) => void;
}

/** Create and edit share this form, checked by the API's own contact schema as the person types. */
export function ContactForm(props: ContactFormProps) {
  const me = useMe();
  const form = useZodForm({
    schema: contactInputSchema,
    initial: valuesOf(props.contact),
    idPrefix: 'contact',
    toInput,
    errorKeyOf: (name) => (name.startsWith('birthday') ? 'birthday' : name),
  });
  const birthdayError = form.errors.birthday
    ? (birthdayProblem(birthdayParts(form.values)) ?? form.errors.birthday)
    : undefined;
  const phoneHint = me.data?.region
    ? `With a country code (+44 20 7946 0958), or as dialled in your region (${me.data.region}).`
    : 'With a country code, such as +44 20 7946 0958. Set your region in Profile to type local numbers.';

  return (
    <form
      ref={form.formRef}
      noValidate
      className="contact-form"
      onSubmit={form.handleSubmit((input) => props.onSubmit(input, form))}
    >
      <div className="two-columns">
        <TextField field={form.field('firstName')} label="First name" autoComplete="off" />
        <TextField field={form.field('lastName')} label="Last name" optional autoComplete="off" />
      </div>
      <div className="two-columns">
        <TextField
          field={form.field('email')}
          label="Email"
          optional
          type="email"
          inputMode="email"
          autoComplete="off"
          spellCheck={false}
        />
        <TextField field={form.field('phone')} label="Phone" optional type="tel" autoComplete="off" hint={phoneHint} />
      </div>
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
        <SubmitButton pending={props.pending} pendingLabel={props.pendingLabel}>
          {props.submitLabel}
        </SubmitButton>
        <Link className="button" to={props.cancelTo}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
