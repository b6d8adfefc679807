import { ActionLink, Greeting, Layout, Paragraph } from './layout.js';

export interface VerifyEmailProps {
  name: string;
  link: string;
}

export const verifyEmailSubject = 'Confirm your email address for Kith';

export function VerifyEmail({ name, link }: VerifyEmailProps) {
  return (
    <Layout preview="Confirm your email address to start using Kith" heading="Confirm your email address">
      <Greeting name={name} />
      <Paragraph>
        Thanks for signing up for Kith. Please confirm that this is your email address to finish setting up your
        account.
      </Paragraph>
      <ActionLink href={link} label="Confirm email address" />
      <Paragraph muted>The link works once and expires after a while; you can always ask for a new one.</Paragraph>
      <Paragraph muted>If you didn't create a Kith account, you can safely ignore this email.</Paragraph>
    </Layout>
  );
}
