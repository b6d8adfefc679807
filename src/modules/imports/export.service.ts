import type { Db } from '../../db/client.js';
import { publicPhotoUrl } from '../contacts/contacts.presenter.js';
import { listContacts } from '../contacts/contacts.repository.js';
import { cardOfContact } from '../dav/vcard/write-card.js';
import { googleCsv } from './google-csv.js';

export type ExportFormat = 'vcard' | 'csv';

/** Every contact of the user outside the trash, as one file. */
export class ExportService {
  constructor(private readonly deps: { db: Db; appUrl: string }) {}

  /**
   * vCard: each contact's card as it is served over CardDAV (the stored card, byte for byte, where
   * a client stored one), one after the other. CSV: Google Contacts' columns.
   */
  async export(userId: string, format: ExportFormat): Promise<string> {
    const contacts = await listContacts(this.deps.db, userId);
    // Photo links absolute, as in the cards: a CSV is read far from this server.
    if (format === 'csv') return googleCsv(contacts.map((row) => ({ ...row, photoUrl: publicPhotoUrl(row.photoUrl, this.deps.appUrl) })));
    return contacts
      .map((row) => {
        const card = cardOfContact(row, this.deps.appUrl);
        return card.endsWith('\n') ? card : `${card}\r\n`;
      })
      .join('');
  }
}
