import { formatUtcTime } from './format-time.js';
import { Greeting, Layout, Paragraph } from './layout.js';

export interface EmailChangedProps {
  name: string;
  /** The address this notice goes to: the account's until just now. */
  oldEmail: string;
  newEmail: string;
  /** ISO-8601 time of the change. */
  changedAt: string;
}

export const emailChangedSubject = 'Your Kith email address was changed';

/**
 * The notice to the old address. On purpose it has no link: a link here that undid the change could
 * be followed by mistake, or by whoever still reads this inbox; undoing takes signing in.
 */
export function EmailChanged({ name, oldEmail, newEmail, changedAt }: EmailChangedProps) {
  return (
    <Layout preview={`Your Kith email address was changed to ${newEmail}`} heading="Your email address was changed">
      <Greeting name={name} />
      <Paragraph>
        Your Kith email address was changed to {newEmail} on {formatUtcTime(changedAt)}. Kith no longer sends mail
        about the account to {oldEmail}, and you now sign in with {newEmail}; your password is unchanged.
      </Paragraph>
      <Paragraph>If that was you, there is nothing else to do.</Paragraph>
      <Paragraph>
        <strong>If this wasn't you,</strong> someone who knows your password has taken over the account's address.
        Sign in right away (your devices that are signed in stay signed in), change your password under "Sign-in &
        security", which signs out every other device, and then change the email address back. If you can no longer
        sign in, contact whoever runs this Kith server.
      </Paragraph>
    </Layout>
  );
}
