import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { upcomingBirthdays } from '../api/contacts.api.js';
import { queryKeys, useMe } from '../api/queries.js';
import { ContactPicture } from '../components/contact-picture.js';
import { Loading } from '../components/loading.js';
import { PageHeader } from '../components/page-header.js';
import { QueryError } from '../components/query-error.js';
import { formatCalendarDay, formatDaysUntil } from '../lib/birthdays.js';
import { fullName } from '../lib/names.js';

const WINDOWS = [
  { days: 7, label: 'Next 7 days' },
  { days: 30, label: 'Next 30 days' },
  { days: 90, label: 'Next 3 months' },
  { days: 365, label: 'Next 12 months' },
];

export function BirthdaysPage() {
  const [params, setParams] = useSearchParams();
  const requested = Number(params.get('days'));
  const days = WINDOWS.some((w) => w.days === requested) ? requested : 30;
  const me = useMe();
  const birthdays = useQuery({ queryKey: queryKeys.birthdays(days), queryFn: () => upcomingBirthdays(days) });

  return (
    <>
      <PageHeader
        title="Upcoming birthdays"
        lead={me.data ? `Dates are counted in your time zone, ${me.data.timezone}.` : undefined}
      />
      <div className="toolbar">
        <div className="field">
          <label htmlFor="birthday-window">Show</label>
          <select
            id="birthday-window"
            value={days}
            onChange={(event) => setParams({ days: event.target.value }, { replace: true })}
          >
            {WINDOWS.map((w) => (
              <option key={w.days} value={w.days}>
                {w.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {birthdays.isPending ? <Loading label="Loading birthdays…" /> : null}
      {birthdays.isError ? <QueryError error={birthdays.error} retry={birthdays.refetch} what="birthdays" /> : null}
      {birthdays.data?.items.length === 0 ? (
        <div className="empty">
          <p>No birthdays in this window.</p>
          <p className="muted">Add birthdays to your contacts and they'll show up here.</p>
        </div>
      ) : null}
      {birthdays.data && birthdays.data.items.length > 0 ? (
        <ul className="birthday-list">
          {birthdays.data.items.map((b) => (
            <li key={b.contact.id} className={b.daysUntil === 0 ? 'birthday today' : 'birthday'}>
              <span className="when">
                <strong>{formatDaysUntil(b.daysUntil)}</strong>
                <span className="muted">{formatCalendarDay(b.date)}</span>
              </span>
              <ContactPicture contact={b.contact} size="small" />
              <Link to={`/contacts/${b.contact.id}`} className="who">
                {fullName(b.contact)}
              </Link>
              <span className="age">{b.turning === null ? 'Age unknown' : `Turns ${b.turning}`}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
