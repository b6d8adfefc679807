import { Link } from 'react-router';
import type { Contact } from '../api/contacts.api.js';
import { ContactPicture } from '../components/contact-picture.js';
import { formatBirthday } from '../lib/birthdays.js';
import { fullName } from '../lib/names.js';
import { displayPhone } from '../lib/phones.js';

export function ContactRows({ contacts, empty }: { contacts: Contact[]; empty: 'nothing-found' | 'no-contacts' }) {
  if (contacts.length === 0) {
    return (
      <div className="empty">
        {empty === 'nothing-found' ? (
          <p>No contact matches that. Try fewer letters, or another part of the name.</p>
        ) : (
          <>
            <p>No contacts yet.</p>
            <Link className="button primary" to="/contacts/new">
              Add your first contact
            </Link>{' '}
            <Link className="button" to="/contacts/import">
              Import from a file
            </Link>
          </>
        )}
      </div>
    );
  }
  return (
    <ul className="contact-list">
      {contacts.map((contact) => (
        <li key={contact.id}>
          <Link to={`/contacts/${contact.id}`} className="contact-row">
            <ContactPicture contact={contact} size="small" />
            <span className="contact-name">{fullName(contact)}</span>
            <span className="contact-meta">
              {[
                contact.organization,
                contact.email,
                contact.phone ? displayPhone(contact.phone) : null,
                contact.birthday ? `Birthday ${formatBirthday(contact.birthday)}` : null,
              ]
                .filter(Boolean)
                .join(' · ')}
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
