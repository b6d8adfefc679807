import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { changePasswordBodySchema } from '../../../src/modules/auth/auth.schemas.js';
import { appPasswordsKey } from '../api/app-passwords.api.js';
import { changePassword } from '../api/users.api.js';
import { PasswordField, ShowPasswords } from '../forms/fields.js';
import { FormError, Notice, SubmitButton } from '../forms/form-alert.js';
import { useZodForm } from '../forms/use-zod-form.js';

const EMPTY = { currentPassword: '', newPassword: '' };

export function PasswordSection() {
  const queryClient = useQueryClient();
  const [shown, setShown] = useState(false);
  const form = useZodForm({ schema: changePasswordBodySchema, initial: EMPTY, idPrefix: 'password' });
  const change = useMutation({
    mutationFn: changePassword,
    onSuccess: async () => {
      form.reset(EMPTY);
      // The server revoked every app password with the old password.
      await queryClient.invalidateQueries({ queryKey: appPasswordsKey });
    },
    onError: form.showServerErrors,
  });

  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">Change password</h2>
      <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => change.mutate(data))}>
        <PasswordField
          field={form.field('currentPassword')}
          label="Current password"
          autoComplete="current-password"
          shown={shown}
        />
        <PasswordField
          field={form.field('newPassword')}
          label="New password"
          hint="At least 8 characters; avoid common passwords."
          autoComplete="new-password"
          shown={shown}
        />
        <ShowPasswords id="password-show" shown={shown} onChange={setShown} />
        <FormError error={change.error} extra={form.otherErrors} />
        {change.isSuccess ? (
          <Notice tone="success">
            Password changed. Any other device signed in to your account has been signed out, and your app
            passwords were revoked: make new ones for your phones and computers.
          </Notice>
        ) : null}
        <SubmitButton pending={change.isPending} pendingLabel="Changing…">
          Change password
        </SubmitButton>
      </form>
    </section>
  );
}
