import { readFile } from 'node:fs/promises';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, createContact, registerVerified } from './api.js';
import { launchBrowser, openPage, PHONE, screenshot } from './browser.js';
import { type RunningKith, startKith } from './kith.js';
import { expectHeading, expectNoProblems, fitsWidth, signIn } from './ui.js';

const leaving = (page: Page) => page.getByRole('region', { name: 'Leaving Kith' });

async function openSecurity(page: Page): Promise<void> {
  await page.goto('/security');
  await expectHeading(page, 'Sign-in & security');
  await page.getByRole('heading', { name: 'Leaving Kith', level: 2 }).waitFor();
}

describe('downloading the data and deleting the account in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;

  beforeAll(async () => {
    [kith, browser] = await Promise.all([startKith(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await kith?.close();
  });

  it('downloads everything as JSON, then deletes the account after a warning and a confirm, and says goodbye', async () => {
    const account = await registerVerified(kith);
    const token = await accessTokenFor(kith, account);
    await createContact(kith, token, { firstName: 'Katherine', lastName: 'Johnson' });
    const { page, problems } = await openPage(browser, kith.url);
    await signIn(page, account);
    await openSecurity(page);
    const section = leaving(page);
    await section.getByText('This can’t be undone.').waitFor();
    await screenshot(page, 'delete-account-section');

    // Download first, as the page suggests.
    const started = page.waitForEvent('download');
    await section.getByRole('button', { name: 'Download all my data' }).click();
    const file = await started;
    expect(file.suggestedFilename()).toMatch(/^kith-account-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(await readFile(await file.path(), 'utf8'));
    expect(data.account.email).toBe(account.email);
    expect(data.contacts.map((c: { firstName: string }) => c.firstName)).toEqual(['Katherine']);

    // A wrong password: the confirm dialog closes, the form says why, the account stays.
    const password = section.getByLabel('Your password');
    await password.fill('not my password');
    await section.getByRole('button', { name: 'Delete account…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete your Kith account?' });
    await dialog.waitFor();
    // The safe choice has the focus.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await dialog.getByRole('button', { name: 'Delete my account' }).click();
    await section.getByRole('alert').filter({ hasText: 'The password is not correct' }).waitFor();
    await dialog.waitFor({ state: 'hidden' });

    // Escape cancels the dialog; nothing happens.
    await password.fill(account.password);
    await password.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // For real, by keyboard: Enter in the password, Tab to the delete button, Enter.
    await password.press('Enter');
    await dialog.waitFor();
    await screenshot(page, 'delete-account-confirm');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Your account was deleted');
    await page.getByRole('status').filter({ hasText: account.email }).waitFor();
    await screenshot(page, 'delete-account-goodbye');

    // Signed out for real: a reload of a signed-in page lands on sign-in, and the account can't sign in.
    await page.goto('/contacts');
    await expectHeading(page, 'Sign in');
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The email or password is not correct' }).waitFor();

    const goodbye = await kith.smtp!.waitFor((m) => m.to === account.email && m.subject === 'Your Kith account was deleted', 15_000);
    expect(goodbye.text).toMatch(/gone for good/);
    expectNoProblems(problems);
  });

  it('fits a 360 px phone, and the address can sign up again', async () => {
    const account = await registerVerified(kith);
    const { page, problems } = await openPage(browser, kith.url, PHONE);
    await signIn(page, account);
    await openSecurity(page);
    const section = leaving(page);
    await section.scrollIntoViewIfNeeded();
    expect(await fitsWidth(page, PHONE.width)).toBe(true);
    await screenshot(page, 'delete-account-section-phone');
    // Without two-step sign-in, no code field.
    expect(await section.getByLabel('Code from your authenticator app, or a recovery code').count()).toBe(0);

    await section.getByLabel('Your password').fill(account.password);
    await section.getByRole('button', { name: 'Delete account…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete your Kith account?' });
    await dialog.waitFor();
    expect(await fitsWidth(page, PHONE.width)).toBe(true);
    await screenshot(page, 'delete-account-confirm-phone');
    await dialog.getByRole('button', { name: 'Delete my account' }).click();
    await expectHeading(page, 'Your account was deleted');
    expect(await fitsWidth(page, PHONE.width)).toBe(true);
    await screenshot(page, 'delete-account-goodbye-phone');

    await page.getByRole('link', { name: 'Sign up' }).click();
    await expectHeading(page, 'Create your account');
    expectNoProblems(problems);
  });

  it('with two-step sign-in on, asks for a code (here a recovery code) as well', async () => {
    const account = await registerVerified(kith);
    const token = await accessTokenFor(kith, account);
    const codeFor = (secret: string, offsetMs = 0) =>
      TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: Date.now() + offsetMs });
    const post = (path: string, body: unknown) =>
      fetch(`${kith.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const { secret } = (await (await post('/api/users/me/two-factor/setup', { password: account.password })).json()) as { secret: string };
    const enabled = await post('/api/users/me/two-factor/enable', { code: codeFor(secret) });
    expect(enabled.status).toBe(200);
    const { recoveryCodes } = (await enabled.json()) as { recoveryCodes: string[] };

    const { page, problems } = await openPage(browser, kith.url);
    // Signing in takes the code now too.
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Two-step sign-in' }).waitFor();
    // The step after the one that turned it on (each step's code counts once).
    await page.getByLabel('Code from your authenticator app').fill(codeFor(secret, 30_000));
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Contacts');
    await openSecurity(page);
    const section = leaving(page);
    const code = section.getByLabel('Code from your authenticator app, or a recovery code');
    await section.getByLabel('Your password').fill(account.password);
    // Left empty: said beside the field, before any dialog.
    await section.getByRole('button', { name: 'Delete account…' }).click();
    await section.locator('.field-error').filter({ hasText: 'Enter the code from your authenticator app' }).waitFor();
    expect(await page.getByRole('dialog', { name: 'Delete your Kith account?' }).isVisible()).toBe(false);
    await screenshot(page, 'delete-account-two-factor');

    // A recovery code does too (the app's next code would be two steps ahead of the clock here).
    await code.fill(recoveryCodes[0]!);
    await code.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Delete your Kith account?' });
    await dialog.getByRole('button', { name: 'Delete my account' }).click();
    await expectHeading(page, 'Your account was deleted');
    expectNoProblems(problems);
  });
});
