import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { emailBodySchema } from '../../../src/modules/auth/auth.schemas.js';
import { forgotPassword } from '../api/auth.api.js';
import { DevMailboxHint } from '../components/dev-mailbox-hint.js';
import { PageHeader } from '../components/page-header.js';
import { TextField } from '../forms/fields.js';
import { FormError, Notice, SubmitButton } from '../forms/form-alert.js';
import { useZodForm } from '../forms/use-zod-form.js';

export function ForgotPasswordPage() {
  const form = useZodForm({ schema: emailBodySchema, initial: { email: '' }, idPrefix: 'forgot' });
  const mutation = useMutation({
    mutationFn: (data: { email: string }) => forgotPassword(data.email),
    onError: form.showServerErrors,
  });

  return (
    <div className="card narrow">
      <PageHeader title="Reset your password" lead="We'll email you a link to choose a new password." />
      {mutation.isSuccess ? (
        <>
          <Notice tone="success">
            If <strong>{mutation.variables.email}</strong> has a Kith account, a link to reset its password is on its
            way.
          </Notice>
          <DevMailboxHint />
        </>
      ) : (
        <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => mutation.mutate(data))}>
          <TextField
            field={form.field('email')}
            label="Email"
            type="email"
            autoComplete="email"
            inputMode="email"
            spellCheck={false}
          />
          <FormError error={mutation.error} extra={form.otherErrors} />
          <SubmitButton pending={mutation.isPending} pendingLabel="Sending…">
            Email me a link
          </SubmitButton>
        </form>
      )}
      <p className="switch">
        Remembered it? <Link to="/sign-in">Sign in</Link>
      </p>
    </div>
  );
}
