import { Link } from 'react-router';
import { useMe } from '../api/queries.js';
import { Loading } from '../components/loading.js';
import { PageHeader } from '../components/page-header.js';
import { QueryError } from '../components/query-error.js';
import { AppPasswordsSection } from './app-passwords-section.js';
import { DevicesSection } from './devices-section.js';
import { EmailSection } from './email-section.js';
import { LeavingSection } from './leaving-section.js';
import { TwoFactorSection } from './two-factor-section.js';

/**
 * Sign-in and security: where the account is signed in (devices and app passwords), two-step
 * sign-in, the email address, and leaving (export, delete). Each section is its own component.
 */
export function SecurityPage() {
  const me = useMe();
  return (
    <div className="narrow-page">
      <PageHeader title="Sign-in & security" lead={<Link to="/profile">Back to your profile</Link>} />
      {me.isPending ? <Loading label="Loading your account…" /> : null}
      {me.isError ? <QueryError error={me.error} retry={me.refetch} what="your account" /> : null}
      {me.data ? (
        <>
          <DevicesSection />
          <AppPasswordsSection />
          <TwoFactorSection user={me.data} />
          <EmailSection user={me.data} />
          <LeavingSection user={me.data} />
        </>
      ) : null}
    </div>
  );
}
