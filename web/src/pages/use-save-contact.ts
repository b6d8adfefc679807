import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { messageOf } from '../api/api-error.js';
import {
  type Contact,
  type ContactInput,
  createContact,
  removeContactPhoto,
  updateContact,
  uploadContactPhoto,
} from '../api/contacts.api.js';
import { queryKeys } from '../api/queries.js';
import type { PhotoChange } from './contact-photo-field.js';

/** The contact's fields were saved but its photo wasn't: the contact exists, so saving again must not create another. */
export class PhotoNotSavedError extends Error {
  override name = 'PhotoNotSavedError';

  constructor(
    readonly contact: Contact,
    readonly photoError: unknown,
  ) {
    super(`The other details are saved, but the photo isn't: ${messageOf(photoError)}`);
  }

  /** Why the photo failed, as a sentence. */
  get reason(): string {
    return messageOf(this.photoError);
  }
}

export interface SaveContact {
  input: ContactInput;
  photo: PhotoChange;
}

/**
 * Creates (without `id`) or updates a contact, then applies the photo change, reporting the
 * upload's progress. The fields go first, so a photo is never stored for a form the API refused.
 */
export function useSaveContact(id?: string) {
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<number>();
  const mutation = useMutation({
    mutationFn: async ({ input, photo }: SaveContact): Promise<Contact> => {
      let contact = id ? await updateContact(id, input) : await createContact(input);
      queryClient.setQueryData(queryKeys.contact(contact.id), contact);
      void queryClient.invalidateQueries({ queryKey: queryKeys.contacts, refetchType: 'none' });
      if (photo.kind === 'keep') return contact;
      try {
        if (photo.kind === 'replace') {
          setProgress(0);
          contact = await uploadContactPhoto(contact.id, photo.file, { onProgress: setProgress });
        } else {
          contact = await removeContactPhoto(contact.id);
        }
      } catch (error) {
        throw new PhotoNotSavedError(contact, error);
      } finally {
        setProgress(undefined);
      }
      queryClient.setQueryData(queryKeys.contact(contact.id), contact);
      return contact;
    },
  });
  return { ...mutation, progress };
}
