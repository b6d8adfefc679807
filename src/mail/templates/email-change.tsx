import { ActionLink, Greeting, Layout, Paragraph } from './layout.js';
import { formatDuration } from './reset-password.js';

export interface EmailChangeProps {
  name: string;
  /** The address this message goes to, which becomes the account's once the link is followed. */
  newEmail: string;
  link: string;
  expiresInHours: number;
}

export const emailChangeSubject = 'Confirm your new email address for Kith';

export function EmailChange({ name, newEmail, link, expiresInHours }: EmailChangeProps) {
  return (
    <Layout preview="Confirm the new email address of your Kith account" heading="Confirm your new email address">
      <Greeting name={name} />
      <Paragraph>
        You asked to use {newEmail} for your Kith account. Confirm with the link below; until then, nothing changes
        and you keep signing in with your current address.
      </Paragraph>
      <ActionLink href={link} label="Confirm new email address" />
      <Paragraph muted>
        The link expires in {formatDuration(expiresInHours * 60)} and works only once. Once confirmed, you sign in
        (and your phones and computers sync over CardDAV) with {newEmail}; your password stays the same.
      </Paragraph>
      <Paragraph muted>If you didn't ask for this, ignore this email: the account's address stays as it is.</Paragraph>
    </Layout>
  );
}
