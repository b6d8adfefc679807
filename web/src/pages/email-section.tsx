import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { changeEmailBodySchema } from '../../../src/modules/account/account.schemas.js';
import { requestEmailChange } from '../api/account.api.js';
import type { User } from '../api/auth.api.js';
import { PasswordField, ShowPasswords, TextField } from '../forms/fields.js';
import { FormError, Notice, SubmitButton } from '../forms/form-alert.js';
import { useZodForm } from '../forms/use-zod-form.js';

const EMPTY = { newEmail: '', password: '', code: '' };

/** Changing the account's address: a link goes to the new one, and only following it changes anything. */
export function EmailSection({ user }: { user: User }) {
  const [shown, setShown] = useState(false);
  // With two-step sign-in on, moving the address takes a code too, as signing in does.
  const twoFactor = user.twoFactorEnabled;
  const form = useZodForm({
    schema: changeEmailBodySchema,
    initial: EMPTY,
    idPrefix: 'email-change',
    toInput: (values) => (twoFactor ? values : { newEmail: values.newEmail, password: values.password }),
  });
  const change = useMutation({
    mutationFn: requestEmailChange,
    onSuccess: () => form.reset(EMPTY),
    onError: form.showServerErrors,
  });

  return (
    <section className="card" aria-labelledby="email-heading">
      <h2 id="email-heading">Email address</h2>
      <p>
        You sign in (and your phones and computers sync) with <strong>{user.email}</strong>.
      </p>
      <p className="muted">
        To use another address, enter it with your password{twoFactor ? ' and a code' : ''}. We send a link to the new address; your address changes
        once you follow it, within 24 hours. We also tell your current address when it has changed.
      </p>
      <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => change.mutate(data))}>
        <TextField field={form.field('newEmail')} label="New email address" type="email" autoComplete="email" spellCheck={false} autoCapitalize="off" />
        <PasswordField field={form.field('password')} label="Your password" autoComplete="current-password" shown={shown} />
        <ShowPasswords id="email-change-show" shown={shown} onChange={setShown} />
        {twoFactor ? (
          <TextField
            field={form.field('code')}
            label="Code from your authenticator app, or a recovery code"
            inputMode="text"
            autoComplete="one-time-code"
            autoCapitalize="off"
            spellCheck={false}
          />
        ) : null}
        <FormError error={change.error} extra={form.otherErrors} />
        {change.isSuccess ? (
          <Notice tone="success">
            <strong>Check your new inbox.</strong> We sent a link to {change.data.newEmail}. Until you follow it, you
            keep signing in with {user.email}.
          </Notice>
        ) : null}
        <SubmitButton pending={change.isPending} pendingLabel="Sending…">
          Send confirmation link
        </SubmitButton>
      </form>
    </section>
  );
}
