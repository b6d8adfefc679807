import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { fetchMailbox } from '../api/dev.api.js';
import { queryKeys } from '../api/queries.js';

/** Only where Kith has no mail server (development): point at the page that shows what it "sent". */
export function DevMailboxHint() {
  const mailbox = useQuery({ queryKey: queryKeys.mailbox, queryFn: fetchMailbox, retry: false });
  if (!mailbox.isSuccess) return null;
  return (
    <div className="alert info" role="note">
      This Kith has no mail server configured, so emails are kept on the server instead of sent.{' '}
      <Link to="/dev/mailbox">Open the development mailbox</Link> to read them.
    </div>
  );
}
