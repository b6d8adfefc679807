import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { AppPasswordsService } from '../../src/modules/app-passwords/app-passwords.service.js';
import { registerVerified } from './api.js';
import { launchBrowser, openPage, PHONE, SCREENSHOT_DIR, screenshot } from './browser.js';
import { type RunningKith, startKith } from './kith.js';
import { expectHeading, expectNoProblems, fitsWidth, signIn } from './ui.js';

const SECRET_SHAPE = /^[a-z2-9]{7}(-[a-z2-9]{7}){3}$/;

describe('app passwords on the Sign-in & security page, in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;
  // What CardDAV's Basic auth will ask: does this email and password sign in?
  let service: AppPasswordsService;

  beforeAll(async () => {
    [kith, browser] = await Promise.all([startKith(), launchBrowser()]);
    service = new AppPasswordsService({
      db: kith.database.db,
      clock: systemClock,
      config: kith.config,
      mailQueue: { kick: () => undefined },
      logger: kith.app.log,
    });
  });
  afterAll(async () => {
    await service?.drain();
    await browser?.close();
    await kith?.close();
  });

  // Profile, then its Sign-in & security link: where the app passwords live, beside the devices.
  const openSecurity = async (page: Page) => {
    await page.getByRole('link', { name: 'Profile' }).click();
    await expectHeading(page, 'Profile');
    await page.getByRole('link', { name: 'Sign-in & security' }).click();
    await expectHeading(page, 'Sign-in & security');
    await page.getByRole('heading', { name: 'Phones and computers' }).waitFor();
    await page.getByText('None yet.').waitFor();
  };
  const panel = (page: Page) => page.getByRole('region', { name: /^Type these into/ });
  const valueOf = (page: Page, label: string) =>
    panel(page).locator('.copy-value', { has: page.locator('dt', { hasText: label }) }).locator('code').innerText();

  it('creates one, shows it once with the server and user name, copies it, and revokes it', async () => {
    const account = await registerVerified(kith);
    const { page, context, problems } = await openPage(browser, kith.url);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: kith.url });
    await signIn(page, account);
    await openSecurity(page);

    // By keyboard: type a name, Enter; the focus lands on the new password's panel.
    await page.getByLabel('Name of the device').fill('Ada’s iPhone');
    await page.keyboard.press('Enter');
    await panel(page).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.className)).toBe('new-app-password');
    expect(await panel(page).getByRole('heading').innerText()).toBe('Type these into Ada’s iPhone');
    expect(await valueOf(page, 'Server')).toBe(`${kith.url}/dav/`);
    expect(await valueOf(page, 'User name')).toBe(account.email.toLowerCase());
    const password = await valueOf(page, 'Password');
    expect(password).toMatch(SECRET_SHAPE);
    await panel(page).getByText('iPhone or iPad:').waitFor();
    await panel(page).getByText('Settings → Contacts → Accounts → Add Account → Other → Add CardDAV').waitFor();
    expect(await service.verify(account.email, password)).toBeDefined();

    await panel(page).getByRole('button', { name: 'Copy password' }).click();
    await panel(page).getByText('Password copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(password);
    await screenshot(page, 'app-password-created');

    // Listed without the secret; once the panel is closed (or the page reloaded) it is gone for good.
    const row = page.locator('.app-password-row', { hasText: 'Ada’s iPhone' });
    await row.getByText('not used yet').waitFor();
    await page.getByRole('button', { name: 'Done, hide the password' }).click();
    await panel(page).waitFor({ state: 'detached' });
    await page.reload();
    await expectHeading(page, 'Sign-in & security');
    await row.waitFor();
    expect(await page.content()).not.toContain(password);

    // A sign-in over CardDAV shows as the last use.
    await service.verify(account.email, password);
    await service.drain();
    await page.reload();
    await row.getByText(/last used/).waitFor();

    // Revoke, by keyboard: the dialog opens on Cancel; Tab to Revoke, Enter.
    await row.getByRole('button', { name: 'Revoke Ada’s iPhone' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Revoke “Ada’s iPhone”?' });
    await dialog.waitFor();
    await screenshot(page, 'app-password-revoke-dialog');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('“Ada’s iPhone” was revoked').waitFor();
    await page.getByText('None yet.').waitFor();
    expect(await service.verify(account.email, password)).toBeUndefined();
    expectNoProblems(problems);
  });

  it('fits a 360 px phone, and selects the value where the clipboard is out of reach', async () => {
    const account = await registerVerified(kith);
    const { page, context, problems } = await openPage(browser, kith.url, PHONE);
    // A browser that offers no clipboard API to the page.
    await context.addInitScript(() => Object.defineProperty(navigator, 'clipboard', { value: undefined }));
    await signIn(page, account);
    await openSecurity(page);
    await page.getByLabel('Name of the device').fill('Work laptop (Thunderbird)');
    await page.getByRole('button', { name: 'Create app password' }).click();
    await panel(page).waitFor();
    const password = await valueOf(page, 'Password');
    expect(password).toMatch(SECRET_SHAPE);

    await panel(page).getByRole('button', { name: 'Copy password' }).click();
    await panel(page).getByText('Selected: press Ctrl+C').waitFor();
    expect(await page.evaluate(() => window.getSelection()?.toString())).toBe(password);

    await panel(page).scrollIntoViewIfNeeded();
    await screenshot(page, 'phone-app-password-created');
    // The section alone too: the full page is too tall to judge the panel by.
    await page
      .locator('section.app-passwords')
      .screenshot({ path: path.join(SCREENSHOT_DIR, 'phone-app-password-section.png'), animations: 'disabled' });
    expect(await fitsWidth(page, PHONE.width)).toBe(true);
    expectNoProblems(problems);
  });
});
