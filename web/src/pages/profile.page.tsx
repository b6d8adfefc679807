import { Link } from 'react-router';
import { useMe } from '../api/queries.js';
import { Loading } from '../components/loading.js';
import { PageHeader } from '../components/page-header.js';
import { QueryError } from '../components/query-error.js';
import { AvatarSection } from './avatar-section.js';
import { BirthdayCalendarSection } from './birthday-calendar-section.js';
import { PasswordSection } from './password-section.js';
import { ProfileDetailsSection } from './profile-details-section.js';
import { RemindersSection } from './reminders-section.js';

export function ProfilePage() {
  const me = useMe();
  return (
    <div className="narrow-page">
      <PageHeader title="Profile" lead={me.data ? `Signed in as ${me.data.email}` : undefined}>
        <Link className="button" to="/security">
          Sign-in &amp; security
        </Link>
      </PageHeader>
      {me.isPending ? <Loading label="Loading your profile…" /> : null}
      {me.isError ? <QueryError error={me.error} retry={me.refetch} what="your profile" /> : null}
      {me.data ? (
        <>
          <AvatarSection user={me.data} />
          <ProfileDetailsSection user={me.data} />
          <PasswordSection />
          <BirthdayCalendarSection />
          <RemindersSection timeZone={me.data.timezone} />
        </>
      ) : null}
    </div>
  );
}
