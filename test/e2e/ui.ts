import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Waits for the page's <h1> to read `text` (pages change without a full load). */
export async function expectHeading(page: Page, text: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: text }).waitFor();
}

export async function signIn(page: Page, account: { email: string; password: string }): Promise<void> {
  await page.goto('/sign-in');
  await expectHeading(page, 'Sign in');
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectHeading(page, 'Contacts');
}

export interface ContactFields {
  firstName: string;
  lastName?: string;
  email?: string;
  phone?: string;
  birthday?: { day: number; month: number; year?: number };
  notes?: string;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Fills the contact form (create or edit); fields left undefined are not touched. */
export async function fillContactForm(page: Page, contact: Partial<ContactFields>): Promise<void> {
  if (contact.firstName !== undefined) await page.getByLabel('First name').fill(contact.firstName);
  if (contact.lastName !== undefined) await page.getByLabel('Last name').fill(contact.lastName);
  // The first row of each list; every row has its own "Label for ..." and "Remove ..." beside it.
  if (contact.email !== undefined) await page.getByLabel('Email', { exact: true }).fill(contact.email);
  if (contact.phone !== undefined) await page.getByLabel('Phone', { exact: true }).fill(contact.phone);
  if (contact.birthday) {
    await page.getByLabel('Day', { exact: true }).fill(String(contact.birthday.day));
    await page.getByLabel('Month', { exact: true }).selectOption({ label: MONTHS[contact.birthday.month - 1]! });
    await page.getByLabel('Year', { exact: true }).fill(contact.birthday.year ? String(contact.birthday.year) : '');
  }
  if (contact.notes !== undefined) await page.getByLabel('Notes').fill(contact.notes);
}

export async function addContact(page: Page, contact: ContactFields): Promise<void> {
  await page.getByRole('link', { name: 'Contacts', exact: true }).click();
  await expectHeading(page, 'Contacts');
  await page.getByRole('link', { name: 'New contact' }).click();
  await expectHeading(page, 'New contact');
  await fillContactForm(page, contact);
  await page.getByRole('button', { name: 'Save contact' }).click();
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
  await expectHeading(page, name);
  await page.getByText(`${name} was added.`).waitFor();
}

/** The visible text of the role=alert elements on the page. */
export async function alerts(page: Page): Promise<string[]> {
  return page.getByRole('alert').allInnerTexts();
}

/**
 * True when nothing on the page is wider than `width` (no sideways scrolling on a phone). A mobile
 * browser widens its layout to fit wide content, so the page is measured, not the window.
 */
export async function fitsWidth(page: Page, width: number): Promise<boolean> {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  return scrollWidth <= width;
}

export function expectNoProblems(problems: string[]): void {
  expect(problems, 'uncaught errors or CSP violations in the page').toEqual([]);
}

/** A calendar date `days` from today (UTC, the new account's time zone). */
export function daysFromToday(days: number): { day: number; month: number; year: number } {
  const date = new Date(Date.now() + days * 86_400_000);
  return { day: date.getUTCDate(), month: date.getUTCMonth() + 1, year: date.getUTCFullYear() };
}
