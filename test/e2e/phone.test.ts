import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, createContact, registerVerified } from './api.js';
import { launchBrowser, openPage, PHONE, screenshot, type TestPage } from './browser.js';
import { type RunningKith, startKith } from './kith.js';
import { daysFromToday, expectHeading, expectNoProblems, fitsWidth, signIn } from './ui.js';

const pad = (n: number) => String(n).padStart(2, '0');

// The main pages on a 360 × 740 phone screen: everything fits the width and stays usable.
describe('on a phone-sized screen, in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;
  let tab: TestPage;
  let page: Page;
  let firstId = '';

  beforeAll(async () => {
    [kith, browser] = await Promise.all([startKith(), launchBrowser()]);
    const account = await registerVerified(kith);
    const token = await accessTokenFor(kith, account);
    const soon = daysFromToday(2);
    const first = await createContact(kith, token, {
      firstName: 'Bartholomew',
      lastName: 'Featherstonehaugh-Wolfeschlegelsteinhausen',
      email: 'bartholomew.featherstonehaugh@a-rather-long-domain-name.example.com',
      phone: '+44 20 7946 0958',
      birthday: `1984-${pad(soon.month)}-${pad(soon.day)}`,
      notes: 'Prefers tea. Lives next to the old lighthouse; visit in spring when the ferry runs again.',
    });
    firstId = first.id;
    await createContact(kith, token, {
      firstName: 'Chen',
      lastName: 'Wei',
      birthday: `--${pad(soon.month)}-${pad(soon.day)}`,
    });
    await createContact(kith, token, { firstName: 'Dara', email: 'dara@example.com' });
    tab = await openPage(browser, kith.url, PHONE);
    page = tab.page;
    await page.goto('/sign-in');
    await expectHeading(page, 'Sign in');
    await screenshot(page, 'phone-sign-in');
    expect(await fitsWidth(page, PHONE.width)).toBe(true);
    await signIn(page, account);
  });
  afterAll(async () => {
    await browser?.close();
    await kith?.close();
  });

  const visit = async (path: string, heading: string | RegExp, name: string) => {
    await page.goto(path);
    await expectHeading(page, heading);
    // Every section done loading: a page such as the profile has several, loading side by side.
    await expect.poll(() => page.getByRole('status').filter({ hasText: /Loading/ }).count(), { timeout: 15_000 }).toBe(0);
    await screenshot(page, `phone-${name}`);
    expect(await fitsWidth(page, PHONE.width), `${path} is wider than the screen`).toBe(true);
    // Navigation and sign-out stay within reach on every page.
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);
  };

  it('shows the contact list', async () => {
    await visit('/contacts', 'Contacts', 'contacts');
    await page.getByText('3 contacts').waitFor();
  });

  it('shows a contact with long details', async () => {
    await visit(`/contacts/${firstId}`, /Bartholomew/, 'contact-detail');
  });

  it('shows the contact form, with its errors', async () => {
    await visit('/contacts/new', 'New contact', 'contact-form');
    await page.getByRole('button', { name: 'Save contact' }).click();
    await page.getByText('Enter a first name').waitFor();
    await page.getByLabel('Day', { exact: true }).fill('31');
    await page.getByLabel('Month', { exact: true }).selectOption({ label: 'February' });
    await page.getByRole('button', { name: 'Save contact' }).click();
    await page.getByText('February has no day 31.').waitFor();
    await screenshot(page, 'phone-contact-form-errors');
    expect(await fitsWidth(page, PHONE.width)).toBe(true);
  });

  it('shows upcoming birthdays', async () => {
    await visit('/birthdays', 'Upcoming birthdays', 'birthdays');
    await page.getByText('Turns').waitFor();
  });

  it('shows the profile', async () => {
    await visit('/profile', 'Profile', 'profile');
    expectNoProblems(tab.problems);
  });
});
