import type { AppPasswordCreatedProps } from './app-password-created.js';
import type { AccountDeletedProps } from './account-deleted.js';
import type { BirthdayReminderProps } from './birthday-reminder.js';
import type { NewSignInProps } from './new-sign-in.js';
import type { EmailChangeProps } from './email-change.js';
import type { EmailChangedProps } from './email-changed.js';
import type { TwoFactorChangedProps } from './two-factor-changed.js';

export type MailTemplate =
  | { template: 'verify-email'; props: { name: string; link: string } }
  | { template: 'reset-password'; props: { name: string; link: string; expiresInMinutes: number } }
  | { template: 'password-changed'; props: { name: string; changedAt: string } }
  | { template: 'email-change'; props: EmailChangeProps }
  | { template: 'email-changed'; props: EmailChangedProps }
  | { template: 'account-deleted'; props: AccountDeletedProps }
  | { template: 'birthday-reminder'; props: BirthdayReminderProps }
  | { template: 'two-factor-changed'; props: TwoFactorChangedProps }
  | { template: 'new-sign-in'; props: NewSignInProps }
  | { template: 'app-password-created'; props: AppPasswordCreatedProps };

export type MailTemplateName = MailTemplate['template'];

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
  /** Extra header fields, e.g. List-Unsubscribe. */
  headers?: Record<string, string>;
}

const templateNames: ReadonlySet<string> = new Set<MailTemplateName>([
  'verify-email',
  'reset-password',
  'password-changed',
  'email-change',
  'email-changed',
  'account-deleted',
  'birthday-reminder',
  'two-factor-changed',
  'new-sign-in',
  'app-password-created',
]);

export function isMailTemplateName(name: string): name is MailTemplateName {
  return templateNames.has(name);
}

/**
 * Renders one email as HTML and as plain text (derived from the same markup, so they never drift).
 * The renderer and the templates are loaded on the first call.
 */
export async function renderMail(mail: MailTemplate): Promise<RenderedMail> {
  const { renderMail: render } = await import('./render-mail.js');
  return render(mail);
}
