import { api } from './client.js';

export interface MailboxMessage {
  id: string;
  subject: string;
  to: string;
  from: string;
  date: string;
  text: string;
  links: string[];
}

/** The development mailbox; a 404 means it is off (a mail server is configured, or production). */
export const fetchMailbox = () => api<{ items: MailboxMessage[] }>('/api/dev/mailbox', { auth: false });
