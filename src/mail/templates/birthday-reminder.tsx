import { Link } from '@react-email/link';
import { Section } from '@react-email/section';
import { Text } from '@react-email/text';
import type { CSSProperties } from 'react';
import { Greeting, Layout, Paragraph } from './layout.js';

export interface BirthdayReminderProps {
  name: string;
  /** The day of the birthdays, `YYYY-MM-DD`, in the recipient's calendar. */
  date: string;
  /** Days from the day the reminder was sent to `date` (0 = that very day). */
  daysUntil: number;
  /** In the order to list them; `turning` is the age reached, null when the birth year is unknown. */
  birthdays: Array<{ name: string; turning: number | null }>;
  /** The web page that turns reminders off after a click on its button. */
  unsubscribeUrl: string;
  /** The RFC 8058 one-click address (List-Unsubscribe): a POST to it turns reminders off. */
  oneClickUrl: string;
  /** Where the reminder settings are changed. */
  settingsUrl: string;
}

export function birthdayReminderSubject({ date, daysUntil, birthdays }: BirthdayReminderProps): string {
  const [first] = birthdays;
  const who =
    birthdays.length === 1 && first ? `${first.name}’s birthday` : `${birthdays.length} birthdays (${birthdays.map((b) => b.name).join(', ')})`;
  return `${capitalise(whenOf(date, daysUntil))}: ${who} · Kith`;
}

/** The headers that let a mail client offer its own "Unsubscribe" button (RFC 2369, RFC 8058). */
export function birthdayReminderHeaders({ oneClickUrl }: BirthdayReminderProps): Record<string, string> {
  return { 'List-Unsubscribe': `<${oneClickUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

export function BirthdayReminder(props: BirthdayReminderProps) {
  const { name, date, daysUntil, birthdays, unsubscribeUrl, settingsUrl } = props;
  const when = whenOf(date, daysUntil);
  const heading = birthdays.length === 1 ? `A birthday ${when}` : `${birthdays.length} birthdays ${when}`;
  return (
    <Layout preview={birthdayReminderSubject(props)} heading={capitalise(heading)}>
      <Greeting name={name} />
      <Paragraph>
        {daysUntil === 0 ? 'Today' : `On ${longDate(date)}`}, {birthdays.length === 1 ? 'it is the birthday of' : 'these contacts have their birthday'}:
      </Paragraph>
      <Section style={list}>
        {birthdays.map((birthday, index) => (
          <Text key={index} style={item}>
            • <strong>{birthday.name}</strong>
            {birthday.turning === null ? '' : ` turns ${birthday.turning}`}
          </Text>
        ))}
      </Section>
      <Paragraph muted>
        You get this email because birthday reminders are on in your Kith profile. Change when they come there:{' '}
        <Link href={settingsUrl} style={link}>
          {settingsUrl}
        </Link>
      </Paragraph>
      <Paragraph muted>
        To stop these emails, turn reminders off (no sign-in needed):{' '}
        <Link href={unsubscribeUrl} style={link}>
          {unsubscribeUrl}
        </Link>
      </Paragraph>
    </Layout>
  );
}

function whenOf(date: string, daysUntil: number): string {
  if (daysUntil === 0) return 'today';
  if (daysUntil === 1) return `tomorrow, ${longDate(date)}`;
  return `in ${daysUntil} days, on ${longDate(date)}`;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

// The date is a calendar date, not an instant: formatted in UTC so no zone can move it to another day.
function longDate(date: string): string {
  const at = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(at.getTime())) return date;
  return new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(at);
}

const list: CSSProperties = { margin: '0 0 16px' };
const item: CSSProperties = { color: '#27272a', fontSize: '15px', lineHeight: '24px', margin: '0 0 4px' };
const link: CSSProperties = { color: '#4f46e5', wordBreak: 'break-all' };
