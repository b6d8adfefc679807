import { useMutation, useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { type RefObject, useEffect, useRef, useState } from 'react';
import {
  twoFactorDisableBodySchema,
  twoFactorEnableBodySchema,
  twoFactorSetupBodySchema,
} from '../../../src/modules/two-factor/two-factor.schemas.js';
import type { User } from '../api/auth.api.js';
import { saveBlob } from '../api/download.js';
import { queryKeys } from '../api/queries.js';
import { type TwoFactorSetup, disableTwoFactor, enableTwoFactor, setupTwoFactor } from '../api/two-factor.api.js';
import { PasswordField, ShowPasswords, TextField } from '../forms/fields.js';
import { FormError, Notice, SubmitButton } from '../forms/form-alert.js';
import { useZodForm } from '../forms/use-zod-form.js';
import { CopyValue } from './copy-value.js';
import '../styles/app-passwords.css';
import '../styles/two-factor.css';

type Step =
  | { kind: 'idle'; done?: 'on' | 'off' }
  | { kind: 'password' }
  | { kind: 'scan'; setup: TwoFactorSetup }
  | { kind: 'codes'; codes: string[] }
  | { kind: 'disable' };

/**
 * Two-step sign-in: turn on (password → scan the QR code or type the key → a code from the app →
 * the recovery codes, shown once) and off (password and a code).
 */
export function TwoFactorSection({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const panelRef = useRef<HTMLDivElement>(null);
  const refreshMe = () => queryClient.invalidateQueries({ queryKey: queryKeys.me });

  // Each step's panel takes the focus, so keyboard and screen reader users land on what is new.
  useEffect(() => {
    if (step.kind !== 'idle' || step.done) panelRef.current?.focus();
  }, [step]);

  const cancel = () => setStep({ kind: 'idle' });

  return (
    <section className="card two-factor" aria-labelledby="two-factor-heading">
      <h2 id="two-factor-heading">Two-step sign-in</h2>
      <p className="muted">
        Signing in takes your password and a 6-digit code from an authenticator app on your phone (such as
        Google Authenticator, Microsoft Authenticator, 1Password or Aegis), so a stolen password alone isn’t enough.
      </p>
      {step.kind === 'codes' ? (
        <RecoveryCodesPanel panelRef={panelRef} codes={step.codes} onDone={() => setStep({ kind: 'idle', done: 'on' })} />
      ) : step.kind === 'password' ? (
        <PasswordStep panelRef={panelRef} onCancel={cancel} onSetup={(setup) => setStep({ kind: 'scan', setup })} />
      ) : step.kind === 'scan' ? (
        <ScanStep
          panelRef={panelRef}
          setup={step.setup}
          onCancel={cancel}
          onEnabled={async (codes) => {
            setStep({ kind: 'codes', codes });
            await refreshMe();
          }}
        />
      ) : step.kind === 'disable' ? (
        <DisableStep
          panelRef={panelRef}
          onCancel={cancel}
          onDisabled={async () => {
            setStep({ kind: 'idle', done: 'off' });
            await refreshMe();
          }}
        />
      ) : (
        <div ref={panelRef} tabIndex={-1} className="two-factor-status">
          {step.done === 'on' ? <Notice tone="success">Two-step sign-in is on.</Notice> : null}
          {step.done === 'off' ? <Notice>Two-step sign-in is off. Signing in takes only your password.</Notice> : null}
          <p>
            Status: <strong>{user.twoFactorEnabled ? 'On' : 'Off'}</strong>
          </p>
          <div className="actions">
            {user.twoFactorEnabled ? (
              <button type="button" className="button" onClick={() => setStep({ kind: 'disable' })}>
                Turn off two-step sign-in
              </button>
            ) : (
              <button type="button" className="button primary" onClick={() => setStep({ kind: 'password' })}>
                Turn on two-step sign-in
              </button>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

interface PanelProps {
  panelRef: RefObject<HTMLDivElement | null>;
}

function PasswordStep({ panelRef, onSetup, onCancel }: PanelProps & { onSetup: (setup: TwoFactorSetup) => void; onCancel: () => void }) {
  const [shown, setShown] = useState(false);
  const form = useZodForm({ schema: twoFactorSetupBodySchema, initial: { password: '' }, idPrefix: 'two-factor-setup' });
  const setup = useMutation({ mutationFn: setupTwoFactor, onSuccess: onSetup, onError: form.showServerErrors });
  return (
    <div ref={panelRef} tabIndex={-1} className="two-factor-step" role="region" aria-labelledby="two-factor-password-heading">
      <h3 id="two-factor-password-heading">Step 1 of 3: confirm it’s you</h3>
      <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => setup.mutate(data))}>
        <PasswordField field={form.field('password')} label="Your password" autoComplete="current-password" shown={shown} />
        <ShowPasswords id="two-factor-setup-show" shown={shown} onChange={setShown} />
        <FormError error={setup.error} extra={form.otherErrors} />
        <div className="actions">
          <SubmitButton pending={setup.isPending} pendingLabel="Checking…">
            Continue
          </SubmitButton>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

function ScanStep({
  panelRef,
  setup,
  onEnabled,
  onCancel,
}: PanelProps & { setup: TwoFactorSetup; onEnabled: (codes: string[]) => Promise<void>; onCancel: () => void }) {
  const [qr, setQr] = useState<string>();
  const form = useZodForm({ schema: twoFactorEnableBodySchema, initial: { code: '' }, idPrefix: 'two-factor-enable' });
  const enable = useMutation({
    mutationFn: enableTwoFactor,
    onSuccess: (answer) => onEnabled(answer.recoveryCodes),
    onError: form.showServerErrors,
  });

  // Drawn here, in the browser: the secret goes nowhere but this page and the person's app.
  useEffect(() => {
    let current = true;
    void QRCode.toString(setup.otpauthUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).then((svg) => {
      if (current) setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
    });
    return () => {
      current = false;
    };
  }, [setup.otpauthUrl]);

  return (
    <div ref={panelRef} tabIndex={-1} className="two-factor-step" role="region" aria-labelledby="two-factor-scan-heading">
      <h3 id="two-factor-scan-heading">Step 2 of 3: add Kith to your authenticator app</h3>
      <p>In the app, add an account and scan this QR code with your phone’s camera.</p>
      <div className="two-factor-qr">
        {qr ? (
          <img src={qr} width={200} height={200} alt="QR code for adding Kith to an authenticator app" />
        ) : (
          <span className="muted">Drawing the QR code…</span>
        )}
      </div>
      <p>Can’t scan it? Choose “enter a setup key” in the app and type this key (time-based):</p>
      <dl>
        <CopyValue label="Setup key" value={groupsOfFour(setup.secret)} />
      </dl>
      <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => enable.mutate(data))}>
        <TextField
          field={form.field('code')}
          label="Code from the app"
          hint="Enter the 6 digits the app now shows for Kith, to check it is set up right."
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]*"
          maxLength={7}
          spellCheck={false}
        />
        <FormError error={enable.error} extra={form.otherErrors} />
        <div className="actions">
          <SubmitButton pending={enable.isPending} pendingLabel="Turning on…">
            Turn on
          </SubmitButton>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

function RecoveryCodesPanel({ panelRef, codes, onDone }: PanelProps & { codes: string[]; onDone: () => void }) {
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState<'copied' | 'failed'>();
  const text = recoveryCodesText(codes);

  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };

  return (
    <div ref={panelRef} tabIndex={-1} className="two-factor-step recovery-codes" role="region" aria-labelledby="recovery-codes-heading">
      <h3 id="recovery-codes-heading">Step 3 of 3: save your recovery codes</h3>
      <Notice tone="success">Two-step sign-in is on.</Notice>
      <p>
        If you lose your phone, each of these codes lets you sign in once instead of a code from the app. Keep them
        somewhere safe, such as a password manager or on paper. <strong>This is the only time they are shown.</strong>
      </p>
      <ol className="recovery-code-list" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="actions">
        <button
          type="button"
          className="button"
          onClick={() => saveBlob(new Blob([text], { type: 'text/plain;charset=utf-8' }), 'kith-recovery-codes.txt')}
        >
          Download (.txt)
        </button>
        <button type="button" className="button" onClick={() => void copy()}>
          Copy codes
        </button>
        <span className="copy-status" role="status">
          {copied === 'copied' ? 'Recovery codes copied' : null}
          {copied === 'failed' ? 'Copying isn’t allowed here; use Download, or select the codes and copy them' : null}
        </span>
      </div>
      <div className="checkbox">
        <input id="recovery-codes-saved" type="checkbox" checked={saved} onChange={(event) => setSaved(event.target.checked)} />
        <label htmlFor="recovery-codes-saved">I have saved my recovery codes</label>
      </div>
      <div className="actions">
        <button type="button" className="button primary" disabled={!saved} onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

function DisableStep({ panelRef, onDisabled, onCancel }: PanelProps & { onDisabled: () => Promise<void>; onCancel: () => void }) {
  const [shown, setShown] = useState(false);
  const form = useZodForm({
    schema: twoFactorDisableBodySchema,
    initial: { password: '', code: '' },
    idPrefix: 'two-factor-disable',
  });
  const disable = useMutation({ mutationFn: disableTwoFactor, onSuccess: onDisabled, onError: form.showServerErrors });
  return (
    <div ref={panelRef} tabIndex={-1} className="two-factor-step" role="region" aria-labelledby="two-factor-disable-heading">
      <h3 id="two-factor-disable-heading">Turn off two-step sign-in</h3>
      <p>Signing in will take only your password. Your recovery codes stop working.</p>
      <form ref={form.formRef} noValidate onSubmit={form.handleSubmit((data) => disable.mutate(data))}>
        <PasswordField field={form.field('password')} label="Your password" autoComplete="current-password" shown={shown} />
        <ShowPasswords id="two-factor-disable-show" shown={shown} onChange={setShown} />
        <TextField
          field={form.field('code')}
          label="Code from your authenticator app, or a recovery code"
          inputMode="text"
          autoComplete="one-time-code"
          autoCapitalize="off"
          spellCheck={false}
        />
        <FormError error={disable.error} extra={form.otherErrors} />
        <div className="actions">
          <SubmitButton pending={disable.isPending} pendingLabel="Turning off…">
            Turn off
          </SubmitButton>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

/** "JBSW Y3DP …": easier to read and type; apps ignore the spaces. */
function groupsOfFour(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

function recoveryCodesText(codes: string[]): string {
  return [
    'Kith recovery codes',
    '',
    'Each code signs you in once, instead of a code from your authenticator app.',
    '',
    ...codes,
    '',
  ].join('\n');
}
