import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { resetPasswordBodySchema } from '../../../src/modules/auth/auth.schemas.js';
import { ApiError } from '../api/api-error.js';
import { resetPassword } from '../api/auth.api.js';
import { currentAccessToken, endSession } from '../api/session.js';
import { PageHeader } from '../components/page-header.js';
import { PasswordField, ShowPasswords } from '../forms/fields.js';
import { FormError, SubmitButton } from '../forms/form-alert.js';
import { useZodForm } from '../forms/use-zod-form.js';
import type { SignInState } from './sign-in.page.js';

/** The page the emailed reset link opens. */
export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const [shown, setShown] = useState(false);
  const form = useZodForm({
    schema: resetPasswordBodySchema,
    initial: { password: '' },
    idPrefix: 'reset',
    toInput: (values) => ({ token, password: values.password }),
  });
  const mutation = useMutation({
    mutationFn: resetPassword,
    onSuccess: () => {
      // Every session has just ended on the server, this browser's too.
      if (currentAccessToken()) endSession('expired');
      void navigate('/sign-in', {
        replace: true,
        state: { message: 'Your password has been changed. Sign in with the new one.' } satisfies SignInState,
      });
    },
    onError: form.showServerErrors,
  });
  const badLink = !token || (mutation.error instanceof ApiError && mutation.error.code === 'INVALID_TOKEN');

  if (badLink) {
    return (
      <div className="card narrow">
        <PageHeader title="This link doesn't work" />
        <p role="alert">
          {token ? 'The reset link has expired or was already used.' : 'The reset link is missing its code.'} Reset
          links work once, and only for a while.
        </p>
        <Link className="button primary" to="/forgot-password">
          Get a new link
        </Link>
      </div>
    );
  }

  return (
    <div className="card narrow">
      <PageHeader title="Choose a new password" lead="Every device signed in to your account will be signed out." />
      <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => mutation.mutate(data))}>
        <PasswordField
          field={form.field('password')}
          label="New password"
          hint="At least 8 characters; avoid common passwords."
          autoComplete="new-password"
          shown={shown}
        />
        <ShowPasswords id="reset-show" shown={shown} onChange={setShown} />
        <FormError error={mutation.error} extra={form.otherErrors} />
        <SubmitButton pending={mutation.isPending} pendingLabel="Saving…">
          Set new password
        </SubmitButton>
      </form>
    </div>
  );
}
