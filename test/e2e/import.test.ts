import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, createContact, registerVerified } from './api.js';
import { launchBrowser, openPage, PHONE, screenshot, type TestPage } from './browser.js';
import { type RunningKith, startKith } from './kith.js';
import { alerts, expectHeading, expectNoProblems, fitsWidth, signIn } from './ui.js';

const card = (uid: string, first: string, last: string, email: string) =>
  [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `UID:${uid}`,
    `FN:${first} ${last}`,
    `N:${last};${first};;;`,
    `EMAIL;TYPE=work:${email}`,
    'END:VCARD',
  ].join('\r\n');

const THREE_CARDS = [
  card('e2e-import-grace', 'Grace', 'Hopper', 'grace@example.com'),
  card('e2e-import-alan', 'Alan', 'Turing', 'alan@example.com'),
  card('e2e-import-margaret', 'Margaret', 'Hamilton', 'margaret@example.com'),
].join('\r\n');

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/imports');
const fixture = async (name: string, mimeType: string) => ({
  name,
  mimeType,
  buffer: await readFile(path.join(FIXTURES, name)),
});

const vcf = (name: string, text: string) => ({ name, mimeType: 'text/vcard', buffer: Buffer.from(`${text}\r\n`) });

async function contactTotal(kith: RunningKith, token: string): Promise<number> {
  const response = await fetch(`${kith.url}/api/contacts?limit=1`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.ok).toBe(true);
  return ((await response.json()) as { total: number }).total;
}

/** The server's own answer to a dry run of the file, to hold the page's words against. */
async function dryRun(kith: RunningKith, token: string, file: { name: string; mimeType: string; buffer: Buffer }) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file.buffer)], { type: file.mimeType }), file.name);
  const response = await fetch(`${kith.url}/api/contacts/import?dryRun=true`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as { code?: string; detail?: string } };
}

const fileInput = (page: Page) => page.getByLabel(/^Choose (a|another) file$/);
const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');

async function openImport(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Contacts', exact: true }).click();
  await expectHeading(page, 'Contacts');
  // From the keyboard: the link beside the downloads.
  await page.getByRole('link', { name: 'Import contacts' }).focus();
  await page.keyboard.press('Enter');
  await expectHeading(page, 'Import contacts');
}

async function preview(page: Page, fileName: string) {
  await page.getByRole('heading', { name: 'Check before importing' }).waitFor();
  const table = page.getByRole('table', { name: new RegExp(`What importing ${fileName.replace('.', '\\.')} will do`) });
  await table.waitFor();
  return table;
}

describe('importing contacts from a vCard file, in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;
  let tab: TestPage;
  let page: Page;
  let account: { email: string; password: string };
  let token: string;

  beforeAll(async () => {
    [kith, browser] = await Promise.all([startKith(), launchBrowser()]);
    account = await registerVerified(kith);
    token = await accessTokenFor(kith, account);
    tab = await openPage(browser, kith.url);
    page = tab.page;
    await signIn(page, account);
  });
  afterAll(async () => {
    await browser?.close();
    await kith?.close();
  });

  it('previews three cards without changing anything, then imports them into the list', async () => {
    await openImport(page);
    await screenshot(page, 'import-choose');

    await fileInput(page).setInputFiles(vcf('three.vcf', THREE_CARDS));
    const table = await preview(page, 'three.vcf');
    // The focus moves to the preview's heading.
    expect(await focusedText(page)).toBe('Check before importing');
    const facts = page.locator('.import-facts');
    expect(await facts.innerText()).toContain('vCard');
    expect(await facts.innerText()).toContain('3 new, 0 updated, 0 skipped');
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(3);
    for (const [i, name] of ['Grace Hopper', 'Alan Turing', 'Margaret Hamilton'].entries()) {
      const row = rows.nth(i);
      expect(await row.getByRole('cell').first().innerText()).toBe(String(i + 1));
      expect(await row.getByRole('rowheader').innerText()).toBe(name);
      expect(await row.innerText()).toContain('New contact');
    }
    await screenshot(page, 'import-preview');
    // A dry run: nothing is written yet.
    expect(await contactTotal(kith, token)).toBe(0);

    await page.getByRole('button', { name: 'Import 3 contacts' }).click();
    await page.getByRole('heading', { name: 'Import finished' }).waitFor();
    expect(await focusedText(page)).toBe('Import finished');
    expect(await page.locator('.import-facts').innerText()).toContain('3 new, 0 updated, 0 skipped');
    // Said in the live region too.
    await page.locator('[aria-live="polite"]', { hasText: 'Import finished: 3 new, 0 updated, 0 skipped.' }).waitFor();
    await screenshot(page, 'import-done');
    expect(await contactTotal(kith, token)).toBe(3);

    await page.getByRole('link', { name: 'Go to your contacts' }).click();
    await expectHeading(page, 'Contacts');
    await page.getByText('Imported from three.vcf: 3 new, 0 updated, 0 skipped.').waitFor();
    await page.getByText('3 contacts', { exact: true }).waitFor();
    for (const name of ['Grace Hopper', 'Alan Turing', 'Margaret Hamilton']) {
      await page.getByRole('link', { name: new RegExp(name) }).waitFor();
    }
    expect(await alerts(page)).toEqual([]);
    expectNoProblems(tab.problems);
  });

  it('a card whose UID is a contact updates it; an unchanged one is skipped as up to date', async () => {
    await openImport(page);
    const again = THREE_CARDS.replace('grace@example.com', 'grace.hopper@example.com');
    await fileInput(page).setInputFiles(vcf('three-again.vcf', again));
    const table = await preview(page, 'three-again.vcf');
    expect(await page.locator('.import-facts').innerText()).toContain('0 new, 1 updated, 2 skipped');
    const grace = table.locator('tbody tr', { hasText: 'Grace Hopper' });
    expect(await grace.innerText()).toContain('Updates a contact');
    // The contact it changes opens beside the preview, not instead of it.
    expect(await grace.getByRole('link').getAttribute('target')).toBe('_blank');
    expect(await table.locator('tbody tr', { hasText: 'Skipped' }).count()).toBe(2);
    await page.getByRole('button', { name: 'Import 1 contact', exact: true }).waitFor();

    // "Choose another file" goes back to the start, with the focus on the file input.
    await page.getByRole('button', { name: 'Choose another file' }).click();
    await page.getByRole('heading', { name: 'Choose a file' }).waitFor();
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('file');
    // The very file imported before: nothing to do, so no Import button.
    await fileInput(page).setInputFiles(vcf('three.vcf', THREE_CARDS));
    await preview(page, 'three.vcf');
    expect(await page.locator('.import-facts').innerText()).toContain('0 new, 0 updated, 3 skipped');
    await page.getByText('Nothing in this file would change your contacts.').waitFor();
    expect(await page.getByRole('button', { name: /^Import/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Choose another file' }).click();
    expect(await contactTotal(kith, token)).toBe(3);
  });

  it('takes a dropped file, and Cancel stops a check on its way', async () => {
    await openImport(page);
    const drop = async (name: string) => {
      const dataTransfer = await page.evaluateHandle(
        ([fileName, text]) => {
          const transfer = new DataTransfer();
          transfer.items.add(new File([text], fileName, { type: 'text/vcard' }));
          return transfer;
        },
        [name, `${THREE_CARDS}\r\n`] as const,
      );
      await page.locator('.drop-zone').dispatchEvent('dragenter', { dataTransfer });
      await page.locator('.drop-zone').dispatchEvent('drop', { dataTransfer });
    };

    // The server's answer is held back: the page says it is reading the file, and offers Cancel.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const isDryRun = (url: URL) => url.pathname === '/api/contacts/import' && url.searchParams.get('dryRun') === 'true';
    await page.route(isDryRun, async (route) => {
      await held;
      // By then Cancel has aborted the request, and there is nothing left to continue.
      await route.continue().catch(() => undefined);
    });
    await drop('dropped.vcf');
    await page.getByText(/Reading dropped\.vcf…|%/).first().waitFor();
    await page.locator('[aria-live="polite"]', { hasText: 'Checking dropped.vcf…' }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('file');
    release();
    await page.unroute(isDryRun);
    // The stopped check never comes back as a preview.
    await page.waitForTimeout(300);
    expect(await page.getByRole('heading', { name: 'Check before importing' }).count()).toBe(0);

    await drop('dropped-again.vcf');
    await preview(page, 'dropped-again.vcf');
    expect(await page.locator('.import-facts').innerText()).toContain('0 new, 0 updated, 3 skipped');
    await page.getByRole('button', { name: 'Choose another file' }).click();
    expectNoProblems(tab.problems);
  });

  it('shows how much of a large file has gone up on a slow connection', async () => {
    await openImport(page);
    const cdp = await tab.context.newCDPSession(page);
    // About 256 KB a second up: 2 MB takes several seconds.
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 256 * 1024,
    });
    const notes = `NOTE:${'x'.repeat(70)}\r\n`.repeat(28_000);
    await fileInput(page).setInputFiles(vcf('large.vcf', `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Large\r\n${notes}END:VCARD`));
    const bar = page.getByRole('progressbar', { name: 'Sending large.vcf…' });
    await bar.waitFor();
    await expect.poll(async () => Number(await bar.getAttribute('value')), { timeout: 10_000 }).toBeGreaterThan(0.05);
    await screenshot(page, 'import-progress');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await bar.waitFor({ state: 'detached' });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await cdp.detach();
    expect(await alerts(page)).toEqual([]);
  });

  it('shows the server’s words for a file it can’t read, and takes another file after it', async () => {
    await openImport(page);
    // A good card, then one whose line 10 is not a property (test/fixtures/imports/README.md).
    const broken = await fixture('broken.vcf', 'text/vcard');
    const answer = await dryRun(kith, token, broken);
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/line 10/);

    await fileInput(page).setInputFiles(broken);
    const alert = page.getByRole('alert');
    await alert.getByText(answer.body.detail!).waitFor();
    expect(await alert.innerText()).toContain('Kith couldn’t read this file.');
    await screenshot(page, 'import-broken');

    await fileInput(page).setInputFiles(vcf('fixed.vcf', THREE_CARDS));
    await preview(page, 'fixed.vcf');
    expect(await alerts(page)).toEqual([]);
    await page.getByRole('button', { name: 'Choose another file' }).click();
  });

  it('refuses a file over 5 MB before sending it', async () => {
    await openImport(page);
    const sent: string[] = [];
    const watch = (request: { url(): string }) => {
      if (request.url().includes('/api/contacts/import')) sent.push(request.url());
    };
    page.on('request', watch);
    await fileInput(page).setInputFiles({
      name: 'huge.vcf',
      mimeType: 'text/vcard',
      buffer: Buffer.alloc(5 * 1024 * 1024 + 1, 'A'),
    });
    await page.getByRole('alert').getByText('huge.vcf is 5.1 MB; the limit is 5 MB.', { exact: false }).waitFor();
    await screenshot(page, 'import-too-large');
    page.off('request', watch);
    expect(sent).toEqual([]);
    expectNoProblems(tab.problems);
  });

  it('says how many fit when the file would pass 100 contacts, and writes nothing', async () => {
    const full = await registerVerified(kith);
    const fullToken = await accessTokenFor(kith, full);
    for (let start = 0; start < 98; start += 14) {
      await Promise.all(
        Array.from({ length: Math.min(14, 98 - start) }, (_, i) =>
          createContact(kith, fullToken, { firstName: 'Filler', lastName: String(start + i + 1) }),
        ),
      );
    }
    expect(await contactTotal(kith, fullToken)).toBe(98);
    const file = vcf('three.vcf', THREE_CARDS);
    const answer = await dryRun(kith, fullToken, file);
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('CONTACT_LIMIT_REACHED');
    expect(answer.body.detail).toMatch(/only 2 more fit/);

    const other = await openPage(browser, kith.url);
    await signIn(other.page, full);
    await openImport(other.page);
    await fileInput(other.page).setInputFiles(file);
    const alert = other.page.getByRole('alert');
    await alert.getByText(answer.body.detail!).waitFor();
    expect(await alert.innerText()).toContain('These contacts don’t all fit.');
    await screenshot(other.page, 'import-limit');
    expect(await contactTotal(kith, fullToken)).toBe(98);
    expectNoProblems(other.problems);
    await other.context.close();
  });

  it('fits a phone: the link beside the count, the preview’s rows stacked', async () => {
    const phone = await openPage(browser, kith.url, PHONE);
    await signIn(phone.page, account);
    await phone.page.getByText('3 contacts', { exact: true }).waitFor();
    await screenshot(phone.page, 'phone-contacts-import');
    expect(await fitsWidth(phone.page, PHONE.width)).toBe(true);

    await openImport(phone.page);
    await screenshot(phone.page, 'phone-import-choose');
    expect(await fitsWidth(phone.page, PHONE.width)).toBe(true);
    // iCloud's export: four people and a group card, which is skipped.
    await fileInput(phone.page).setInputFiles(await fixture('ios.vcf', 'text/vcard'));
    const table = await preview(phone.page, 'ios.vcf');
    expect(await phone.page.locator('.import-facts').innerText()).toContain('4 new, 0 updated, 1 skipped');
    expect(await table.locator('tbody tr').count()).toBe(5);
    expect(await table.locator('tbody tr').nth(2).innerText()).toContain('Skipped');
    // Stacked: the header row is out of sight, each row as wide as the table.
    expect((await table.locator('thead').boundingBox())?.height).toBeLessThanOrEqual(1);
    const [tableBox, rowBox] = await Promise.all([table.boundingBox(), table.locator('tbody tr').first().boundingBox()]);
    expect(rowBox!.width).toBeCloseTo(tableBox!.width, 0);
    await screenshot(phone.page, 'phone-import-preview');
    expect(await fitsWidth(phone.page, PHONE.width)).toBe(true);

    await phone.page.getByRole('button', { name: 'Import 4 contacts' }).click();
    await phone.page.getByRole('heading', { name: 'Import finished' }).waitFor();
    await screenshot(phone.page, 'phone-import-done');
    expect(await fitsWidth(phone.page, PHONE.width)).toBe(true);
    expect(await contactTotal(kith, token)).toBe(7);
    expectNoProblems(phone.problems);
    await phone.context.close();
  });
});
