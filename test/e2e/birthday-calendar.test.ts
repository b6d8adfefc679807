import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, createContact, registerVerified } from './api.js';
import { launchBrowser, openPage, PHONE, SCREENSHOT_DIR, screenshot } from './browser.js';
import { type RunningKith, startKith } from './kith.js';
import { expectHeading, expectNoProblems, fitsWidth, signIn } from './ui.js';

describe('the birthday calendar in the profile, in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;

  beforeAll(async () => {
    [kith, browser] = await Promise.all([startKith(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await kith?.close();
  });

  /** A new account with one contact who has a birthday, signed in, on the Profile page. */
  const setUp = async (page: Page) => {
    const account = await registerVerified(kith);
    const token = await accessTokenFor(kith, account);
    await createContact(kith, token, { firstName: 'Ada', lastName: 'Lovelace', birthday: '1815-12-10' });
    await signIn(page, account);
    await page.getByRole('link', { name: 'Profile' }).click();
    await expectHeading(page, 'Profile');
    await section(page).getByRole('heading', { name: 'Birthday calendar' }).waitFor();
    return account;
  };
  const section = (page: Page) => page.locator('section.birthday-calendar');
  const address = (page: Page) => section(page).locator('.copy-value', { hasText: 'Calendar address' }).locator('code');
  const status = (page: Page) => section(page).getByRole('status').filter({ hasText: 'birthday calendar' });
  const focused = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim());

  /** What a calendar app gets from the address: no sign-in, no cookies. */
  const subscribe = async (url: string) => {
    const response = await fetch(url);
    return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() };
  };
  const expectCalendar = async (url: string) => {
    const feed = await subscribe(url);
    expect(feed.status, feed.body).toBe(200);
    expect(feed.type).toMatch(/^text\/calendar\b/);
    expect(feed.body).toMatch(/^BEGIN:VCALENDAR\r?\n/);
    expect(feed.body).toContain('BEGIN:VEVENT');
    expect(feed.body).toContain('Ada Lovelace');
  };

  it('turns on, gives an address calendars can read, makes a new one that retires the old, and turns off', async () => {
    const { page, context, problems } = await openPage(browser, kith.url);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: kith.url });
    await setUp(page);

    // Off: what it is for, and one button. Turned on by keyboard.
    await section(page)
      .getByText('Subscribe to your contacts’ birthdays in Google Calendar, Apple Calendar or Thunderbird')
      .waitFor();
    const turnOn = section(page).getByRole('button', { name: 'Turn on' });
    await turnOn.focus();
    await page.keyboard.press('Enter');
    await status(page).getByText('The birthday calendar is on').waitFor();
    expect(await focused(page)).toMatch(/^The birthday calendar is on/);
    await turnOn.waitFor({ state: 'detached' });

    const first = await address(page).innerText();
    expect(first).toMatch(new RegExp(`^${kith.url}/cal/[^/]+\\.ics$`));
    await expectCalendar(first);

    // How to add it, in the three apps named.
    await section(page).getByText('Other calendars → + → From URL').waitFor();
    await section(page).getByText('File → New Calendar Subscription').waitFor();
    await section(page).getByText('New Calendar → On the Network').waitFor();

    await section(page).getByRole('button', { name: 'Copy calendar address' }).click();
    await section(page).getByText('Calendar address copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first);
    await screenshot(page, 'birthday-calendar-on');

    // A new address, by keyboard: the dialog opens on Cancel, Escape backs out to the button.
    const newAddress = section(page).getByRole('button', { name: 'New address' });
    await newAddress.focus();
    await page.keyboard.press('Enter');
    const rotateDialog = page.getByRole('dialog', { name: 'Make a new address?' });
    await rotateDialog.getByText('The current address stops working at once').waitFor();
    expect(await focused(page)).toBe('Cancel');
    await screenshot(page, 'birthday-calendar-new-address-dialog');
    await page.keyboard.press('Escape');
    await rotateDialog.waitFor({ state: 'detached' });
    expect(await focused(page)).toBe('New address');
    expect(await address(page).innerText()).toBe(first);
    await expectCalendar(first);

    await page.keyboard.press('Enter');
    await rotateDialog.waitFor();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Make a new address');
    await page.keyboard.press('Enter');
    await status(page).getByText('The birthday calendar has a new address').waitFor();
    await rotateDialog.waitFor({ state: 'detached' });
    const second = await address(page).innerText();
    expect(second).toMatch(new RegExp(`^${kith.url}/cal/[^/]+\\.ics$`));
    expect(second).not.toBe(first);
    expect((await subscribe(first)).status).toBe(404);
    await expectCalendar(second);

    // The server remembers it: after a reload the same (new) address is shown.
    await page.reload();
    await expectHeading(page, 'Profile');
    await address(page).waitFor();
    expect(await address(page).innerText()).toBe(second);

    // Turn off, with a confirmation; then the address is dead and Turn on is back.
    await section(page).getByRole('button', { name: 'Turn off' }).click();
    const offDialog = page.getByRole('dialog', { name: 'Turn off the birthday calendar?' });
    await offDialog.waitFor();
    await offDialog.getByRole('button', { name: 'Turn off' }).click();
    await status(page).getByText('The birthday calendar is off').waitFor();
    expect(await focused(page)).toMatch(/^The birthday calendar is off/);
    await section(page).getByRole('button', { name: 'Turn on' }).waitFor();
    expect(await address(page).count()).toBe(0);
    expect((await subscribe(second)).status).toBe(404);
    await page.reload();
    await expectHeading(page, 'Profile');
    await section(page).getByRole('button', { name: 'Turn on' }).waitFor();
    await screenshot(page, 'birthday-calendar-off');
    expectNoProblems(problems);
  });

  it('fits a 360 px phone, on and off', async () => {
    const { page, problems } = await openPage(browser, kith.url, PHONE);
    await setUp(page);
    const turnOn = section(page).getByRole('button', { name: 'Turn on' });
    await turnOn.scrollIntoViewIfNeeded();
    await section(page).screenshot({
      path: path.join(SCREENSHOT_DIR, 'phone-birthday-calendar-off.png'),
      animations: 'disabled',
    });
    await turnOn.click();
    await address(page).waitFor();
    await expectCalendar(await address(page).innerText());

    await section(page).scrollIntoViewIfNeeded();
    await screenshot(page, 'phone-birthday-calendar-on');
    // The section alone too: the full page is too tall to judge it by.
    await section(page).screenshot({
      path: path.join(SCREENSHOT_DIR, 'phone-birthday-calendar-section.png'),
      animations: 'disabled',
    });
    expect(await fitsWidth(page, PHONE.width)).toBe(true);

    await section(page).getByRole('button', { name: 'Turn off' }).click();
    await page.getByRole('dialog', { name: 'Turn off the birthday calendar?' }).waitFor();
    await page.screenshot({
      path: path.join(SCREENSHOT_DIR, 'phone-birthday-calendar-off-dialog.png'),
      animations: 'disabled',
    });
    expect(await fitsWidth(page, PHONE.width)).toBe(true);
    expectNoProblems(problems);
  });
});
