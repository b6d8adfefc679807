import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, createContact, registerVerified } from './api.js';
import { launchBrowser, openPage, PHONE, SCREENSHOT_DIR, screenshot } from './browser.js';
import { linkMailedTo, type RunningKith, startKith } from './kith.js';
import { daysFromToday, expectHeading, expectNoProblems, fitsWidth, signIn } from './ui.js';

// A real Kith with the real clock and scheduler. Reminders sent at 00:00 UTC (the account's zone):
// that hour has always begun, so saving them sends today's reminder at once.

describe('birthday reminders in the profile, and unsubscribing from the email, in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;

  beforeAll(async () => {
    [kith, browser] = await Promise.all([startKith(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await kith?.close();
  });

  const pad = (n: number) => String(n).padStart(2, '0');
  const isoIn = (days: number) => {
    const { year, month, day } = daysFromToday(days);
    return { date: `${year}-${pad(month)}-${pad(day)}`, birthday: `1990-${pad(month)}-${pad(day)}` };
  };

  /** A new account with a contact whose birthday is today and one in 7 days, signed in, on the Profile page. */
  const setUp = async (page: Page) => {
    const account = await registerVerified(kith);
    const token = await accessTokenFor(kith, account);
    await createContact(kith, token, { firstName: 'Ada', lastName: 'Lovelace', birthday: isoIn(0).birthday });
    await createContact(kith, token, { firstName: 'Grace', lastName: 'Hopper', birthday: isoIn(7).birthday });
    await signIn(page, account);
    await page.getByRole('link', { name: 'Profile' }).click();
    await expectHeading(page, 'Profile');
    await section(page).getByRole('heading', { name: 'Birthday reminders' }).waitFor();
    await section(page).getByLabel('Email me about my contacts’ birthdays').waitFor();
    return { account, token };
  };
  const section = (page: Page) => page.locator('section.reminders');
  const settingsOf = async (token: string) => {
    const response = await fetch(`${kith.url}/api/users/me/reminders`, { headers: { authorization: `Bearer ${token}` } });
    return response.json() as Promise<{ enabled: boolean; daysBefore: number[]; hour: number }>;
  };
  const focusedLabel = (page: Page) =>
    page.evaluate(() => {
      const active = document.activeElement;
      return active?.id ? document.querySelector(`label[for="${active.id}"]`)?.textContent : active?.textContent?.trim();
    });

  it('turns reminders on by keyboard, mails today’s, and the emailed link turns them off without signing in', async () => {
    const { page, context, problems } = await openPage(browser, kith.url);
    const { account, token } = await setUp(page);
    const form = section(page);
    expect(await form.getByLabel('Email me about my contacts’ birthdays').isChecked()).toBe(false);
    expect(await form.getByLabel('First reminder').inputValue()).toBe('0');
    expect(await form.getByLabel('Send at').inputValue()).toBe('9');

    // By keyboard: Space ticks the box; the selects take their values from the keyboard too.
    await form.getByLabel('Email me about my contacts’ birthdays').focus();
    await page.keyboard.press('Space');
    await form.getByLabel('Second reminder').selectOption({ label: 'On the day' });
    await form.getByLabel('Send at').selectOption({ label: '00:00' });
    await form.getByRole('button', { name: 'Save reminders' }).press('Enter');
    // The same schema as the API: a day twice is refused here, at the field, before anything is sent.
    await form.getByText('Choose each day only once').waitFor();
    expect(await focusedLabel(page)).toBe('First reminder');
    await screenshot(page, 'reminders-duplicate-day');
    expect((await settingsOf(token)).enabled).toBe(false);

    await form.getByLabel('Second reminder').selectOption({ label: '7 days before' });
    await form.getByText('Choose each day only once').waitFor({ state: 'detached' });
    await form.getByRole('button', { name: 'Save reminders' }).press('Enter');
    await form.getByRole('status').getByText('Birthday reminders are on: on the day, 7 days before, at 00:00 (UTC).').waitFor();
    expect(await settingsOf(token)).toEqual({ enabled: true, daysBefore: [0, 7], hour: 0 });
    await screenshot(page, 'reminders-on');

    // Both of today's reminders come at once: 00:00 has begun.
    const smtp = kith.smtp!;
    const mails = await smtp.waitForCount((m) => m.to === account.email.toLowerCase() && /birthday/.test(m.subject), 2, 15_000);
    expect(mails.map((m) => m.subject).sort()).toEqual([
      expect.stringMatching(/^In 7 days, on .+: Grace Hopper’s birthday · Kith$/),
      'Today: Ada Lovelace’s birthday · Kith',
    ]);
    expect(mails[0]!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');

    // Kept: after a reload the form shows what was saved.
    await page.reload();
    await expectHeading(page, 'Profile');
    await form.getByLabel('Second reminder').waitFor();
    expect(await form.getByLabel('Email me about my contacts’ birthdays').isChecked()).toBe(true);
    expect(await form.getByLabel('Second reminder').inputValue()).toBe('7');
    expect(await form.getByLabel('Third reminder').inputValue()).toBe('');

    // The link, in a browser that is not signed in. Opening the page changes nothing; the button does.
    const link = await linkMailedTo(smtp, account.email, '/reminders/unsubscribe');
    await context.clearCookies();
    const stranger = await browser.newPage();
    try {
      await stranger.goto(link);
      await expectHeading(stranger, 'Turn off birthday reminders?');
      expect((await settingsOf(token)).enabled).toBe(true);
      await screenshot(stranger, 'reminders-unsubscribe-page');
      await stranger.getByRole('button', { name: 'Turn off reminders' }).press('Enter');
      await expectHeading(stranger, 'Birthday reminders are off');
      await stranger.getByRole('status').getByText('You will get no more birthday reminder emails from Kith.').waitFor();
      await screenshot(stranger, 'reminders-unsubscribed');
      expect(await settingsOf(token)).toEqual({ enabled: false, daysBefore: [0, 7], hour: 0 });

      // A link someone changed says so.
      await stranger.goto(link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')));
      await stranger.getByRole('button', { name: 'Turn off reminders' }).click();
      await expectHeading(stranger, "This link doesn't work");
    } finally {
      await stranger.close();
    }
    expectNoProblems(problems);
  });

  it('fits a 360 px phone', async () => {
    const { page, problems } = await openPage(browser, kith.url, PHONE);
    await setUp(page);
    const form = section(page);
    await form.scrollIntoViewIfNeeded();
    await form.getByLabel('Email me about my contacts’ birthdays').check();
    await form.getByLabel('Second reminder').selectOption({ label: '1 day before' });
    await form.getByLabel('Third reminder').selectOption({ label: '30 days before' });
    await form.getByRole('button', { name: 'Save reminders' }).click();
    await form.getByRole('status').getByText('Birthday reminders are on').waitFor();
    await form.screenshot({ path: path.join(SCREENSHOT_DIR, 'phone-reminders-section.png'), animations: 'disabled' });
    expect(await fitsWidth(page, PHONE.width)).toBe(true);
    expectNoProblems(problems);
  });
});
