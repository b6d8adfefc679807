import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { getContact, updateContact } from '../api/contacts.api.js';
import { queryKeys } from '../api/queries.js';
import { Loading } from '../components/loading.js';
import { PageHeader } from '../components/page-header.js';
import { QueryError } from '../components/query-error.js';
import { fullName } from '../lib/names.js';
import { ContactForm } from './contact-form.js';
import type { FlashState } from './contacts-list.page.js';

export function ContactEditPage() {
  const id = useParams().id ?? '';
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const contact = useQuery({ queryKey: queryKeys.contact(id), queryFn: () => getContact(id) });
  const update = useMutation({ mutationFn: (input: Parameters<typeof updateContact>[1]) => updateContact(id, input) });

  if (contact.isPending) return <Loading label="Loading contact…" />;
  if (contact.isError) return <QueryError error={contact.error} retry={contact.refetch} what="this contact" />;

  return (
    <div className="narrow-page">
      <PageHeader title={`Edit ${fullName(contact.data)}`} />
      <div className="card">
        <ContactForm
          contact={contact.data}
          submitLabel="Save changes"
          pendingLabel="Saving…"
          pending={update.isPending}
          error={update.error}
          cancelTo={`/contacts/${id}`}
          onSubmit={(input, form) =>
            update.mutate(input, {
              onSuccess: (saved) => {
                queryClient.setQueryData(queryKeys.contact(id), saved);
                // Lists and birthdays are stale now; they reload when next shown.
                void queryClient.invalidateQueries({ queryKey: queryKeys.contacts, refetchType: 'none' });
                void navigate(`/contacts/${id}`, { state: { flash: 'Changes saved.' } satisfies FlashState });
              },
              onError: form.showServerErrors,
            })
          }
        />
      </div>
    </div>
  );
}
