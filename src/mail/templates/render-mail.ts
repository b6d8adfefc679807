/**
 * Rendering the templates with React Email. Kept apart from index.ts and loaded on the first email
 * (see renderMail there): React and the renderer take about 12 MB of memory that an instance
 * sending no mail never needs. The templates import each component from its own package:
 * @react-email/components also loads Tailwind, a code highlighter and a Markdown parser, which
 * took the first email from +25 MB of RSS to +71 MB (measured rendering one, under tsx).
 */
import { render } from '@react-email/render';
import { createElement, type ReactElement } from 'react';
import { AppPasswordCreated, appPasswordCreatedSubject } from './app-password-created.js';
import { AccountDeleted, accountDeletedSubject } from './account-deleted.js';
import { BirthdayReminder, birthdayReminderHeaders, birthdayReminderSubject } from './birthday-reminder.js';
import { NewSignIn, newSignInSubject } from './new-sign-in.js';
import { EmailChange, emailChangeSubject } from './email-change.js';
import { EmailChanged, emailChangedSubject } from './email-changed.js';
import { PasswordChanged, passwordChangedSubject } from './password-changed.js';
import { ResetPassword, resetPasswordSubject } from './reset-password.js';
import { TwoFactorChanged, twoFactorChangedSubject } from './two-factor-changed.js';
import { VerifyEmail, verifyEmailSubject } from './verify-email.js';
import type { MailTemplate, RenderedMail } from './index.js';

/** Renders one email as HTML and as plain text (derived from the same markup, so they never drift). */
export async function renderMail(mail: MailTemplate): Promise<RenderedMail> {
  const { subject, element, headers } = compose(mail);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  // Blocks left out of the text part (button, preview) leave runs of blank lines behind.
  return { subject, html, text: text.replace(/\n{3,}/g, '\n\n').trim(), ...(headers ? { headers } : {}) };
}

function compose(mail: MailTemplate): { subject: string; element: ReactElement; headers?: Record<string, string> } {
  switch (mail.template) {
    case 'verify-email':
      return { subject: verifyEmailSubject, element: createElement(VerifyEmail, mail.props) };
    case 'reset-password':
      return { subject: resetPasswordSubject, element: createElement(ResetPassword, mail.props) };
    case 'password-changed':
      return { subject: passwordChangedSubject, element: createElement(PasswordChanged, mail.props) };
    case 'email-change':
      return { subject: emailChangeSubject, element: createElement(EmailChange, mail.props) };
    case 'email-changed':
      return { subject: emailChangedSubject, element: createElement(EmailChanged, mail.props) };
    case 'account-deleted':
      return { subject: accountDeletedSubject, element: createElement(AccountDeleted, mail.props) };
    case 'birthday-reminder':
      return {
        subject: birthdayReminderSubject(mail.props),
        element: createElement(BirthdayReminder, mail.props),
        headers: birthdayReminderHeaders(mail.props),
      };
    case 'two-factor-changed':
      return { subject: twoFactorChangedSubject(mail.props), element: createElement(TwoFactorChanged, mail.props) };
    case 'new-sign-in':
      return { subject: newSignInSubject, element: createElement(NewSignIn, mail.props) };
    case 'app-password-created':
      return { subject: appPasswordCreatedSubject, element: createElement(AppPasswordCreated, mail.props) };
    default: {
      // Unreachable for typed callers; outbox rows come from the database, where anything can be.
      const unknown: never = mail;
      throw new Error(`Unknown mail template: ${String((unknown as { template: unknown }).template)}`);
    }
  }
}
