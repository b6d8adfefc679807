import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { Address, EmailEntry, WebsiteEntry } from '../modules/contacts/contact-details.schemas.js';

/** A stored phone number: E.164, the text as the user (or their phone) wrote it, and a label. */
export interface StoredPhone {
  value: string;
  input: string;
  label: string | null;
}

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Stored lower-cased, so the unique index compares addresses case-insensitively.
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    emailVerified: boolean('email_verified').notNull().default(false),
    timezone: text('timezone').notNull().default('UTC'),
    region: text('region'),
    /** Where the uploaded avatar lives in the avatar store (file name or Cloudinary public id). */
    avatarKey: text('avatar_key'),
    /** The uploaded avatar's public URL; null means the generated default. */
    avatarUrl: text('avatar_url'),
    /**
     * The user's contacts outside the trash, kept in step in the same transaction; the CHECK makes the
     * 100-contact limit hold whatever the application does, on every instance.
     */
    contactCount: integer('contact_count').notNull().default(0),
    /**
     * Goes up by one with every change to the user's contacts, in the same transaction. Each
     * instance caches a user's contacts under the version it read them at, and the version comes
     * with the account on every authenticated request, so a stale copy is never served.
     */
    contactsVersion: bigint('contacts_version', { mode: 'number' }).notNull().default(0),
    /** The CardDAV address book's display name, when a client renamed it (PROPPATCH). */
    addressBookName: text('address_book_name'),
    /**
     * The secret in the birthday calendar's subscription address (`/cal/<token>.ics`), null while
     * the feed is off. Kept as it is, not hashed: the address must be shown again on request.
     */
    birthdayCalendarToken: text('birthday_calendar_token'),
    /**
     * Two-step sign-in (TOTP, RFC 6238): the secret (encrypted, see two-factor/), set when the user
     * turned it on; `two_factor_pending_secret` while setup waits for the first code. The last
     * accepted time step refuses a code used twice.
     */
    twoFactorSecret: text('two_factor_secret'),
    twoFactorPendingSecret: text('two_factor_pending_secret'),
    twoFactorEnabledAt: timestamptz('two_factor_enabled_at'),
    twoFactorLastStep: bigint('two_factor_last_step', { mode: 'number' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    uniqueIndex('users_birthday_calendar_token_key').on(t.birthdayCalendarToken),
    check('users_contact_count_check', sql`${t.contactCount} between 0 and 100`),
  ],
);

export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    firstName: text('first_name').notNull(),
    lastName: text('last_name'),
    /**
     * The lists are JSON arrays: a contact has at most a few of each, they are always read and
     * written whole with the contact, and searching happens in the application. The first entry of
     * `emails` / `phones` is what the API calls `email` / `phone`.
     */
    emails: jsonb('emails').$type<EmailEntry[]>().notNull().default([]),
    phones: jsonb('phones').$type<StoredPhone[]>().notNull().default([]),
    addresses: jsonb('addresses').$type<Address[]>().notNull().default([]),
    websites: jsonb('websites').$type<WebsiteEntry[]>().notNull().default([]),
    organization: text('organization'),
    jobTitle: text('job_title'),
    /** Where the contact's picture lives in the picture store, and its public URL. */
    photoKey: text('photo_key'),
    photoUrl: text('photo_url'),
    /** Null when the year is unknown (`--MM-DD`). */
    birthdayYear: integer('birthday_year'),
    birthdayMonth: integer('birthday_month'),
    birthdayDay: integer('birthday_day'),
    notes: text('notes'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    /** Set while the contact is in the trash; it is purged for good 30 days later. */
    deletedAt: timestamptz('deleted_at'),
    /**
     * The contact as a vCard in the user's CardDAV address book: its name there (kept as the
     * client chose it), its UID, and the card's bytes exactly as a client last wrote them, so
     * properties Kith doesn't show survive. Null `card` (a contact made in the API and never
     * written over CardDAV) is served as a card generated from the columns.
     */
    cardHref: text('card_href').notNull(),
    cardUid: text('card_uid').notNull(),
    card: text('card'),
  },
  (t) => [
    index('contacts_user_id_created_at_idx').on(t.userId, t.createdAt),
    index('contacts_deleted_at_idx').on(t.deletedAt).where(sql`${t.deletedAt} is not null`),
    uniqueIndex('contacts_user_card_href_key').on(t.userId, t.cardHref),
    uniqueIndex('contacts_user_card_uid_key').on(t.userId, t.cardUid),
    check('contacts_lists_check', sql`jsonb_typeof(${t.emails}) = 'array' and jsonb_typeof(${t.phones}) = 'array'
        and jsonb_typeof(${t.addresses}) = 'array' and jsonb_typeof(${t.websites}) = 'array'`),
    check(
      'contacts_birthday_check',
      sql`(${t.birthdayMonth} is null and ${t.birthdayDay} is null and ${t.birthdayYear} is null)
        or (${t.birthdayMonth} between 1 and 12 and ${t.birthdayDay} between 1 and 31)`,
    ),
  ],
);

/**
 * Cards in the CardDAV address book that are not contacts: contact groups (`KIND:group`,
 * `X-ADDRESSBOOKSERVER-KIND:group`), stored and synced as they came.
 */
export const groupCards = pgTable(
  'group_cards',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    cardHref: text('card_href').notNull(),
    cardUid: text('card_uid').notNull(),
    card: text('card').notNull(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('group_cards_user_card_href_key').on(t.userId, t.cardHref),
    uniqueIndex('group_cards_user_card_uid_key').on(t.userId, t.cardUid),
  ],
);

/**
 * The address book's change log for CardDAV sync (RFC 6578): for every name a card ever had,
 * the contacts version at its latest change. A sync from token T reports the names changed
 * after T, as they are now (or 404 when gone). Written by a trigger on contacts and group_cards
 * (migration 0006), so every change from any side is logged with the version it made.
 */
export const addressBookChanges = pgTable(
  'address_book_changes',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    cardHref: text('card_href').notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.cardHref] }), index('address_book_changes_user_version_idx').on(t.userId, t.version)],
);

/** One row per sign-in. Access tokens name their session and die with it. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at').notNull(),
    revokedAt: timestamptz('revoked_at'),
    /** When the session was last seen (refreshed at most once a minute); null: not since it began. */
    lastUsedAt: timestamptz('last_used_at'),
    /** The User-Agent it signed in with, for the devices list ("Chrome on Android"). */
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_id_idx').on(t.userId)],
);

/**
 * Every refresh token a session was ever given, by hash. Spent ones stay, so presenting one again
 * can be recognised as replay and the whole session revoked.
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    spentAt: timestamptz('spent_at'),
  },
  (t) => [index('refresh_tokens_session_id_idx').on(t.sessionId)],
);

export const emailTokenPurposes = ['verify_email', 'reset_password', 'change_email'] as const;
export type EmailTokenPurpose = (typeof emailTokenPurposes)[number];

/** Single-use tokens sent by email (verification, password reset), stored only as SHA-256 hashes. */
export const emailTokens = pgTable(
  'email_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: emailTokenPurposes }).notNull(),
    /** For `change_email`: the address the link was sent to, which becomes the account's. */
    newEmail: text('new_email'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at').notNull(),
    usedAt: timestamptz('used_at'),
  },
  (t) => [
    index('email_tokens_user_purpose_idx').on(t.userId, t.purpose),
    check('email_tokens_purpose_check', sql`${t.purpose} in ('verify_email', 'reset_password', 'change_email')`),
  ],
);

/** Two-step sign-in's recovery codes: ten per enabling, each usable once, stored as hashes. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    usedAt: timestamptz('used_at'),
  },
  (t) => [uniqueIndex('recovery_codes_user_code_key').on(t.userId, t.codeHash)],
);

/**
 * The second step of a sign-in with two-step on: a correct password gives a short-lived token
 * (stored as a hash) that a code then exchanges for a session, with its wrong codes counted.
 */
export const twoFactorChallenges = pgTable(
  'two_factor_challenges',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    userAgent: text('user_agent'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at').notNull(),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    usedAt: timestamptz('used_at'),
  },
  (t) => [index('two_factor_challenges_user_id_idx').on(t.userId)],
);

/**
 * The transactional outbox: a message is written in the same transaction as whatever it announces,
 * and the mail worker delivers it later. `props` holds the template's input (links with tokens) and
 * is cleared once the message is sent.
 */
export const outboxMessages = pgTable(
  'outbox_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    template: text('template').notNull(),
    recipient: text('recipient').notNull(),
    props: jsonb('props'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamptz('next_attempt_at').notNull().defaultNow(),
    lockedUntil: timestamptz('locked_until'),
    sentAt: timestamptz('sent_at'),
    lastError: text('last_error'),
  },
  (t) => [index('outbox_messages_pending_idx').on(t.nextAttemptAt).where(sql`${t.sentAt} is null`)],
);

/**
 * Passwords for programs that can't sign in with a browser (address books syncing over CardDAV).
 * Each is a random secret of at least 128 bits, so a SHA-256 hash is as strong as a slow one and
 * can be checked on every request without an argon2 hash.
 */
export const appPasswords = pgTable(
  'app_passwords',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    lastUsedAt: timestamptz('last_used_at'),
  },
  (t) => [uniqueIndex('app_passwords_secret_hash_key').on(t.secretHash), index('app_passwords_user_id_idx').on(t.userId)],
);

/**
 * A user's birthday reminder emails (no row: the defaults, off). The scheduler's bookmark is
 * `checked_through`: every send instant up to it has been dealt with. `next_due_at` is the next
 * send instant as computed in `scheduled_zone`, so a tick only opens the rows that are due (or whose
 * owner changed time zone since); see reminders.scheduler.ts.
 */
export const reminderSettings = pgTable(
  'reminder_settings',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    enabled: boolean('enabled').notNull().default(false),
    daysBefore: integer('days_before').array().notNull().default(sql`'{0}'::integer[]`),
    hour: integer('hour').notNull().default(9),
    checkedThrough: timestamptz('checked_through').notNull(),
    nextDueAt: timestamptz('next_due_at'),
    scheduledZone: text('scheduled_zone'),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('reminder_settings_next_due_idx').on(t.nextDueAt).where(sql`${t.enabled}`),
    check('reminder_settings_hour_check', sql`${t.hour} between 0 and 23`),
    check(
      'reminder_settings_days_before_check',
      sql`cardinality(${t.daysBefore}) between 1 and 3 and 0 <= all(${t.daysBefore}) and 30 >= all(${t.daysBefore})`,
    ),
  ],
);

/**
 * The claim behind "exactly once": one row per reminder (user, local send date, days before),
 * inserted with ON CONFLICT DO NOTHING in the transaction that queues its mail. Whoever inserts the
 * row sends; everyone else (another instance, a re-run after re-enabling) finds it taken.
 */
export const reminderDeliveries = pgTable(
  'reminder_deliveries',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sendDate: date('send_date', { mode: 'string' }).notNull(),
    daysBefore: integer('days_before').notNull(),
    birthdayDate: date('birthday_date', { mode: 'string' }).notNull(),
    outboxMessageId: uuid('outbox_message_id'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.sendDate, t.daysBefore] }),
    index('reminder_deliveries_created_at_idx').on(t.createdAt),
  ],
);

export type UserRow = typeof users.$inferSelect;
export type AppPasswordRow = typeof appPasswords.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type OutboxRow = typeof outboxMessages.$inferSelect;
export type ContactRow = typeof contacts.$inferSelect;
export type GroupCardRow = typeof groupCards.$inferSelect;
export type ReminderSettingsRow = typeof reminderSettings.$inferSelect;
export type RecoveryCodeRow = typeof recoveryCodes.$inferSelect;
export type TwoFactorChallengeRow = typeof twoFactorChallenges.$inferSelect;
