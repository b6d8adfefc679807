import { formatUtcTime } from './format-time.js';
import { ActionLink, Greeting, Layout, Paragraph } from './layout.js';

export interface TwoFactorChangedProps {
  name: string;
  /** True: two-step sign-in was turned on; false: turned off. */
  enabled: boolean;
  /** ISO-8601 time of the change. */
  changedAt: string;
  /** The web app's Sign-in & security page. */
  securityUrl: string;
}

export function twoFactorChangedSubject({ enabled }: Pick<TwoFactorChangedProps, 'enabled'>): string {
  return enabled ? 'Two-step sign-in turned on for your Kith account' : 'Two-step sign-in turned off for your Kith account';
}

export function TwoFactorChanged({ name, enabled, changedAt, securityUrl }: TwoFactorChangedProps) {
  const heading = enabled ? 'Two-step sign-in turned on' : 'Two-step sign-in turned off';
  return (
    <Layout preview={`${heading} for your Kith account`} heading={heading}>
      <Greeting name={name} />
      {enabled ? (
        <>
          <Paragraph>
            Two-step sign-in was turned on for your Kith account on {formatUtcTime(changedAt)}. From now on, signing in
            takes your password and a code from your authenticator app.
          </Paragraph>
          <Paragraph>
            Keep your recovery codes somewhere safe: each one lets you in once if your phone is lost.
          </Paragraph>
        </>
      ) : (
        <Paragraph>
          Two-step sign-in was turned off for your Kith account on {formatUtcTime(changedAt)}. Signing in now takes only
          your password.
        </Paragraph>
      )}
      <Paragraph>If that was you, there is nothing else to do.</Paragraph>
      <Paragraph>
        <strong>If this wasn't you, someone knows your password.</strong> Reset it right away with "Forgot password?" on
        the Kith sign-in page (that signs out every session), then check your sign-in and security settings.
      </Paragraph>
      <ActionLink href={securityUrl} label="Review sign-in & security" />
    </Layout>
  );
}

