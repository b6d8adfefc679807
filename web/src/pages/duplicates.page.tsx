import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { type DuplicateGroup, findDuplicates } from '../api/duplicates.api.js';
import { queryKeys } from '../api/queries.js';
import { ContactPicture } from '../components/contact-picture.js';
import { Loading } from '../components/loading.js';
import { PageHeader } from '../components/page-header.js';
import { QueryError } from '../components/query-error.js';
import { displayPhone } from '../lib/phones.js';
import { fullName } from '../lib/names.js';
import '../styles/duplicates.css';

/** "Same email: ada@example.com", as the group's heading says it. */
export function groupTitle(group: Pick<DuplicateGroup, 'reason' | 'value'>): string {
  switch (group.reason) {
    case 'email':
      return `Same email: ${group.value}`;
    case 'phone':
      return `Same phone number: ${displayPhone(group.value)}`;
    case 'name':
      return `Same name: ${group.value}`;
  }
}

/** Where a group is reviewed: the merge view with its contacts, in the group's order. */
export const mergeLink = (ids: readonly string[]) => `/duplicates/merge?${new URLSearchParams({ ids: ids.join(',') })}`;

/** Contacts that look like the same person, each group with a way to review and merge it. */
export function DuplicatesPage() {
  const duplicates = useQuery({ queryKey: queryKeys.duplicates, queryFn: findDuplicates });
  const groups = duplicates.data?.groups ?? [];
  return (
    <>
      <Link className="back-link" to="/contacts">
        ← All contacts
      </Link>
      <PageHeader
        title="Duplicates"
        lead="Contacts that share an email address, a phone number or a name. Review a group to merge it into one contact."
      />
      {duplicates.isPending ? <Loading label="Looking for duplicates…" /> : null}
      {duplicates.isError ? <QueryError error={duplicates.error} retry={duplicates.refetch} what="the duplicates" /> : null}
      {duplicates.data && groups.length === 0 ? (
        <div className="empty">
          <p>No duplicates</p>
          <p className="muted">No two of your contacts share an email address, a phone number or a name.</p>
        </div>
      ) : null}
      {groups.length > 0 ? (
        <>
          <p className="result-line" role="status">
            {groups.length === 1 ? '1 group of possible duplicates' : `${groups.length} groups of possible duplicates`}
          </p>
          <ul className="duplicate-groups">
            {groups.map((group) => {
              const ids = group.contacts.map((c) => c.id);
              const title = groupTitle(group);
              const headingId = `group-${group.reason}-${ids.join('-')}`;
              return (
                <li key={`${group.reason}:${ids.join(',')}`}>
                  <section className="duplicate-group" aria-labelledby={headingId}>
                    <h2 id={headingId}>{title}</h2>
                    <ul className="duplicate-members">
                      {group.contacts.map((contact) => (
                        <li key={contact.id}>
                          <ContactPicture contact={contact} size="small" />
                          <span className="duplicate-member">
                            <Link to={`/contacts/${contact.id}`}>{fullName(contact)}</Link>
                            <span className="contact-meta">
                              {[contact.email, contact.phone ? displayPhone(contact.phone) : null, contact.organization]
                                .filter(Boolean)
                                .join(' · ')}
                            </span>
                          </span>
                        </li>
                      ))}
                    </ul>
                    <Link className="button small" to={mergeLink(ids)}>
                      Review and merge<span className="visually-hidden">: {title}</span>
                    </Link>
                  </section>
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
    </>
  );
}
