import { useQuery } from '@tanstack/react-query';
import { fetchMe } from './users.api.js';

export const queryKeys = {
  me: ['me'] as const,
  contacts: ['contacts'] as const,
  contact: (id: string) => ['contacts', 'one', id] as const,
  // Under 'contacts', so whatever refreshes the contacts refreshes the trash too.
  trash: ['contacts', 'trash'] as const,
  duplicates: ['contacts', 'duplicates'] as const,
  birthdays: (days: number) => ['contacts', 'birthdays', days] as const,
  mailbox: ['dev', 'mailbox'] as const,
};

export function useMe() {
  return useQuery({ queryKey: queryKeys.me, queryFn: fetchMe, staleTime: 60_000 });
}
