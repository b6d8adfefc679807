import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { registerBodySchema } from '../../../src/modules/auth/auth.schemas.js';
import { register } from '../api/auth.api.js';
import { PageHeader } from '../components/page-header.js';
import { PasswordField, ShowPasswords, TextField } from '../forms/fields.js';
import { FormError, SubmitButton } from '../forms/form-alert.js';
import { useZodForm } from '../forms/use-zod-form.js';
import type { CheckEmailState } from './check-email.page.js';

export function SignUpPage() {
  const navigate = useNavigate();
  const [shown, setShown] = useState(false);
  const form = useZodForm({
    schema: registerBodySchema,
    initial: { name: '', email: '', password: '' },
    idPrefix: 'sign-up',
  });
  const mutation = useMutation({
    mutationFn: register,
    onSuccess: (user) => navigate('/check-email', { state: { email: user.email } satisfies CheckEmailState }),
    onError: form.showServerErrors,
  });

  return (
    <div className="card narrow">
      <PageHeader title="Create your account" lead="Kith keeps the people you know: names, numbers and birthdays." />
      <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => mutation.mutate(data))}>
        <TextField field={form.field('name')} label="Your name" autoComplete="name" />
        <TextField
          field={form.field('email')}
          label="Email"
          type="email"
          autoComplete="email"
          inputMode="email"
          spellCheck={false}
        />
        <PasswordField
          field={form.field('password')}
          label="Password"
          hint="At least 8 characters; avoid common passwords."
          autoComplete="new-password"
          shown={shown}
        />
        <ShowPasswords id="sign-up-show" shown={shown} onChange={setShown} />
        <FormError error={mutation.error} extra={form.otherErrors} />
        <SubmitButton pending={mutation.isPending} pendingLabel="Creating account…">
          Create account
        </SubmitButton>
      </form>
      <p className="switch">
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </div>
  );
}
