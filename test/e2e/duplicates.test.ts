import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, createContact, registerVerified } from './api.js';
import { launchBrowser, openPage, PHONE, screenshot, type TestPage } from './browser.js';
import { type RunningKith, startKith } from './kith.js';
import { alerts, expectHeading, expectNoProblems, fitsWidth, signIn } from './ui.js';

interface ContactJson {
  id: string;
  firstName: string;
  lastName: string | null;
  emails: Array<{ value: string }>;
  phones: Array<{ value: string }>;
  organization: string | null;
  notes: string | null;
}

async function apiGet<T>(kith: RunningKith, token: string, path: string): Promise<T> {
  const response = await fetch(`${kith.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

describe('finding duplicates and merging them, in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;
  let tab: TestPage;
  let page: Page;
  let token: string;
  let lovelace: { id: string };
  let king: { id: string };

  beforeAll(async () => {
    [kith, browser] = await Promise.all([startKith(), launchBrowser()]);
    const account = await registerVerified(kith);
    token = await accessTokenFor(kith, account);
    lovelace = await createContact(kith, token, {
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: [{ value: 'ada@example.com', label: 'home' }],
      phones: [{ value: '+44 20 7946 0958', label: 'mobile' }],
      notes: 'Wrote the first program',
    });
    king = await createContact(kith, token, {
      firstName: 'Augusta Ada',
      lastName: 'King',
      emails: [{ value: 'ADA@example.com' }, { value: 'countess@example.com', label: 'work' }],
      organization: 'Analytical Engines',
      birthday: '1815-12-10',
    });
    await createContact(kith, token, { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' });
    tab = await openPage(browser, kith.url);
    page = tab.page;
    await signIn(page, account);
    await page.getByText('3 contacts').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await kith?.close();
  });

  it('finds the pair from the contacts list’s “Find duplicates” link', async () => {
    await page.getByRole('link', { name: 'Find duplicates' }).click();
    await expectHeading(page, 'Duplicates');
    const group = page.getByRole('region', { name: 'Same email: ada@example.com' });
    await group.waitFor();
    expect(await group.getByRole('link', { name: 'Ada Lovelace' }).count()).toBe(1);
    expect(await group.getByRole('link', { name: 'Augusta Ada King' }).count()).toBe(1);
    expect(await page.getByRole('region').count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Duplicates', exact: true }).getAttribute('aria-current')).toBe('page');
    await screenshot(page, 'duplicates');
  });

  it('shows both side by side, keeps the one chosen by keyboard, and previews the merged contact', async () => {
    await page.getByRole('link', { name: /^Review and merge\W+Same email: ada@example.com/ }).click();
    await expectHeading(page, 'Merge contacts');
    const keepKing = page.getByRole('radio', { name: /^Keep Augusta Ada King/ });
    const keepLovelace = page.getByRole('radio', { name: /^Keep Ada Lovelace/ });
    await keepKing.waitFor();
    // The first of the group (by name) is kept unless another is chosen; the radios are one
    // group, so an arrow key moves the choice.
    expect(await keepLovelace.isChecked()).toBe(true);
    await keepLovelace.focus();
    await page.keyboard.press('ArrowDown');
    // The choice lives in the address (?keep=): the radios follow once the page has re-rendered.
    await expect.poll(() => keepKing.isChecked(), { timeout: 10_000 }).toBe(true);
    expect(await keepLovelace.isChecked()).toBe(false);

    const result = page.getByRole('region', { name: 'The merged contact will hold' });
    await result.getByText('Wrote the first program').waitFor();
    for (const text of ['Augusta Ada King', 'Analytical Engines', 'countess@example.com', 'ada@example.com']) {
      await result.getByText(text, { exact: true }).first().waitFor();
    }
    await result.getByText('Ada Lovelace will be moved to the trash', { exact: false }).waitFor();
    // Side by side on a desktop: the two columns start at the same height.
    const columns = page.locator('.merge-choice');
    const [a, b] = [await columns.nth(0).boundingBox(), await columns.nth(1).boundingBox()];
    expect(a && b && Math.abs(a.y - b.y) < 2 && a.x !== b.x).toBe(true);
    await screenshot(page, 'merge-contacts');
  });

  it('merges after a confirm, opens the merged contact and says the other is in the trash', async () => {
    await page.getByRole('button', { name: 'Merge 2 contacts' }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge 2 contacts into Augusta Ada King?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Merge', exact: true }).click();
    await expectHeading(page, 'Augusta Ada King');
    await page.getByRole('status').getByText('Merged into Augusta Ada King. Ada Lovelace is in the trash', { exact: false }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/contacts/${king.id}`);
    await page.getByText('Wrote the first program').waitFor();
    expect(await alerts(page)).toEqual([]);

    const merged = await apiGet<ContactJson>(kith, token, `/api/contacts/${king.id}`);
    expect(merged.emails.map((e) => e.value)).toEqual(['ada@example.com', 'countess@example.com']);
    expect(merged.phones.map((p) => p.value)).toEqual(['+442079460958']);
    expect(merged).toMatchObject({ organization: 'Analytical Engines', notes: 'Wrote the first program' });
    const trash = await apiGet<{ items: Array<{ id: string }> }>(kith, token, '/api/contacts/trash');
    expect(trash.items.map((c) => c.id)).toEqual([lovelace.id]);

    await page.getByRole('link', { name: 'Duplicates', exact: true }).click();
    await page.getByText('No duplicates', { exact: true }).waitFor();
    expectNoProblems(tab.problems);
  });

  it('on a 360 px phone: stacked, fits the width, merges from the keyboard', async () => {
    const account = await registerVerified(kith);
    const phoneToken = await accessTokenFor(kith, account);
    for (const [firstName, phone] of [['Taras', '+380 50 123 4567'], ['Taras Shevchenko', '+380501234567'], ['Kobzar', '+380 (50) 123-45-67']] as const) {
      await createContact(kith, phoneToken, { firstName, phone, notes: `Note of ${firstName}` });
    }
    const phone = await openPage(browser, kith.url, PHONE);
    await signIn(phone.page, account);
    await phone.page.getByText('3 contacts').waitFor();
    await phone.page.getByRole('link', { name: 'Duplicates', exact: true }).click();
    const group = phone.page.getByRole('region', { name: /^Same phone number/ });
    await group.waitFor();
    expect(await fitsWidth(phone.page, PHONE.width)).toBe(true);
    await screenshot(phone.page, 'phone-duplicates');

    await group.getByRole('link', { name: /^Review and merge/ }).click();
    await expectHeading(phone.page, 'Merge contacts');
    const result = phone.page.getByRole('region', { name: 'The merged contact will hold' });
    await result.getByText('Note of Kobzar', { exact: false }).waitFor();
    const columns = phone.page.locator('.merge-choice');
    const [a, b] = [await columns.nth(0).boundingBox(), await columns.nth(1).boundingBox()];
    expect(a && b && b.y > a.y + a.height - 1 && Math.abs(a.x - b.x) < 2).toBe(true);
    expect(await fitsWidth(phone.page, PHONE.width)).toBe(true);
    await screenshot(phone.page, 'phone-merge-contacts');

    const mergeButton = phone.page.getByRole('button', { name: 'Merge 3 contacts' });
    await mergeButton.focus();
    await phone.page.keyboard.press('Enter');
    const dialog = phone.page.getByRole('dialog');
    await dialog.waitFor();
    // Cancel has the focus first; Tab reaches Merge.
    expect(await phone.page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await phone.page.keyboard.press('Tab');
    await phone.page.keyboard.press('Enter');
    await phone.page.getByRole('status').getByText('are in the trash', { exact: false }).waitFor();
    const list = await apiGet<{ items: ContactJson[] }>(kith, phoneToken, '/api/contacts');
    expect(list.items).toHaveLength(1);
    expect(list.items[0]!.notes?.split('\n\n').sort()).toEqual(['Note of Kobzar', 'Note of Taras', 'Note of Taras Shevchenko']);
    expect(await fitsWidth(phone.page, PHONE.width)).toBe(true);
    expectNoProblems(phone.problems);
    await phone.context.close();
  });
});
