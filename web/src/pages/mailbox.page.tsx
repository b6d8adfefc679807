import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ApiError } from '../api/api-error.js';
import { fetchMailbox, type MailboxMessage } from '../api/dev.api.js';
import { queryKeys } from '../api/queries.js';
import { Loading } from '../components/loading.js';
import { PageHeader } from '../components/page-header.js';
import { QueryError } from '../components/query-error.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Links to this app's own pages open inside it, whatever APP_URL the email was written with. */
function AppLink({ href }: { href: string }) {
  const url = URL.canParse(href) ? new URL(href) : undefined;
  if (url && ['/verify-email', '/reset-password'].includes(url.pathname)) {
    return (
      <Link to={`${url.pathname}${url.search}`}>
        {url.pathname === '/verify-email' ? 'Confirm email address' : 'Reset password'}
      </Link>
    );
  }
  return (
    <a href={href} rel="noreferrer">
      {href}
    </a>
  );
}

function Message({ message }: { message: MailboxMessage }) {
  return (
    <li className="card mail">
      <p className="mail-subject">{message.subject || '(no subject)'}</p>
      <p className="muted small">
        to {message.to} · {dateTime.format(new Date(message.date))}
      </p>
      {message.links.length > 0 ? (
        <ul className="mail-links">
          {message.links.map((link) => (
            <li key={link}>
              <AppLink href={link} />
            </li>
          ))}
        </ul>
      ) : null}
      <details>
        <summary>Show the whole message</summary>
        <pre className="mail-text">{message.text}</pre>
      </details>
    </li>
  );
}

/** Development only: the emails Kith wrote to files because no mail server is configured. */
export function MailboxPage() {
  const mailbox = useQuery({ queryKey: queryKeys.mailbox, queryFn: fetchMailbox, retry: false, refetchInterval: 3000 });
  const off = mailbox.error instanceof ApiError && mailbox.error.status === 404;
  return (
    <div className="narrow-page">
      <PageHeader
        title="Development mailbox"
        lead="No mail server is configured, so Kith keeps its emails here instead of sending them. Newest first; refreshes by itself."
      />
      {mailbox.isPending ? <Loading label="Opening the mailbox…" /> : null}
      {off ? <p role="alert">The development mailbox is off: this Kith sends real email.</p> : null}
      {mailbox.isError && !off ? <QueryError error={mailbox.error} retry={mailbox.refetch} what="the mailbox" /> : null}
      {mailbox.data?.items.length === 0 ? (
        <p className="empty">No emails yet. Sign up, and the confirmation email appears here.</p>
      ) : null}
      {mailbox.data && mailbox.data.items.length > 0 ? (
        <ul className="mailbox">
          {mailbox.data.items.map((message) => (
            <Message key={message.id} message={message} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}
