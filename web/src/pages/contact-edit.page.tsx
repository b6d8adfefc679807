import { useQuery } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { getContact } from '../api/contacts.api.js';
import { queryKeys } from '../api/queries.js';
import { Loading } from '../components/loading.js';
import { PageHeader } from '../components/page-header.js';
import { QueryError } from '../components/query-error.js';
import { fullName } from '../lib/names.js';
import { ContactForm } from './contact-form.js';
import type { FlashState } from './contacts-list.page.js';
import { useSaveContact } from './use-save-contact.js';

export function ContactEditPage() {
  const id = useParams().id ?? '';
  const navigate = useNavigate();
  const contact = useQuery({ queryKey: queryKeys.contact(id), queryFn: () => getContact(id) });
  const save = useSaveContact(id);

  if (contact.isPending) return <Loading label="Loading contact…" />;
  if (contact.isError) return <QueryError error={contact.error} retry={contact.refetch} what="this contact" />;

  return (
    <div className="narrow-page">
      <PageHeader title={`Edit ${fullName(contact.data)}`} />
      <div className="card">
        <ContactForm
          contact={contact.data}
          submitLabel="Save changes"
          pending={save.isPending}
          photoProgress={save.progress}
          error={save.error}
          cancelTo={`/contacts/${id}`}
          onSubmit={(input, photo, form) =>
            save.mutate(
              { input, photo },
              {
                onSuccess: () =>
                  void navigate(`/contacts/${id}`, { state: { flash: 'Changes saved.' } satisfies FlashState }),
                // A photo that failed stays chosen, so Save tries it again (the fields are already saved).
                onError: form.showServerErrors,
              },
            )
          }
        />
      </div>
    </div>
  );
}
