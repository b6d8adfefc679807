import { readFile } from 'node:fs/promises';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerVerified } from './api.js';
import { launchBrowser, openPage, PHONE, screenshot } from './browser.js';
import { type RunningKith, startKith } from './kith.js';
import { expectHeading, expectNoProblems, fitsWidth, signIn } from './ui.js';

/** What the person's authenticator app shows `offsetMs` from now, computed by the test itself. */
const codeFor = (secret: string, offsetMs = 0) =>
  TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: Date.now() + offsetMs });

const section = (page: Page) => page.getByRole('region', { name: 'Two-step sign-in' }).or(page.locator('section.two-factor'));

async function openSecurity(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Profile' }).click();
  await expectHeading(page, 'Profile');
  await page.getByRole('link', { name: 'Sign-in & security' }).click();
  await expectHeading(page, 'Sign-in & security');
  await page.getByRole('heading', { name: 'Two-step sign-in', level: 2 }).waitFor();
}

/** Turns two-step on through the page; the setup key read off the page and the recovery codes. */
async function turnOn(page: Page, password: string, shots?: string): Promise<{ secret: string; codes: string[] }> {
  await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
  await page.getByRole('heading', { name: 'Step 1 of 3: confirm it’s you' }).waitFor();
  // The panel takes the focus; the password is the next stop for the keyboard.
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('region');
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');

  await page.getByRole('heading', { name: 'Step 2 of 3: add Kith to your authenticator app' }).waitFor();
  const qr = page.getByRole('img', { name: 'QR code for adding Kith to an authenticator app' });
  await qr.waitFor();
  expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
  const key = await page.locator('.copy-value', { hasText: 'Setup key' }).locator('code').innerText();
  const secret = key.replace(/\s+/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  const codeInput = page.getByLabel('Code from the app');
  expect(await codeInput.getAttribute('inputmode')).toBe('numeric');
  expect(await codeInput.getAttribute('autocomplete')).toBe('one-time-code');
  if (shots) await screenshot(page, `${shots}-scan`);

  // A wrong code first: said beside the field, and nothing turned on.
  const right = codeFor(secret);
  await codeInput.fill(right === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Turn on', exact: true }).click();
  await page.locator('.field-error', { hasText: 'That code is not right' }).waitFor();
  await codeInput.fill(codeFor(secret));
  await codeInput.press('Enter');

  await page.getByRole('heading', { name: 'Step 3 of 3: save your recovery codes' }).waitFor();
  const codes = await page.getByRole('list', { name: 'Recovery codes' }).locator('code').allInnerTexts();
  expect(codes).toHaveLength(10);
  for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}(?:-[a-z2-9]{5}){4}$/);
  if (shots) await screenshot(page, `${shots}-recovery-codes`);
  return { secret, codes };
}

async function signOut(page: Page): Promise<void> {
  await page.locator('header').getByRole('button', { name: 'Sign out' }).click();
  await expectHeading(page, 'Sign in');
}

/** Signed in: back on the page the person was on (or Contacts), with the app's header. */
async function expectSignedIn(page: Page): Promise<void> {
  await page.locator('header').getByRole('button', { name: 'Sign out' }).waitFor();
  await expectHeading(page, /^(Contacts|Sign-in & security)$/);
}

async function passwordStep(page: Page, account: { email: string; password: string }): Promise<void> {
  await page.goto('/sign-in');
  await expectHeading(page, 'Sign in');
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Two-step sign-in' }).waitFor();
}

describe('two-step sign-in in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;

  beforeAll(async () => {
    [kith, browser] = await Promise.all([startKith(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await kith?.close();
  });

  it('turns on with the QR code or key, keeps the recovery codes once, then signs in with a code and with a recovery code', async () => {
    const account = await registerVerified(kith);
    const { page, context, problems } = await openPage(browser, kith.url);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: kith.url });
    await signIn(page, account);
    await openSecurity(page);
    await section(page).getByText('Off', { exact: true }).waitFor();

    const { secret, codes } = await turnOn(page, account.password, 'two-factor-desktop');

    // Download (.txt) and Copy give the same ten codes.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download (.txt)' }).click()]);
    expect(download.suggestedFilename()).toBe('kith-recovery-codes.txt');
    const file = await readFile((await download.path()), 'utf8');
    for (const code of codes) expect(file).toContain(code);
    await page.getByRole('button', { name: 'Copy codes' }).click();
    await page.getByText('Recovery codes copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(codes.join('\n'));

    // Done only once the person says they saved them; then the codes are gone from the page.
    const done = page.getByRole('button', { name: 'Done', exact: true });
    expect(await done.isDisabled()).toBe(true);
    await page.getByLabel('I have saved my recovery codes').check();
    await done.click();
    await section(page).getByText('On', { exact: true }).waitFor();
    expect(await page.getByText(codes[0]!).count()).toBe(0);
    await kith.smtp!.waitFor((m) => m.to === account.email.toLowerCase() && /turned on/.test(m.subject), 10_000);
    await screenshot(page, 'two-factor-desktop-on');

    // Signing in now asks for a code after the password. The code that turned it on is spent, so
    // the next step's code (accepted as one step of drift) is what the "app" shows.
    await signOut(page);
    await passwordStep(page, account);
    const codeInput = page.getByLabel('Code from your authenticator app');
    expect(await codeInput.getAttribute('inputmode')).toBe('numeric');
    expect(await codeInput.getAttribute('autocomplete')).toBe('one-time-code');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('two-factor-code');
    await screenshot(page, 'two-factor-desktop-sign-in-code');
    await page.keyboard.type('123 456'.replace(/\d/g, (d) => String((Number(d) + Number(codeFor(secret, 30_000)[0])) % 10)));
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByText(/That code is not right/).waitFor();
    await codeInput.fill(codeFor(secret, 30_000));
    await codeInput.press('Enter');
    await expectSignedIn(page);

    // And with a recovery code instead, typed in capitals.
    await signOut(page);
    await passwordStep(page, account);
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(codes[0]!.toUpperCase());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectSignedIn(page);

    // The same recovery code a second time is refused.
    await signOut(page);
    await passwordStep(page, account);
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(codes[0]!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText(/That code is not right \(or was already used\)/).waitFor();
    await page.getByRole('button', { name: 'Start again with your password' }).click();
    await page.getByLabel('Password', { exact: true }).waitFor();

    expectNoProblems(problems);
    await context.close();
  });

  it('works on a 360 px phone: turning on, signing in with a code, turning off', async () => {
    const account = await registerVerified(kith);
    const { page, context, problems } = await openPage(browser, kith.url, PHONE);
    await signIn(page, account);
    await openSecurity(page);
    const { secret, codes } = await turnOn(page, account.password, 'two-factor-phone');
    expect(await fitsWidth(page, PHONE.width)).toBe(true);
    await page.getByLabel('I have saved my recovery codes').check();
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await section(page).getByText('On', { exact: true }).waitFor();

    await signOut(page);
    await passwordStep(page, account);
    expect(await fitsWidth(page, PHONE.width)).toBe(true);
    await screenshot(page, 'two-factor-phone-sign-in-code');
    await page.getByLabel('Code from your authenticator app').fill(codeFor(secret, 30_000));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectSignedIn(page);
    await page.goto('/contacts');
    await expectHeading(page, 'Contacts');

    // Off again with the password and a recovery code.
    await openSecurity(page);
    await page.getByRole('button', { name: 'Turn off two-step sign-in' }).click();
    await section(page).getByLabel('Your password').fill(account.password);
    await section(page).getByLabel('Code from your authenticator app, or a recovery code').fill(codes[9]!);
    expect(await fitsWidth(page, PHONE.width)).toBe(true);
    await screenshot(page, 'two-factor-phone-turn-off');
    await page.getByRole('button', { name: 'Turn off', exact: true }).click();
    await page.getByText('Two-step sign-in is off. Signing in takes only your password.').waitFor();
    await section(page).getByText('Off', { exact: true }).waitFor();

    // The password alone signs in again.
    await signOut(page);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectSignedIn(page);
    expectNoProblems(problems);
    await context.close();
  });
});
