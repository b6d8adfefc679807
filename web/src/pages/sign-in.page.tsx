import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'react-router';
import { loginBodySchema } from '../../../src/modules/auth/auth.schemas.js';
import { ApiError } from '../api/api-error.js';
import { type TwoFactorChallenge, signIn } from '../api/auth.api.js';
import { useAuth } from '../auth/auth-context.js';
import type { FromState } from '../auth/route-guards.js';
import { PageHeader } from '../components/page-header.js';
import { PasswordField, ShowPasswords, TextField } from '../forms/fields.js';
import { FormError, Notice, SubmitButton } from '../forms/form-alert.js';
import { useZodForm } from '../forms/use-zod-form.js';
import { ResendVerificationForm } from './resend-verification.form.js';
import { TwoFactorSignIn } from './two-factor-sign-in.js';

export interface SignInState extends FromState {
  email?: string;
  /** Said above the form, e.g. after a password reset. */
  message?: string;
}

export function SignInPage() {
  const state = (useLocation().state as SignInState | null) ?? {};
  const { notice, clearNotice } = useAuth();
  const [shown, setShown] = useState(false);
  // Set when the password was right and the account has two-step sign-in on.
  const [challenge, setChallenge] = useState<TwoFactorChallenge>();
  const [restartMessage, setRestartMessage] = useState<string>();
  const form = useZodForm({
    schema: loginBodySchema,
    initial: { email: state.email ?? '', password: '' },
    idPrefix: 'sign-in',
  });
  const mutation = useMutation({
    mutationFn: signIn,
    onMutate: () => {
      clearNotice();
      setRestartMessage(undefined);
    },
    onSuccess: (answer) => setChallenge(answer),
    // Once signed in, <SignedOutOnly> takes the person back to where they were going.
    onError: form.showServerErrors,
  });
  const notVerified = mutation.error instanceof ApiError && mutation.error.code === 'EMAIL_NOT_VERIFIED';
  const message = restartMessage ?? state.message ?? notice;

  if (challenge) {
    return (
      <div className="card narrow">
        <PageHeader title="Sign in" />
        <TwoFactorSignIn
          challenge={challenge}
          onRestart={(reason) => {
            setChallenge(undefined);
            setRestartMessage(reason);
            mutation.reset();
            form.reset({ email: form.values.email, password: '' });
          }}
        />
      </div>
    );
  }

  return (
    <div className="card narrow">
      <PageHeader title="Sign in" />
      {message && !mutation.isError ? <Notice>{message}</Notice> : null}
      <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => mutation.mutate(data))}>
        <TextField
          field={form.field('email')}
          label="Email"
          type="email"
          autoComplete="username"
          inputMode="email"
          spellCheck={false}
        />
        <PasswordField field={form.field('password')} label="Password" autoComplete="current-password" shown={shown} />
        <ShowPasswords id="sign-in-show" shown={shown} onChange={setShown} />
        <FormError error={mutation.error} extra={form.otherErrors} />
        <SubmitButton pending={mutation.isPending} pendingLabel="Signing in…">
          Sign in
        </SubmitButton>
      </form>
      {notVerified ? (
        <section className="stack" aria-labelledby="resend-heading">
          <h2 id="resend-heading">Need a new confirmation link?</h2>
          <ResendVerificationForm email={form.values.email} />
        </section>
      ) : null}
      <p className="switch">
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p className="switch">
        New here? <Link to="/sign-up">Create an account</Link>
      </p>
    </div>
  );
}
