import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerVerified } from './api.js';
import { launchBrowser, openPage, PHONE, screenshot } from './browser.js';
import { linkMailedTo, type RunningKith, startKith } from './kith.js';
import { expectHeading, expectNoProblems, fitsWidth, signIn } from './ui.js';

const emailSection = (page: Page) => page.getByRole('region', { name: 'Email address' });

async function openSecurity(page: Page): Promise<void> {
  await page.goto('/security');
  await expectHeading(page, 'Sign-in & security');
  await page.getByRole('heading', { name: 'Email address', level: 2 }).waitFor();
}

describe('changing the email address in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;

  beforeAll(async () => {
    [kith, browser] = await Promise.all([startKith(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await kith?.close();
  });

  it('sends a link to the new address, confirms it through the mailed link, and signs in with the new address', async () => {
    const account = await registerVerified(kith);
    const newEmail = `moved.${Date.now()}@example.org`;
    const { page, problems } = await openPage(browser, kith.url);
    await signIn(page, account);
    await openSecurity(page);
    const section = emailSection(page);
    await section.getByText(account.email).waitFor();

    // A wrong password first: said in the form, nothing sent.
    await section.getByLabel('New email address').fill(newEmail);
    await section.getByLabel('Your password').fill('not my password');
    await section.getByRole('button', { name: 'Send confirmation link' }).click();
    await section.getByRole('alert').filter({ hasText: 'The password is not correct' }).waitFor();

    // By keyboard: the password field, Enter submits.
    await section.getByLabel('Your password').fill('');
    await section.getByLabel('Your password').focus();
    await page.keyboard.type(account.password);
    await page.keyboard.press('Enter');
    await section.getByRole('status').filter({ hasText: 'Check your new inbox' }).waitFor();
    await section.getByText(`We sent a link to ${newEmail}`).waitFor();
    await screenshot(page, 'account-email-sent');

    // The link from the mail to the new address, opened in the same (signed-in) browser.
    const link = await linkMailedTo(kith.smtp!, newEmail, '/confirm-email');
    expect(link.startsWith(`${kith.url}/confirm-email?token=`)).toBe(true);
    await page.goto(link);
    await expectHeading(page, 'Email address changed');
    await page.getByRole('status').filter({ hasText: newEmail }).waitFor();
    await screenshot(page, 'account-email-confirmed');
    await page.getByRole('link', { name: 'Back to Sign-in & security' }).click();
    await expectHeading(page, 'Sign-in & security');
    await emailSection(page).getByText(newEmail, { exact: true }).waitFor();

    // The old address was told, with no link in the message.
    const notice = await kith.smtp!.waitFor((m) => m.to === account.email && m.subject === 'Your Kith email address was changed', 15_000);
    expect(notice.text).toContain(`Your Kith email address was changed to ${newEmail}`);

    // The link works once: opened again (signed out, another browser), it says so.
    const other = await openPage(browser, kith.url);
    await other.page.goto(link);
    await expectHeading(other.page, "This link doesn't work");
    await other.page.getByRole('alert').filter({ hasText: 'expired or was already used' }).waitFor();
    // And the new address signs in.
    await signIn(other.page, { email: newEmail, password: account.password });
    expectNoProblems([...problems, ...other.problems]);
  });

  it('fits a 360 px phone, confirmed while signed out', async () => {
    const account = await registerVerified(kith);
    const newEmail = `phone.${Date.now()}@example.org`;
    const { page, problems } = await openPage(browser, kith.url, PHONE);
    await signIn(page, account);
    await openSecurity(page);
    const section = emailSection(page);
    await section.getByLabel('New email address').fill(newEmail);
    await section.getByLabel('Your password').fill(account.password);
    await section.getByRole('button', { name: 'Send confirmation link' }).click();
    await section.getByRole('status').filter({ hasText: 'Check your new inbox' }).waitFor();
    await section.scrollIntoViewIfNeeded();
    expect(await fitsWidth(page, PHONE.width)).toBe(true);
    await screenshot(page, 'account-email-sent-phone');

    const link = await linkMailedTo(kith.smtp!, newEmail, '/confirm-email');
    const signedOut = await openPage(browser, kith.url, PHONE);
    await signedOut.page.goto(link);
    await expectHeading(signedOut.page, 'Email address changed');
    expect(await fitsWidth(signedOut.page, PHONE.width)).toBe(true);
    await screenshot(signedOut.page, 'account-email-confirmed-phone');
    await signedOut.page.getByRole('link', { name: 'Sign in' }).last().click();
    await expectHeading(signedOut.page, 'Sign in');
    expect(await signedOut.page.getByLabel('Email').inputValue()).toBe(newEmail);
    expectNoProblems([...problems, ...signedOut.problems]);
  });
});
