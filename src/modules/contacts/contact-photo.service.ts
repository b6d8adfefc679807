import type { Db } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { UUID_SHAPE } from '../../lib/uuid.js';
import type { StoredAvatar } from '../../storage/avatar-store.js';
import type { PictureSlot } from '../../storage/picture-slot.js';
import { findContactPhotoKey, swapContactPhoto } from './contact-photo.repository.js';
import { contactNotFound, type Owner } from './contacts.service.js';
import { cardAfterEdit } from '../dav/vcard/card-edits.js';
import { presentContact, publicPhotoUrl } from './contacts.presenter.js';
import type { Contact } from './contacts.schemas.js';

/** A contact's picture, through the same checks, re-encoding and store as the user's avatar. */
export class ContactPhotoService {
  constructor(private readonly deps: { db: Db; clock: Clock; pictures: PictureSlot; appUrl: string }) {}

  async replace(owner: Owner, id: string, upload: Buffer): Promise<Contact> {
    const current = await this.currentKey(owner, id);
    const row = await this.deps.pictures.replace(`contacts/${id.toLowerCase()}`, upload, current, this.swap(owner, id));
    if (!row) throw contactNotFound();
    return presentContact(row, this.deps.appUrl);
  }

  async remove(owner: Owner, id: string): Promise<Contact> {
    const row = await this.deps.pictures.remove(await this.currentKey(owner, id), this.swap(owner, id));
    if (!row) throw contactNotFound();
    return presentContact(row, this.deps.appUrl);
  }

  /** The contact's photo key now; 404 for anything but one of the owner's live contacts. */
  private async currentKey(owner: Owner, id: string): Promise<string | null> {
    const key = UUID_SHAPE.test(id) ? await findContactPhotoKey(this.deps.db, owner.id, id) : undefined;
    if (key === undefined) throw contactNotFound();
    return key;
  }

  private swap(owner: Owner, id: string) {
    return (picture: StoredAvatar | null) => {
      const now = this.deps.clock.now();
      const url = publicPhotoUrl(picture?.url ?? null, this.deps.appUrl);
      return swapContactPhoto(this.deps.db, owner.id, id, picture, now, (current) =>
        cardAfterEdit(current, {}, owner.region, now, { url }),
      );
    };
  }
}
