import { Link } from 'react-router';
import { PageHeader } from '../components/page-header.js';

export function NotFoundPage() {
  return (
    <div className="card narrow">
      <PageHeader title="Page not found" />
      <p>There's nothing at this address. It may have moved, or the link may be mistyped.</p>
      <Link className="button primary" to="/">
        Go to Kith
      </Link>
    </div>
  );
}
