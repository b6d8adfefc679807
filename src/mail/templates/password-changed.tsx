import { Greeting, Layout, Paragraph } from './layout.js';

export interface PasswordChangedProps {
  name: string;
  /** ISO-8601 time of the change. */
  changedAt: string;
}

export const passwordChangedSubject = 'Your Kith password was changed';

export function PasswordChanged({ name, changedAt }: PasswordChangedProps) {
  return (
    <Layout preview="The password of your Kith account was just changed" heading="Your password was changed">
      <Greeting name={name} />
      <Paragraph>The password of your Kith account was changed on {formatTime(changedAt)}.</Paragraph>
      <Paragraph>If that was you, there is nothing else to do.</Paragraph>
      <Paragraph>
        <strong>If this wasn't you, reset your password right away</strong> with "Forgot password?" on the Kith
        sign-in page. Resetting it signs out every session, including whoever changed it.
      </Paragraph>
    </Layout>
  );
}

// The recipient's time zone isn't known here, so the time is given in UTC and says so.
function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const formatted = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
  return `${formatted.format(date)} UTC`;
}
