import { formatUtcTime } from './format-time.js';
import { ActionLink, Greeting, Layout, Paragraph } from './layout.js';

export interface NewSignInProps {
  name: string;
  /** ISO-8601 time of the sign-in. */
  signedInAt: string;
  /** The device as the devices list names it ("Chrome on Android"). */
  device: string;
  /** The Sign-in & security page, where the devices are listed and can be signed out. */
  securityUrl: string;
}

export const newSignInSubject = 'New sign-in to your Kith account';

export function NewSignIn({ name, signedInAt, device, securityUrl }: NewSignInProps) {
  return (
    <Layout preview={`Your Kith account was signed in to from ${device}`} heading="New sign-in to your account">
      <Greeting name={name} />
      <Paragraph>Your Kith account was just signed in to from a device it had not been used on before:</Paragraph>
      <Paragraph>
        Device: <strong>{device}</strong>
        <br />
        When: {formatUtcTime(signedInAt)}
      </Paragraph>
      <Paragraph>If that was you, there is nothing else to do.</Paragraph>
      <Paragraph>
        <strong>If this wasn't you, change your password right away</strong> (on your Kith profile, or with "Forgot
        password?" on the sign-in page): that signs out every other device and revokes your app passwords. Then check
        the devices signed in to your account and sign out any you don't recognise.
      </Paragraph>
      <ActionLink href={securityUrl} label="Review your devices" />
    </Layout>
  );
}
