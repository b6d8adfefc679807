import { useNavigate } from 'react-router';
import { PageHeader } from '../components/page-header.js';
import { fullName } from '../lib/names.js';
import { ContactForm } from './contact-form.js';
import type { FlashState } from './contacts-list.page.js';
import { PhotoNotSavedError, useSaveContact } from './use-save-contact.js';

export function ContactNewPage() {
  const navigate = useNavigate();
  const save = useSaveContact();

  return (
    <div className="narrow-page">
      <PageHeader title="New contact" />
      <div className="card">
        <ContactForm
          submitLabel="Save contact"
          pending={save.isPending}
          photoProgress={save.progress}
          error={save.error}
          cancelTo="/contacts"
          onSubmit={(input, photo, form) =>
            save.mutate(
              { input, photo },
              {
                onSuccess: (contact) =>
                  void navigate(`/contacts/${contact.id}`, {
                    state: { flash: `${fullName(contact)} was added.` } satisfies FlashState,
                  }),
                onError: (error) => {
                  // The contact exists now: staying on "New contact" would make a second one on retry.
                  if (error instanceof PhotoNotSavedError) {
                    void navigate(`/contacts/${error.contact.id}`, {
                      state: {
                        flash: `${fullName(error.contact)} was added, but the photo wasn't saved: ${error.reason} Edit the contact to try again.`,
                        tone: 'warning',
                      } satisfies FlashState,
                    });
                  } else {
                    form.showServerErrors(error);
                  }
                },
              },
            )
          }
        />
      </div>
    </div>
  );
}
