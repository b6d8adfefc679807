import { ActionLink, Greeting, Layout, Paragraph } from './layout.js';

export interface ResetPasswordProps {
  name: string;
  link: string;
  expiresInMinutes: number;
}

export const resetPasswordSubject = 'Reset your Kith password';

export function ResetPassword({ name, link, expiresInMinutes }: ResetPasswordProps) {
  return (
    <Layout preview="A link to choose a new Kith password" heading="Reset your password">
      <Greeting name={name} />
      <Paragraph>
        Someone (hopefully you) asked to reset the password of your Kith account. Choose a new password with the
        link below.
      </Paragraph>
      <ActionLink href={link} label="Choose a new password" />
      <Paragraph muted>
        The link expires in {formatDuration(expiresInMinutes)} and works only once. Resetting your password signs
        you out everywhere.
      </Paragraph>
      <Paragraph muted>If you didn't ask for this, ignore this email: your password stays as it is.</Paragraph>
    </Layout>
  );
}

export function formatDuration(minutes: number): string {
  if (minutes >= 60 && minutes % 60 === 0) {
    const hours = minutes / 60;
    return hours === 1 ? '1 hour' : `${hours} hours`;
  }
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
