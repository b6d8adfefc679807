import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, createContact, registerVerified } from './api.js';
import { launchBrowser, openPage, PHONE, screenshot, type TestPage } from './browser.js';
import { type RunningKith, startKith } from './kith.js';
import { alerts, expectNoProblems, fitsWidth, signIn } from './ui.js';

/** Clicks (or presses Enter on) a button and returns the downloaded file's suggested name and text. */
async function download(page: Page, name: string, how: 'click' | 'keyboard' = 'click') {
  const button = page.getByRole('button', { name });
  const started = page.waitForEvent('download');
  if (how === 'click') await button.click();
  else {
    await button.focus();
    await page.keyboard.press('Enter');
  }
  const file = await started;
  const path = await file.path();
  return {
    filename: file.suggestedFilename(),
    text: await readFile(path, 'utf8'),
  };
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('exporting every contact as vCard and CSV, in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;
  let tab: TestPage;
  let page: Page;
  let account: { email: string; password: string };

  beforeAll(async () => {
    [kith, browser] = await Promise.all([startKith(), launchBrowser()]);
    account = await registerVerified(kith);
    const token = await accessTokenFor(kith, account);
    await createContact(kith, token, {
      firstName: 'Katherine',
      lastName: 'Johnson',
      emails: [{ value: 'katherine@example.com', label: 'work' }],
    });
    await createContact(kith, token, {
      firstName: 'Dorothy',
      lastName: 'Vaughan',
    });
    tab = await openPage(browser, kith.url);
    page = tab.page;
    await signIn(page, account);
    await page.getByText('2 contacts').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await kith?.close();
  });

  it('downloads a vCard file with both contacts’ cards', async () => {
    await screenshot(page, 'contacts-export');
    const { filename, text } = await download(page, 'Download vCard');
    expect(filename).toMatch(/^kith-contacts-\d{4}-\d{2}-\d{2}\.vcf$/);
    expect(count(text, 'BEGIN:VCARD')).toBe(2);
    expect(count(text, 'END:VCARD')).toBe(2);
    expect(text).toContain('Katherine');
    expect(text).toContain('Johnson');
    expect(text).toContain('Dorothy');
    expect(text).toContain('Vaughan');
    // The button reads its label again when the download is done.
    await page.getByRole('button', { name: 'Download vCard' }).waitFor();
    expect(await alerts(page)).toEqual([]);
  });

  it('downloads a CSV with Google Contacts’ header row, from the keyboard', async () => {
    const { filename, text } = await download(page, 'Download CSV', 'keyboard');
    expect(filename).toMatch(/^kith-contacts-\d{4}-\d{2}-\d{2}\.csv$/);
    const [header, ...rows] = text
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(header).toContain('First Name');
    expect(rows.some((row) => row.includes('Katherine') && row.includes('Johnson'))).toBe(true);
    expect(rows.some((row) => row.includes('Dorothy') && row.includes('Vaughan'))).toBe(true);
    // Focus stays on the button it was started from.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Download CSV');
  });

  it('says “Preparing…” while the file comes, and shows the server’s message when it fails', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/contacts/export?format=csv', async (route) => {
      await held;
      await route.fulfill({
        status: 500,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          status: 500,
          code: 'INTERNAL',
          detail: 'Something went wrong on the server.',
        }),
      });
    });
    await page.getByRole('button', { name: 'Download CSV' }).click();
    await page.getByRole('button', { name: 'Preparing…' }).waitFor();
    expect(await page.getByRole('button', { name: 'Download vCard' }).getAttribute('aria-disabled')).toBe('true');
    release();
    await page.getByRole('alert').getByText('Something went wrong on the server.').waitFor();
    await page.getByRole('button', { name: 'Download CSV' }).waitFor();
    await page.unroute('**/api/contacts/export?format=csv');
    expectNoProblems(tab.problems);
  });

  it('fits the export buttons on a phone', async () => {
    const phone = await openPage(browser, kith.url, PHONE);
    await signIn(phone.page, account);
    await phone.page.getByText('2 contacts').waitFor();
    await screenshot(phone.page, 'phone-contacts-export');
    expect(await fitsWidth(phone.page, PHONE.width)).toBe(true);
    const { text } = await download(phone.page, 'Download vCard');
    expect(count(text, 'BEGIN:VCARD')).toBe(2);
    expectNoProblems(phone.problems);
    await phone.context.close();
  });
});
