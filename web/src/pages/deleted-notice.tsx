import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { restoreContact } from '../api/contacts.api.js';
import { queryKeys } from '../api/queries.js';
import { FormError } from '../forms/form-alert.js';
import type { FlashState } from './contacts-list.page.js';

export interface Deleted {
  id: string;
  name: string;
  /** Set once Undo has brought the contact back, so Back or a reload doesn't offer Undo again. */
  restored?: boolean;
}

/**
 * Said after a delete: the contact is in the trash, and Undo brings it back. A status message (read
 * out without taking the focus) whose button is the next stop after the page's main action.
 */
export function DeletedNotice({ deleted }: { deleted: Deleted }) {
  const { id, name, restored } = deleted;
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const messageRef = useRef<HTMLParagraphElement>(null);
  const undo = useMutation({
    mutationFn: () => restoreContact(id),
    onSuccess: async (contact) => {
      queryClient.setQueryData(queryKeys.contact(id), contact);
      await navigate(
        { pathname: location.pathname, search: location.search },
        { replace: true, state: { deleted: { id, name, restored: true } } satisfies FlashState },
      );
      await queryClient.invalidateQueries({ queryKey: queryKeys.contacts });
    },
  });

  // The Undo button is gone once it has worked: the focus goes to what it did, not to <body>.
  useEffect(() => {
    if (undo.isSuccess) messageRef.current?.focus();
  }, [undo.isSuccess]);

  return (
    <>
      <div className={restored ? 'alert success undo' : 'alert info undo'} role="status">
        {restored ? (
          <p ref={messageRef} tabIndex={-1}>
            {name} is back in your contacts. <Link to={`/contacts/${id}`}>Open {name}</Link>
          </p>
        ) : (
          <>
            <p>{name} was moved to the trash.</p>
            <div className="undo-actions">
              <button
                type="button"
                className="button small"
                onClick={() => undo.mutate()}
                disabled={undo.isPending}
                aria-busy={undo.isPending || undefined}
              >
                {undo.isPending ? 'Restoring…' : 'Undo'}
              </button>
              <Link to="/trash">Open the trash</Link>
            </div>
          </>
        )}
      </div>
      <FormError error={undo.error} />
    </>
  );
}
