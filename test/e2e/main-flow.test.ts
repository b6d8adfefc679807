import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person } from './api.js';
import { launchBrowser, openPage, screenshot, type TestPage } from './browser.js';
import { linkMailedTo, type RunningKith, startKith } from './kith.js';
import { addContact, daysFromToday, expectHeading, expectNoProblems, fillContactForm } from './ui.js';

// One person's whole story, in order: each step starts where the previous one left the browser.
describe('the main flow, in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;
  let tab: TestPage;
  let page: Page;
  const ada = person('Ada Byron');
  const newPassword = 'quiet orchard compass 7';
  const finalPassword = 'silver tide meadow 42';
  const soon = daysFromToday(3);

  beforeAll(async () => {
    [kith, browser] = await Promise.all([startKith(), launchBrowser()]);
    tab = await openPage(browser, kith.url);
    page = tab.page;
  });
  afterAll(async () => {
    await browser?.close();
    await kith?.close();
  });

  it('signs up and is asked to check their email', async () => {
    await page.goto('/');
    await expectHeading(page, 'Sign in');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await expectHeading(page, 'Create your account');
    // The API's own schema speaks before anything is sent.
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Enter a valid email address').waitFor();
    await page.getByLabel('Your name').fill(ada.name);
    await page.getByLabel('Email').fill(ada.email);
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Password', { exact: true }).blur();
    await page.getByText('Use at least 8 characters').waitFor();
    await page.getByLabel('Password', { exact: true }).fill(ada.password);
    await screenshot(page, 'sign-up');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expectHeading(page, 'Check your email');
    await page.getByText(ada.email).waitFor();
    await screenshot(page, 'check-email');
  });

  it('follows the link from the email and signs in', async () => {
    const link = await linkMailedTo(kith.smtp!, ada.email, '/verify-email');
    expect(link.startsWith(`${kith.url}/verify-email?token=`)).toBe(true);
    await page.goto(link);
    await expectHeading(page, 'Email confirmed');
    await screenshot(page, 'verify-email');
    await page.getByRole('link', { name: 'Sign in' }).click();
    await expectHeading(page, 'Sign in');
    expect(await page.getByLabel('Email').inputValue()).toBe(ada.email);
    await page.getByLabel('Password', { exact: true }).fill(ada.password);
    await screenshot(page, 'sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectHeading(page, 'Contacts');
    await page.getByText('No contacts yet.').waitFor();
  });

  it('creates three contacts, with inline validation on the way', async () => {
    await page.getByRole('link', { name: 'New contact' }).click();
    await expectHeading(page, 'New contact');
    await page.getByRole('button', { name: 'Save contact' }).click();
    await page.getByText('Enter a first name').waitFor();
    // Focus goes to the field that needs attention.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('firstName');
    await fillContactForm(page, { firstName: 'Ada', email: 'not-an-email' });
    await page.getByLabel('Email', { exact: true }).blur();
    await page.getByText('Enter a valid email address').waitFor();
    await screenshot(page, 'contact-form-errors');
    // What only the server can judge (a local number needs the person's region) lands beside its field too.
    await fillContactForm(page, { email: '', phone: '050 123 4567' });
    await page.getByRole('button', { name: 'Save contact' }).click();
    const phone = page.getByLabel('Phone', { exact: true });
    await page.locator(`#${await phone.getAttribute('id')}-error`).getByText('Add the country code').waitFor();
    expect(await phone.getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('link', { name: 'Cancel' }).click();

    await addContact(page, {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'Ada@Example.com',
      phone: '+44 20 7946 0958',
      birthday: { day: soon.day, month: soon.month, year: 1990 },
      notes: 'Met at the Analytical Society',
    });
    await page.getByRole('link', { name: 'ada@example.com' }).waitFor();
    expect(await page.getByRole('link', { name: '+44 20 7946 0958' }).getAttribute('href')).toBe('tel:+442079460958');
    await screenshot(page, 'contact-detail');
    await addContact(page, {
      firstName: 'Grace',
      lastName: 'Hopper',
      phone: '+1 212 555 0100',
      birthday: { day: soon.day, month: soon.month },
    });
    await addContact(page, { firstName: 'Alan', lastName: 'Turing', email: 'alan@example.com' });

    await page.getByRole('link', { name: 'Contacts', exact: true }).click();
    await page.getByText('3 contacts').waitFor();
    expect(await page.locator('.contact-name').allInnerTexts()).toEqual([
      'Ada Lovelace',
      'Alan Turing',
      'Grace Hopper',
    ]);
    await screenshot(page, 'contacts');
  });

  it('searches as they type, forgiving a typo', async () => {
    const search = page.getByLabel('Search');
    await search.pressSequentially('lovel', { delay: 40 });
    await page.getByText('1 contact found for “lovel”').waitFor();
    expect(await page.locator('.contact-name').allInnerTexts()).toEqual(['Ada Lovelace']);
    expect(new URL(page.url()).searchParams.get('q')).toBe('lovel');
    await screenshot(page, 'contacts-search');
    await search.fill('Huring');
    await page.getByText('found for “Huring”').waitFor();
    expect(await page.locator('.contact-name').allInnerTexts()).toEqual(['Alan Turing']);
    await search.fill('');
    await page.getByText('3 contacts').waitFor();
    await page.getByLabel('Sort by').selectOption({ label: 'Last name, Z–A' });
    await page.waitForURL(/sort=-lastName/);
    await expect
      .poll(() => page.locator('.contact-name').allInnerTexts())
      .toEqual(['Alan Turing', 'Ada Lovelace', 'Grace Hopper']);
  });

  it('edits a contact', async () => {
    await page.getByRole('link', { name: /Ada Lovelace/ }).click();
    await expectHeading(page, 'Ada Lovelace');
    await page.getByRole('link', { name: 'Edit' }).click();
    await expectHeading(page, 'Edit Ada Lovelace');
    await fillContactForm(page, { lastName: 'King', notes: 'Countess of Lovelace' });
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expectHeading(page, 'Ada King');
    await page.getByText('Changes saved.').waitFor();
    await page.getByText('Countess of Lovelace').waitFor();
  });

  it('sees upcoming birthdays with ages', async () => {
    await page.getByRole('link', { name: 'Birthdays' }).click();
    await expectHeading(page, 'Upcoming birthdays');
    await page.getByLabel('Show').selectOption({ label: 'Next 7 days' });
    const rows = page.locator('.birthday');
    await expect.poll(() => rows.count()).toBe(2);
    const ada = rows.filter({ hasText: 'Ada King' });
    await ada.getByText('In 3 days').waitFor();
    await ada.getByText(`Turns ${soon.year - 1990}`).waitFor();
    await rows.filter({ hasText: 'Grace Hopper' }).getByText('Age unknown').waitFor();
    await screenshot(page, 'birthdays');
  });

  it('uploads an avatar, with a preview and progress, and sees it', async () => {
    await page.getByRole('link', { name: 'Profile' }).click();
    await expectHeading(page, 'Profile');
    // A noisy picture compresses badly: big enough (about a megabyte) to watch the progress bar.
    const png = await sharp({
      create: {
        width: 640,
        height: 640,
        channels: 3,
        background: '#2f6f62',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .png()
      .toBuffer();
    await page.getByLabel(/Choose a picture/).setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
    const preview = page.getByRole('img', { name: 'Preview of the new picture' });
    await preview.waitFor();
    expect(await preview.getAttribute('src')).toMatch(/^blob:/);

    const cdp = await tab.context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 400 * 1024,
    });
    await page.getByRole('button', { name: 'Upload picture' }).click();
    await page.getByRole('progressbar', { name: 'Upload progress' }).waitFor();
    await screenshot(page, 'profile-uploading');
    await page.getByText('Your new picture is saved.').waitFor({ timeout: 30_000 });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });

    const current = page.getByRole('img', { name: 'Your current picture' });
    expect(await current.getAttribute('src')).not.toMatch(/initials/);
    await expect
      .poll(() => current.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
      .toBe(true);
    // The header shows it too.
    await expect
      .poll(() =>
        page.locator('.user-badge img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
      )
      .toBe(true);
    await screenshot(page, 'profile');

    await page.getByLabel('Region').selectOption({ label: 'Ukraine' });
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Saved.', { exact: true }).waitFor();
  });

  it('changes the password, signs out, and resets it from the emailed link', async () => {
    await page.getByLabel('Current password').fill(ada.password);
    await page.getByLabel('New password').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expectHeading(page, 'Sign in');
    await page.getByText('You have signed out.').waitFor();

    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await expectHeading(page, 'Reset your password');
    await page.getByLabel('Email').fill(ada.email);
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByText('a link to reset its password is on its way').waitFor();
    await screenshot(page, 'forgot-password');

    await page.goto(await linkMailedTo(kith.smtp!, ada.email, '/reset-password'));
    await expectHeading(page, 'Choose a new password');
    await page.getByLabel('New password').fill(finalPassword);
    await screenshot(page, 'reset-password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expectHeading(page, 'Sign in');
    await page.getByText('Your password has been changed.').waitFor();

    await page.getByLabel('Email').fill(ada.email);
    await page.getByLabel('Password', { exact: true }).fill(finalPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectHeading(page, 'Contacts');
    await page.getByText('3 contacts').waitFor();
    expectNoProblems(tab.problems);
  });
});
