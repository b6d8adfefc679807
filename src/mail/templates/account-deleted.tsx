import { formatUtcTime } from './format-time.js';
import { Greeting, Layout, Paragraph } from './layout.js';

export interface AccountDeletedProps {
  name: string;
  /** ISO-8601 time of the deletion. */
  deletedAt: string;
}

export const accountDeletedSubject = 'Your Kith account was deleted';

export function AccountDeleted({ name, deletedAt }: AccountDeletedProps) {
  return (
    <Layout preview="Your Kith account and everything in it were deleted" heading="Your account was deleted">
      <Greeting name={name} />
      <Paragraph>
        Your Kith account was deleted on {formatUtcTime(deletedAt)}, as you asked. Your contacts (the trash too),
        photos, profile picture, settings, app passwords and sign-ins are gone for good and can't be restored.
      </Paragraph>
      <Paragraph>
        Phones and computers that synced your contacts over CardDAV can no longer sign in; the contacts they hold
        stay on them until you remove the account there.
      </Paragraph>
      <Paragraph muted>
        You can sign up again with this address at any time; it would be a new, empty account. Thanks for using Kith.
      </Paragraph>
    </Layout>
  );
}
