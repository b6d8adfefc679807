import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { z } from 'zod';
import { totpCodeSchema, twoFactorCodeSchema } from '../../../src/modules/two-factor/two-factor.schemas.js';
import { ApiError } from '../api/api-error.js';
import { type TwoFactorChallenge, signInWithCode } from '../api/auth.api.js';
import { TextField } from '../forms/fields.js';
import { FormError, SubmitButton } from '../forms/form-alert.js';
import { useZodForm } from '../forms/use-zod-form.js';

const appCodeForm = z.object({ code: totpCodeSchema });
const recoveryCodeForm = z.object({ code: twoFactorCodeSchema });
const EMPTY = { code: '' };

export const SIGN_IN_AGAIN = 'That sign-in expired or had too many wrong codes. Enter your password again.';

/**
 * The second step of signing in with two-step on: a code from the authenticator app, or one of the
 * recovery codes. The challenge token lives only in this component's state.
 */
export function TwoFactorSignIn({
  challenge,
  onRestart,
}: {
  challenge: TwoFactorChallenge;
  /** Back to the password, with a reason when the server ended this challenge. */
  onRestart: (message?: string) => void;
}) {
  const [recovery, setRecovery] = useState(false);
  const form = useZodForm({
    schema: recovery ? recoveryCodeForm : appCodeForm,
    initial: EMPTY,
    idPrefix: 'two-factor',
  });
  const mutation = useMutation({
    mutationFn: (code: string) => signInWithCode({ twoFactorToken: challenge.twoFactorToken, code }),
    // Once signed in, <SignedOutOnly> takes the person on.
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'INVALID_TOKEN') onRestart(SIGN_IN_AGAIN);
      else form.reset(EMPTY);
    },
  });

  // The code box is where the person types next; after a wrong code, it is empty and focused again.
  useEffect(() => {
    document.getElementById('two-factor-code')?.focus();
  }, [recovery, mutation.error]);

  const switchMode = () => {
    mutation.reset();
    form.reset(EMPTY);
    setRecovery((on) => !on);
  };

  return (
    <section aria-labelledby="two-factor-heading">
      <h2 id="two-factor-heading">Two-step sign-in</h2>
      <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => mutation.mutate(data.code))}>
        {recovery ? (
          <TextField
            key="recovery"
            field={form.field('code')}
            label="Recovery code"
            hint="One of the codes you saved when you turned on two-step sign-in, like abcde-fghjk-mnpqr-stuvw-xyz23. Each works once."
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
          />
        ) : (
          <TextField
            key="app"
            field={form.field('code')}
            label="Code from your authenticator app"
            hint="The 6 digits your app shows for Kith now."
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]*"
            maxLength={7}
            spellCheck={false}
          />
        )}
        <FormError error={mutation.error} extra={form.otherErrors} />
        <SubmitButton pending={mutation.isPending} pendingLabel="Checking…">
          Sign in
        </SubmitButton>
      </form>
      <div className="actions">
        <button type="button" className="button link-like" onClick={switchMode}>
          {recovery ? 'Use a code from your app instead' : 'Use a recovery code instead'}
        </button>
      </div>
      <p className="switch">
        <button type="button" className="button link-like" onClick={() => onRestart()}>
          Start again with your password
        </button>
      </p>
    </section>
  );
}
