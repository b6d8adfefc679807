import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { createContact } from '../api/contacts.api.js';
import { queryKeys } from '../api/queries.js';
import { PageHeader } from '../components/page-header.js';
import { fullName } from '../lib/names.js';
import { ContactForm } from './contact-form.js';
import type { FlashState } from './contacts-list.page.js';

export function ContactNewPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({ mutationFn: createContact });

  return (
    <div className="narrow-page">
      <PageHeader title="New contact" />
      <div className="card">
        <ContactForm
          submitLabel="Save contact"
          pendingLabel="Saving…"
          pending={create.isPending}
          error={create.error}
          cancelTo="/contacts"
          onSubmit={(input, form) =>
            create.mutate(input, {
              onSuccess: (contact) => {
                queryClient.setQueryData(queryKeys.contact(contact.id), contact);
                void queryClient.invalidateQueries({ queryKey: queryKeys.contacts, refetchType: 'none' });
                void navigate(`/contacts/${contact.id}`, {
                  state: { flash: `${fullName(contact)} was added.` } satisfies FlashState,
                });
              },
              onError: form.showServerErrors,
            })
          }
        />
      </div>
    </div>
  );
}
