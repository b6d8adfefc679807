import { createBrowserRouter, Navigate } from 'react-router';
import { RequireAuth, SignedOutOnly } from './auth/route-guards.js';
import { AppShell, PublicShell } from './components/app-shell.js';
import { RootLayout } from './components/route-focus.js';
import { BirthdaysPage } from './pages/birthdays.page.js';
import { CheckEmailPage } from './pages/check-email.page.js';
import { ConfirmEmailPage } from './pages/confirm-email.page.js';
import { ContactDetailPage } from './pages/contact-detail.page.js';
import { ContactEditPage } from './pages/contact-edit.page.js';
import { ContactNewPage } from './pages/contact-new.page.js';
import { ContactsListPage } from './pages/contacts-list.page.js';
import { DuplicatesPage } from './pages/duplicates.page.js';
import { ForgotPasswordPage } from './pages/forgot-password.page.js';
import { GoodbyePage } from './pages/goodbye.page.js';
import { ImportPage } from './pages/import.page.js';
import { MailboxPage } from './pages/mailbox.page.js';
import { MergePage } from './pages/merge.page.js';
import { NotFoundPage } from './pages/not-found.page.js';
import { ProfilePage } from './pages/profile.page.js';
import { SecurityPage } from './pages/security.page.js';
import { ResetPasswordPage } from './pages/reset-password.page.js';
import { SignInPage } from './pages/sign-in.page.js';
import { SignUpPage } from './pages/sign-up.page.js';
import { TrashPage } from './pages/trash.page.js';
import { UnsubscribePage } from './pages/unsubscribe.page.js';
import { VerifyEmailPage } from './pages/verify-email.page.js';

// The emailed links point at /verify-email and /reset-password: those paths are part of the API contract.
export const router = createBrowserRouter([
  {
    element: <RootLayout />,
    children: [
      {
        element: <RequireAuth />,
        children: [
          {
            element: <AppShell />,
            children: [
              { path: '/', element: <Navigate to="/contacts" replace /> },
              { path: '/contacts', element: <ContactsListPage /> },
              { path: '/contacts/new', element: <ContactNewPage /> },
              { path: '/contacts/import', element: <ImportPage /> },
              { path: '/duplicates', element: <DuplicatesPage /> },
              { path: '/duplicates/merge', element: <MergePage /> },
              { path: '/contacts/:id', element: <ContactDetailPage /> },
              { path: '/contacts/:id/edit', element: <ContactEditPage /> },
              { path: '/birthdays', element: <BirthdaysPage /> },
              { path: '/trash', element: <TrashPage /> },
              { path: '/profile', element: <ProfilePage /> },
              { path: '/security', element: <SecurityPage /> },
            ],
          },
        ],
      },
      {
        element: <PublicShell />,
        children: [
          {
            element: <SignedOutOnly />,
            children: [
              { path: '/sign-in', element: <SignInPage /> },
              { path: '/sign-up', element: <SignUpPage /> },
            ],
          },
          { path: '/check-email', element: <CheckEmailPage /> },
          { path: '/verify-email', element: <VerifyEmailPage /> },
          // The link mailed to a new address (POST /api/users/me/email); signed in or out.
          { path: '/confirm-email', element: <ConfirmEmailPage /> },
          // After deleting the account.
          { path: '/goodbye', element: <GoodbyePage /> },
          { path: '/forgot-password', element: <ForgotPasswordPage /> },
          { path: '/reset-password', element: <ResetPasswordPage /> },
          // The link in every birthday reminder email; it needs no sign-in.
          { path: '/reminders/unsubscribe', element: <UnsubscribePage /> },
          { path: '/dev/mailbox', element: <MailboxPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
