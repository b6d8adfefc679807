import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { person } from './api.js';
import { launchBrowser, openPage, screenshot } from './browser.js';
import { type RunningKith, startKith } from './kith.js';
import { expectHeading, expectNoProblems } from './ui.js';

// Trying Kith without a mail server: the confirmation email waits in the development mailbox.
describe('the development mailbox, in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;

  beforeAll(async () => {
    [kith, browser] = await Promise.all([startKith({ mail: 'files' }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await kith?.close();
  });

  it('lets someone confirm their address from the mailbox page', async () => {
    const account = person('Mina Mailbox');
    const { page, problems } = await openPage(browser, kith.url);
    await page.goto('/sign-up');
    await page.getByLabel('Your name').fill(account.name);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expectHeading(page, 'Check your email');
    await page.getByRole('link', { name: 'Open the development mailbox' }).click();
    await expectHeading(page, 'Development mailbox');
    const message = page.locator('.mail').filter({ hasText: `to ${account.email}` });
    await message.waitFor();
    await screenshot(page, 'dev-mailbox');
    await message.getByRole('link', { name: 'Confirm email address' }).click();
    await expectHeading(page, 'Email confirmed');
    expectNoProblems(problems);
  });
});
