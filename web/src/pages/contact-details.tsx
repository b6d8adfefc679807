import type { ReactNode } from 'react';
import type { Contact } from '../api/contacts.api.js';
import { addressLines, mapLink } from '../lib/addresses.js';
import { formatBirthday } from '../lib/birthdays.js';
import { labelText } from '../lib/labels.js';
import { displayPhone } from '../lib/phones.js';

/** A web address as people say it: no scheme, no lone trailing slash. */
const shortUrl = (url: string) => url.replace(/^https?:\/\//i, '').replace(/\/$/, '');

function Tag({ label }: { label: string | null }) {
  return label ? <span className="entry-tag">{labelText(label)}</span> : null;
}

/** Everything the contact holds, each entry a link where one makes sense (call, write, map, visit). */
export function ContactDetails({ contact: c }: { contact: Contact }) {
  const nothing =
    c.phones.length + c.emails.length + c.addresses.length + c.websites.length === 0 && !c.birthday && !c.notes;
  if (nothing) return <p className="muted details-empty">No phone numbers, emails or other details yet.</p>;
  return (
    <dl className="details">
      {c.phones.length > 0 ? (
        <Detail label={c.phones.length > 1 ? 'Phones' : 'Phone'}>
          <ul className="entries-shown">
            {c.phones.map((p, index) => (
              <li key={`${p.value}-${index}`}>
                <a href={`tel:${p.value}`}>{displayPhone(p.value)}</a> <Tag label={p.label} />
              </li>
            ))}
          </ul>
        </Detail>
      ) : null}
      {c.emails.length > 0 ? (
        <Detail label={c.emails.length > 1 ? 'Emails' : 'Email'}>
          <ul className="entries-shown">
            {c.emails.map((e, index) => (
              <li key={`${e.value}-${index}`}>
                <a href={`mailto:${e.value}`}>{e.value}</a> <Tag label={e.label} />
              </li>
            ))}
          </ul>
        </Detail>
      ) : null}
      {c.addresses.length > 0 ? (
        <Detail label={c.addresses.length > 1 ? 'Addresses' : 'Address'}>
          <ul className="entries-shown">
            {c.addresses.map((a, index) => {
              const lines = addressLines(a);
              return (
                <li key={`${lines.join('|')}-${index}`} className="address-shown">
                  <address>
                    {lines.map((line) => (
                      <span key={line}>{line}</span>
                    ))}
                  </address>
                  <span className="address-links">
                    <Tag label={a.label} />
                    <a href={mapLink(a)} target="_blank" rel="noopener noreferrer">
                      Show on map<span className="visually-hidden">: {lines.join(', ')} (opens OpenStreetMap)</span>
                    </a>
                  </span>
                </li>
              );
            })}
          </ul>
        </Detail>
      ) : null}
      {c.websites.length > 0 ? (
        <Detail label={c.websites.length > 1 ? 'Websites' : 'Website'}>
          <ul className="entries-shown">
            {c.websites.map((w, index) => (
              <li key={`${w.value}-${index}`}>
                {/* Only the web is linked: a vCard could bring some other scheme (javascript:, say). */}
                {/^https?:\/\//i.test(w.value) ? (
                  <a href={w.value} target="_blank" rel="noopener noreferrer">
                    {shortUrl(w.value)}
                  </a>
                ) : (
                  w.value
                )}{' '}
                <Tag label={w.label} />
              </li>
            ))}
          </ul>
        </Detail>
      ) : null}
      {c.birthday ? <Detail label="Birthday">{formatBirthday(c.birthday)}</Detail> : null}
      {c.notes ? (
        <Detail label="Notes">
          <span className="notes">{c.notes}</span>
        </Detail>
      ) : null}
    </dl>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="detail">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
