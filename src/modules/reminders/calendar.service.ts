import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { notFound, unauthorized } from '../../errors.js';
import { listContacts } from '../contacts/contacts.repository.js';
import { birthdayCalendar } from './calendar.ics.js';
import { findCalendarToken, findUserByCalendarToken, setCalendarToken } from './calendar.repository.js';

/** 128 random bits, base64url: the whole secret of a subscription address. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22}$/;

/**
 * The birthday calendar: a secret address that calendar apps subscribe to without signing in.
 * Making a new address turns the old one off; turning it off forgets the address.
 */
export class CalendarService {
  constructor(private readonly deps: { db: Db; appUrl: string }) {}

  async create(userId: string): Promise<{ url: string }> {
    const token = randomBytes(16).toString('base64url');
    if (!(await setCalendarToken(this.deps.db, userId, token))) throw unauthorized('This account no longer exists');
    return { url: this.urlOf(token) };
  }

  async get(userId: string): Promise<{ url: string }> {
    const token = await findCalendarToken(this.deps.db, userId);
    if (!token) throw notFound('Birthday calendar');
    return { url: this.urlOf(token) };
  }

  async turnOff(userId: string): Promise<void> {
    await setCalendarToken(this.deps.db, userId, null);
  }

  /** The feed for a `<token>.ics` name; NOT_FOUND for anything else, an old token included. */
  async feed(fileName: string): Promise<string> {
    const token = fileName.endsWith('.ics') ? fileName.slice(0, -4) : '';
    const user = TOKEN_SHAPE.test(token) ? await findUserByCalendarToken(this.deps.db, token) : undefined;
    if (!user) throw notFound('Calendar');
    const contacts = await listContacts(this.deps.db, user.id);
    return birthdayCalendar(`Birthdays (${user.name}, Kith)`, contacts, new URL(this.deps.appUrl).hostname);
  }

  private urlOf(token: string): string {
    return `${this.deps.appUrl}/cal/${token}.ics`;
  }
}
