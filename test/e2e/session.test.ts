import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, changePassword, createContact, person, registerVerified } from './api.js';
import { launchBrowser, openPage, screenshot } from './browser.js';
import { type RunningKith, startKith } from './kith.js';
import { alerts, expectHeading, expectNoProblems, signIn } from './ui.js';

describe('sessions and errors, in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;

  beforeAll(async () => {
    [kith, browser] = await Promise.all([startKith(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await kith?.close();
  });

  it('shows why sign-in failed: a wrong password, an unconfirmed address', async () => {
    const account = await registerVerified(kith);
    const { page, problems } = await openPage(browser, kith.url);
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password', { exact: true }).fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The email or password is not correct').waitFor();
    expect(await alerts(page)).toContain('The email or password is not correct');
    await expectHeading(page, 'Sign in');
    await screenshot(page, 'sign-in-wrong-password');

    // Registered but never confirmed: the page says so and offers a new link.
    const unconfirmed = person('Una Confirmed');
    const registered = await fetch(`${kith.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(unconfirmed),
    });
    expect(registered.status).toBe(201);
    await page.getByLabel('Email').fill(unconfirmed.email);
    await page.getByLabel('Password', { exact: true }).fill(unconfirmed.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Need a new confirmation link?' }).waitFor();
    await page.getByRole('button', { name: 'Send a new link' }).click();
    await page.getByText('a new link is on its way').waitFor();
    expectNoProblems(problems);
  });

  it('keeps the session across a reload, with no token stored in the page', async () => {
    const account = await registerVerified(kith);
    const { page, context, problems } = await openPage(browser, kith.url);
    await signIn(page, account);
    await page.getByRole('link', { name: 'Birthdays' }).click();
    await expectHeading(page, 'Upcoming birthdays');
    await page.reload();
    await expectHeading(page, 'Upcoming birthdays');
    await page.getByText('No birthdays in this window.').waitFor();

    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(stored).not.toMatch(/eyJ/); // no JWT anywhere in web storage
    const cookies = await context.cookies();
    expect(cookies.map((c) => c.name)).toEqual(['kith_refresh']);
    expect(cookies[0]).toMatchObject({ httpOnly: true, path: '/api/auth', sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expectNoProblems(problems);
  });

  it('explains links that no longer work, and unknown pages', async () => {
    const { page, problems } = await openPage(browser, kith.url);
    await page.goto('/verify-email?token=used-or-made-up');
    await expectHeading(page, "This link doesn't work");
    await page.getByText('The link has expired or was already used.').waitFor();
    await page.getByRole('heading', { name: 'Get a new link' }).waitFor();
    await page.getByRole('button', { name: 'Send a new link' }).waitFor();
    await screenshot(page, 'verify-email-expired');

    await page.goto('/reset-password?token=used-or-made-up');
    await expectHeading(page, 'Choose a new password');
    await page.getByLabel('New password').fill('a perfectly fine passphrase');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expectHeading(page, "This link doesn't work");
    await page.getByRole('link', { name: 'Get a new link' }).click();
    await expectHeading(page, 'Reset your password');

    await page.goto('/no/such/page');
    await expectHeading(page, 'Page not found');
    expectNoProblems(problems);
  });

  it('sends someone whose session was revoked to sign-in, with a message', async () => {
    const account = await registerVerified(kith);
    const { page, problems } = await openPage(browser, kith.url);
    await signIn(page, account);
    // Elsewhere, the password is changed: every other session, this browser's included, ends.
    await changePassword(kith, await accessTokenFor(kith, account), account.password, 'another long passphrase 9');
    await page.getByRole('link', { name: 'Birthdays' }).click();
    await expectHeading(page, 'Sign in');
    await page.getByText('Your session has ended. Please sign in again.').waitFor();
    await screenshot(page, 'session-ended');
    // ...and back where they were going once they sign in again.
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password', { exact: true }).fill('another long passphrase 9');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectHeading(page, 'Upcoming birthdays');
    expectNoProblems(problems);
  });

  it('shows the limit when the 101st contact is added', async () => {
    const account = await registerVerified(kith);
    const token = await accessTokenFor(kith, account);
    for (let i = 1; i <= 100; i += 1) {
      await createContact(kith, token, { firstName: `Person ${String(i).padStart(3, '0')}` });
    }
    const { page, problems } = await openPage(browser, kith.url);
    await signIn(page, account);
    await page.getByText('You have 100 contacts, the most Kith keeps').waitFor();
    await page.getByText('1–20 of 100').waitFor();
    await page.getByRole('button', { name: 'Next →' }).click();
    await page.getByText('21–40 of 100').waitFor();
    expect(new URL(page.url()).searchParams.get('page')).toBe('2');
    expect(await page.locator('.contact-name').first().innerText()).toBe('Person 021');

    await page.getByRole('link', { name: 'New contact' }).click();
    await page.getByLabel('First name').fill('One Too Many');
    await page.getByRole('button', { name: 'Save contact' }).click();
    await page.getByText('You can keep at most 100 contacts').waitFor();
    await expectHeading(page, 'New contact');
    await screenshot(page, 'contact-limit');
    expectNoProblems(problems);
  });

  it('works with the keyboard alone: sign in, add a contact, delete it through the confirm dialog', async () => {
    const account = await registerVerified(kith);
    const { page, problems } = await openPage(browser, kith.url);
    await page.goto('/sign-in');
    await expectHeading(page, 'Sign in');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter'); // skip the header
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sign-in-email');
    await page.keyboard.type(account.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(account.password);
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Contacts');

    // Focus moved to the heading; the next stop is the page's main action.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('New contact');
    await page.keyboard.press('Enter');
    await expectHeading(page, 'New contact');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Keyboard');
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Keyboard');

    const deleteButton = page.getByRole('button', { name: 'Delete' });
    await deleteButton.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Delete Keyboard?' });
    await dialog.waitFor();
    // The safe choice has the focus; Escape backs out.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await screenshot(page, 'delete-confirm');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await deleteButton.focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Contacts');
    await page.getByText('Keyboard was moved to the trash.').waitFor();
    await page.getByText('No contacts yet.').waitFor();
    expectNoProblems(problems);
  });
});

describe('a short-lived access token, in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;

  beforeAll(async () => {
    [kith, browser] = await Promise.all([startKith({ env: { ACCESS_TOKEN_TTL_SECONDS: '4' } }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await kith?.close();
  });

  it('is refreshed silently before it expires', async () => {
    const account = await registerVerified(kith);
    const { page, problems } = await openPage(browser, kith.url);
    await signIn(page, account);
    const unauthorized: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 401) unauthorized.push(response.url());
    });
    // Nobody touches the page, yet the session renews itself (at three quarters of the 4 s lifetime)...
    for (let round = 0; round < 2; round += 1) {
      const refresh = await page.waitForResponse((r) => r.url().endsWith('/api/auth/refresh'), { timeout: 8000 });
      expect(refresh.status()).toBe(200);
    }
    // ...so a request long after the first token expired just works, without a single 401 on the way.
    await page.getByRole('link', { name: 'Birthdays' }).click();
    await page.getByText('No birthdays in this window.').waitFor();
    expect(unauthorized).toEqual([]);
    expectNoProblems(problems);
  });
});

describe('two tabs, in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;

  beforeAll(async () => {
    [kith, browser] = await Promise.all([
      startKith({
        // The new cookie reaches the browser well after the old token is spent: a second tab that
        // didn't wait its turn would present the spent token meanwhile.
        configure: (app) =>
          app.addHook('onSend', async (request) => {
            if (request.url === '/api/auth/refresh') await new Promise((resolve) => setTimeout(resolve, 700));
          }),
      }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await kith?.close();
  });

  it('keeps two tabs signed in when both reload at once, and signs both out together', async () => {
    const account = await registerVerified(kith);
    const { page, context, problems } = await openPage(browser, kith.url);
    await signIn(page, account);
    const other = await context.newPage();
    await other.goto('/birthdays');
    await expectHeading(other, 'Upcoming birthdays');
    // Both tabs want to trade the refresh cookie at once. The server treats a spent refresh token as
    // stolen and ends the session, so the tabs must take turns (Web Locks) for both to stay signed in.
    await Promise.all([page.reload(), other.reload()]);
    await expectHeading(page, 'Contacts');
    await expectHeading(other, 'Upcoming birthdays');
    await other.getByRole('link', { name: 'Profile' }).click();
    await expectHeading(other, 'Profile');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expectHeading(page, 'Sign in');
    await expectHeading(other, 'Sign in');
    await other.getByText('You signed out in another tab.').waitFor();
    expectNoProblems(problems);
  });
});
