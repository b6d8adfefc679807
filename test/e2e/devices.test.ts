import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerVerified } from './api.js';
import { launchBrowser, openPage, PHONE, SCREENSHOT_DIR, screenshot } from './browser.js';
import { type RunningKith, startKith } from './kith.js';
import { expectHeading, expectNoProblems, fitsWidth, signIn } from './ui.js';

// The second browser says it is a phone, so the two sign-ins are told apart by name.
const ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';
const SESSION_ENDED = 'Your session has ended. Please sign in again.';

describe('devices on the Sign-in & security page, in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;

  beforeAll(async () => {
    [kith, browser] = await Promise.all([startKith(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await kith?.close();
  });

  const openSecurity = async (page: Page) => {
    await page.getByRole('link', { name: 'Profile' }).click();
    await expectHeading(page, 'Profile');
    await page.getByRole('link', { name: 'Sign-in & security' }).click();
    await expectHeading(page, 'Sign-in & security');
    await page.getByRole('heading', { name: 'Devices' }).waitFor();
  };
  const rows = (page: Page) => page.locator('.device-row');

  it('lists both sign-ins, signs the other one out from the first, and that one is sent to sign in', async () => {
    const account = await registerVerified(kith);
    const desktop = await openPage(browser, kith.url);
    const phone = await openPage(browser, kith.url, PHONE);
    await phone.context.setExtraHTTPHeaders({ 'user-agent': ANDROID_UA });

    await signIn(desktop.page, account);
    await signIn(phone.page, account);
    // The phone is a device the account had not been used on: the owner is told by email.
    const mail = await kith.smtp!.waitFor(
      (m) => m.to === account.email.toLowerCase() && m.subject === 'New sign-in to your Kith account',
      15_000,
    );
    expect(mail.text).toContain('Chrome on Android');

    const { page } = desktop;
    await openSecurity(page);
    await expect.poll(() => rows(page).count()).toBe(2);
    const here = rows(page).filter({ hasText: 'This device' });
    expect(await here.locator('.device-name').innerText()).toMatch(/^Chrome on Linux\s*This device$/);
    await here.getByText('in use now').waitFor();
    expect(await here.getByRole('button').count()).toBe(0);
    const other = rows(page).filter({ hasText: 'Chrome on Android' });
    await other.locator('.device-what').getByText(/last used (just now|\d+ minutes? ago)/).waitFor();
    await page.getByRole('heading', { name: 'Phones and computers' }).waitFor();
    await screenshot(page, 'devices');

    // The phone's own view fits 360 px, and marks the phone as this device.
    await openSecurity(phone.page);
    await expect.poll(() => rows(phone.page).count()).toBe(2);
    await rows(phone.page).filter({ hasText: 'This device' }).getByText('Chrome on Android').waitFor();
    await screenshot(phone.page, 'phone-devices');
    await phone.page
      .locator('section.devices')
      .screenshot({ path: path.join(SCREENSHOT_DIR, 'phone-devices-section.png'), animations: 'disabled' });
    expect(await fitsWidth(phone.page, PHONE.width)).toBe(true);

    // By keyboard: the dialog opens on Cancel; Tab to Sign out, Enter.
    await other.getByRole('button', { name: /^Sign out Chrome on Android, last used/ }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Sign out Chrome on Android?' });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await screenshot(page, 'devices-sign-out-dialog');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const status = page.getByRole('status').filter({ hasText: 'Chrome on Android was signed out.' });
    await status.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('status');
    await expect.poll(() => rows(page).count()).toBe(1);
    await page.getByText('No other device is signed in.').waitFor();

    // The phone's next step that asks the server is refused, and it lands on the sign-in page saying why.
    await phone.page.getByRole('link', { name: 'Birthdays' }).click();
    await expectHeading(phone.page, 'Sign in');
    await phone.page.getByText(SESSION_ENDED).waitFor();
    await screenshot(phone.page, 'phone-devices-signed-out');

    expectNoProblems(desktop.problems);
    expectNoProblems(phone.problems);
    await Promise.all([desktop.context.close(), phone.context.close()]);
  });

  it('signs out everywhere else, keeping this browser signed in', async () => {
    const account = await registerVerified(kith);
    const here = await openPage(browser, kith.url, PHONE);
    const elsewhere = [await openPage(browser, kith.url), await openPage(browser, kith.url)];
    await signIn(here.page, account);
    for (const other of elsewhere) await signIn(other.page, account);

    const { page } = here;
    await openSecurity(page);
    await expect.poll(() => rows(page).count()).toBe(3);
    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign out all 2 other devices?' });
    await dialog.waitFor();
    await screenshot(page, 'phone-devices-sign-out-others-dialog');
    await dialog.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('The 2 other devices were signed out.').waitFor();
    await expect.poll(() => rows(page).count()).toBe(1);
    await rows(page).filter({ hasText: 'This device' }).waitFor();
    await page.getByText('No other device is signed in.').waitFor();
    expect(await page.getByRole('button', { name: 'Sign out everywhere else' }).count()).toBe(0);
    expect(await fitsWidth(page, PHONE.width)).toBe(true);

    for (const other of elsewhere) {
      await other.page.getByRole('link', { name: 'Birthdays' }).click();
      await expectHeading(other.page, 'Sign in');
      await other.page.getByText(SESSION_ENDED).waitFor();
    }
    // This one still works.
    await page.getByRole('link', { name: 'Back to your profile' }).click();
    await expectHeading(page, 'Profile');

    for (const each of [here, ...elsewhere]) expectNoProblems(each.problems);
  });
});
