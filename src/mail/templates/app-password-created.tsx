import { formatUtcTime } from './format-time.js';
import { ActionLink, Greeting, Layout, Paragraph } from './layout.js';

export interface AppPasswordCreatedProps {
  name: string;
  /** What the app password was named after ("Ada’s iPhone"). */
  passwordName: string;
  /** ISO-8601 time it was created. */
  createdAt: string;
  /** The Sign-in & security page, where app passwords are listed and revoked. */
  securityUrl: string;
}

export const appPasswordCreatedSubject = 'App password created for your Kith account';

export function AppPasswordCreated({ name, passwordName, createdAt, securityUrl }: AppPasswordCreatedProps) {
  return (
    <Layout preview={`A new app password, “${passwordName}”, can now sign in to your contacts`} heading="App password created">
      <Greeting name={name} />
      <Paragraph>
        A new app password named <strong>{passwordName}</strong> was created for your Kith account on{' '}
        {formatUtcTime(createdAt)}. A program using it (such as a phone's address book over CardDAV) can read and
        change your contacts.
      </Paragraph>
      <Paragraph>If that was you, there is nothing else to do.</Paragraph>
      <Paragraph>
        <strong>If this wasn't you, revoke it and change your password right away</strong>: someone who can create
        app passwords is signed in to your account. Changing your password signs out every other device and revokes
        all app passwords.
      </Paragraph>
      <ActionLink href={securityUrl} label="Review app passwords" />
    </Layout>
  );
}
