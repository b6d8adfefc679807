import { useMutation } from '@tanstack/react-query';
import { emailBodySchema } from '../../../src/modules/auth/auth.schemas.js';
import { resendVerification } from '../api/auth.api.js';
import { TextField } from '../forms/fields.js';
import { FormError, Notice, SubmitButton } from '../forms/form-alert.js';
import { useZodForm } from '../forms/use-zod-form.js';

/** Asks for another verification email. */
export function ResendVerificationForm({ email = '' }: { email?: string }) {
  const form = useZodForm({ schema: emailBodySchema, initial: { email }, idPrefix: 'resend' });
  const resend = useMutation({
    mutationFn: (data: { email: string }) => resendVerification(data.email),
    onError: form.showServerErrors,
  });
  if (resend.isSuccess) {
    return (
      <Notice tone="success">
        If <strong>{resend.variables.email}</strong> has an account that still needs confirming, a new link is on its
        way.
      </Notice>
    );
  }
  return (
    <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => resend.mutate(data))}>
      <TextField
        field={form.field('email')}
        label="Email"
        type="email"
        autoComplete="email"
        inputMode="email"
        spellCheck={false}
      />
      <FormError error={resend.error} extra={form.otherErrors} />
      <SubmitButton pending={resend.isPending} pendingLabel="Sending…">
        Send a new link
      </SubmitButton>
    </form>
  );
}
