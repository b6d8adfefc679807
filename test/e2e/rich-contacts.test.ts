import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, createContact, deleteContact, registerVerified, uploadContactPhoto } from './api.js';
import { launchBrowser, openPage, PHONE, screenshot, type TestPage } from './browser.js';
import { type RunningKith, startKith } from './kith.js';
import { expectHeading, expectNoProblems, fitsWidth, signIn } from './ui.js';

/** A small photo: a soft gradient with a darker disc, so the screenshots show a real picture. */
function photo(colour: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240">
    <rect width="240" height="240" fill="${colour}"/><circle cx="120" cy="100" r="50" fill="#ffffff" opacity="0.7"/>
    <rect x="50" y="160" width="140" height="90" rx="45" fill="#ffffff" opacity="0.7"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

const hrefs = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((links) => links.map((a) => a.getAttribute('href')));

const activeName = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('name') ?? null);
const activeText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? null);

const imageLoaded = (page: Page, selector: string) =>
  page.locator(selector).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);

// A contact with everything a phone's address book holds, from the form to the trash and back.
describe('contacts with several phones, emails, an address and a photo, and the trash, in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;
  let tab: TestPage;
  let page: Page;
  let token = '';
  let account: { email: string; password: string };

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

  it('makes a contact with two phones, two emails, an address, a website and a photo', async () => {
    await page.getByRole('link', { name: 'New contact' }).click();
    await expectHeading(page, 'New contact');
    await page.getByLabel('First name').fill('Grace');
    await page.getByLabel('Last name').fill('Hopper');
    await page.getByLabel('Company').fill('US Navy');
    await page.getByLabel('Job title').fill('Rear Admiral');

    // One phone row and one email row wait ready; "Add" makes another and puts the cursor in it.
    await page.getByLabel('Phone', { exact: true }).fill('+1 212 555 0100');
    expect(await page.getByLabel('Label for phone', { exact: true }).inputValue()).toBe('mobile');
    await page.getByRole('button', { name: 'Add phone' }).click();
    expect(await activeName(page)).toBe('phones.1.value');
    await page.keyboard.type('+44 20 7946 0958');
    await page.getByLabel('Label for phone 2', { exact: true }).selectOption({ label: 'Work' });
    // A third row left blank is not an entry: it is simply not sent.
    await page.getByRole('button', { name: 'Add phone' }).click();

    await page.getByLabel('Email', { exact: true }).fill('grace@example.com');
    await page.getByRole('button', { name: 'Add email' }).click();
    await page.getByLabel('Email 2', { exact: true }).fill('not-an-email');
    await page.getByLabel('Email 2', { exact: true }).blur();
    // The schema's message lands beside the row it is about.
    const email2 = page.getByLabel('Email 2', { exact: true });
    await page.locator(`#${await email2.getAttribute('id')}-error`).getByText('Enter a valid email address').waitFor();
    expect(await email2.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Email', { exact: true }).getAttribute('aria-invalid')).toBeNull();
    await email2.fill('Grace@Navy.example.mil');
    await expect.poll(() => email2.getAttribute('aria-invalid')).toBeNull();
    await page.getByLabel('Label for email 2', { exact: true }).selectOption({ label: 'Custom…' });
    // The focus stays on the picker; the typed label's input is the next stop.
    await page.getByLabel('Label for email 2', { exact: true }).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id.endsWith('-custom'))).toBe(true);
    await page.getByLabel('Custom label for email 2', { exact: true }).fill('Navy');

    await page.getByRole('button', { name: 'Add address' }).click();
    await page.getByLabel('Street', { exact: true }).fill('1 Main Street');
    await page.getByLabel('Town or city', { exact: true }).fill('Arlington');
    await page.getByLabel('State or region', { exact: true }).fill('VA');
    await page.getByLabel('Postal code', { exact: true }).fill('22201');
    await page.getByLabel('Country', { exact: true }).fill('United States');
    await page.getByRole('button', { name: 'Add website' }).click();
    await page.getByLabel('Website', { exact: true }).fill('https://grace.example.com');

    await page
      .getByLabel(/Choose a photo/)
      .setInputFiles({ name: 'grace.png', mimeType: 'image/png', buffer: await photo('#7a9cc6') });
    const preview = page.getByRole('img', { name: 'Preview of the new photo' });
    await preview.waitFor();
    expect(await preview.getAttribute('src')).toMatch(/^blob:/);
    await screenshot(page, 'contact-form-rich');

    await page.getByRole('button', { name: 'Save contact' }).click();
    await expectHeading(page, 'Grace Hopper');
    await page.getByText('Grace Hopper was added.').waitFor();
  });

  it('shows every phone as a tel: link, every email as mailto:, the address with a map, the website and the photo', async () => {
    expect(await hrefs(page, '.details a[href^="tel:"]')).toEqual(['tel:+12125550100', 'tel:+442079460958']);
    expect(await hrefs(page, '.details a[href^="mailto:"]')).toEqual([
      'mailto:grace@example.com',
      'mailto:grace@navy.example.mil',
    ]);
    await page.getByRole('link', { name: '+1 212 555 0100' }).waitFor();
    await page.getByText('1 Main Street', { exact: true }).waitFor();
    await page.getByText('Arlington, VA 22201', { exact: true }).waitFor();
    await page.getByText('United States', { exact: true }).waitFor();
    const map = page.getByRole('link', { name: /Show on map/ });
    expect(await map.getAttribute('href')).toBe(
      `https://www.openstreetmap.org/search?query=${encodeURIComponent('1 Main Street, 22201, Arlington, VA, United States')}`,
    );
    expect(await map.getAttribute('rel')).toBe('noopener noreferrer');
    const site = page.getByRole('link', { name: 'grace.example.com' });
    expect(await site.getAttribute('href')).toBe('https://grace.example.com');
    expect(await site.getAttribute('rel')).toBe('noopener noreferrer');
    // Suggested labels are shown capitalised, a typed one as typed.
    expect(await page.locator('.details .entry-tag').allInnerTexts()).toEqual(['Mobile', 'Work', 'Home', 'Navy', 'Home']);
    await page.getByText('Rear Admiral · US Navy').waitFor();
    await page.getByRole('img', { name: 'Photo of Grace Hopper' }).waitFor();
    await expect.poll(() => imageLoaded(page, '.contact-heading img')).toBe(true);
    await screenshot(page, 'contact-detail-rich');

    // The list shows the photo instead of the initials.
    await page.getByRole('link', { name: 'Contacts', exact: true }).click();
    await page.getByText('1 contact').waitFor();
    await expect.poll(() => imageLoaded(page, '.contact-row img.contact-photo')).toBe(true);
    expect(await page.locator('.contact-row .initials').count()).toBe(0);
    await page.getByText('US Navy · grace@example.com · +1 212 555 0100').waitFor();
  });

  it('edits the lists, with the server’s message beside the row it is about', async () => {
    await page.locator('.contact-row', { hasText: 'Grace Hopper' }).click();
    await expectHeading(page, 'Grace Hopper');
    await page.getByRole('link', { name: 'Edit' }).click();
    await expectHeading(page, 'Edit Grace Hopper');
    expect(await page.getByLabel('Custom label for email 2', { exact: true }).inputValue()).toBe('Navy');

    await page.getByRole('button', { name: 'Remove phone 2' }).click();
    expect(await activeText(page)).toBe('+ Add phone');
    await page.getByRole('button', { name: 'Add phone' }).click();
    await page.getByRole('button', { name: 'Add phone' }).click();
    // Phone 2 stays blank, so this number is the second one sent (phones.1), shown at Phone 3.
    await page.getByLabel('Phone 3', { exact: true }).fill('050 123 4567');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const phone3 = page.getByLabel('Phone 3', { exact: true });
    await page.locator(`#${await phone3.getAttribute('id')}-error`).getByText('Add the country code').waitFor();
    expect(await phone3.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Phone 2', { exact: true }).getAttribute('aria-invalid')).toBeNull();
    expect(await activeName(page)).toBe('phones.2.value');

    await phone3.fill('+1 212 555 0199');
    await page.getByLabel('Label for phone', { exact: true }).selectOption({ label: 'Home' });
    await page.getByLabel('Job title').fill('Computer scientist');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expectHeading(page, 'Grace Hopper');
    await page.getByText('Changes saved.').waitFor();
    expect(await hrefs(page, '.details a[href^="tel:"]')).toEqual(['tel:+12125550100', 'tel:+12125550199']);
    expect(await page.locator('.details .entry-tag').allInnerTexts()).toEqual(['Home', 'Mobile', 'Home', 'Navy', 'Home']);
    await page.getByText('Computer scientist · US Navy').waitFor();
    await expect.poll(() => imageLoaded(page, '.contact-heading img')).toBe(true);
  });

  const deleteFromDetail = async () => {
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Grace Hopper?' });
    await dialog.getByText('moves to the trash').waitFor();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expectHeading(page, 'Contacts');
  };

  it('deletes it, and Undo (by keyboard) brings it back', async () => {
    await deleteFromDetail();
    const notice = page.getByRole('status').filter({ hasText: 'Grace Hopper was moved to the trash.' });
    await notice.waitFor();
    await page.getByText('No contacts yet.').waitFor();
    await screenshot(page, 'contacts-undo');
    // Focus is on the heading; the page's main action, then Undo, are the next stops.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await page.keyboard.press('Tab');
    expect(await activeText(page)).toBe('New contact');
    await page.keyboard.press('Tab');
    expect(await activeText(page)).toBe('Undo');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Grace Hopper is back in your contacts.' }).waitFor();
    await expect.poll(() => page.locator('.contact-name').allInnerTexts()).toEqual(['Grace Hopper']);
    // A reload doesn't offer Undo again.
    await page.reload();
    await page.getByText('Grace Hopper is back in your contacts.').waitFor();
    expect(await page.getByRole('button', { name: 'Undo' }).count()).toBe(0);
  });

  it('deletes it again and restores it from the trash page', async () => {
    const alan = await createContact(kith, token, { firstName: 'Alan', lastName: 'Turing' });
    await deleteContact(kith, token, alan.id);
    await page.locator('.contact-row', { hasText: 'Grace Hopper' }).click();
    await expectHeading(page, 'Grace Hopper');
    await deleteFromDetail();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Trash' }).click();
    await expectHeading(page, 'Trash');
    const rows = page.locator('.trash-row');
    // Newest deletion first, each saying when it goes for good.
    await expect.poll(() => rows.locator('.contact-name').allInnerTexts()).toEqual(['Grace Hopper', 'Alan Turing']);
    await rows.first().getByText('deleted for good in 30 days').waitFor();
    await expect.poll(() => imageLoaded(page, '.trash-row img.contact-photo')).toBe(true);
    await screenshot(page, 'trash');

    await page.getByRole('button', { name: 'Restore Grace Hopper' }).click();
    await page.getByRole('status').filter({ hasText: 'Grace Hopper is back in your contacts.' }).waitFor();
    await expect.poll(() => rows.locator('.contact-name').allInnerTexts()).toEqual(['Alan Turing']);
    await page.getByRole('link', { name: 'Open Grace Hopper' }).click();
    await expectHeading(page, 'Grace Hopper');
    expect(await hrefs(page, '.details a[href^="tel:"]')).toEqual(['tel:+12125550100', 'tel:+12125550199']);
  });

  it('deletes one forever, after asking, and empties the trash', async () => {
    await deleteFromDetail();
    await page.getByRole('link', { name: 'Open the trash' }).click();
    await expectHeading(page, 'Trash');
    await page.getByRole('button', { name: 'Delete forever Grace Hopper' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Grace Hopper forever?' });
    await dialog.getByText("This can't be undone.").waitFor();
    expect(await activeText(page)).toBe('Cancel');
    await screenshot(page, 'trash-delete-forever');
    await dialog.getByRole('button', { name: 'Delete forever' }).click();
    await page.getByRole('status').filter({ hasText: 'Grace Hopper was deleted for good.' }).waitFor();
    await expect.poll(() => page.locator('.trash-row .contact-name').allInnerTexts()).toEqual(['Alan Turing']);
    const trash = (await (
      await fetch(`${kith.url}/api/contacts/trash`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { items: Array<{ firstName: string }> };
    expect(trash.items.map((c) => c.firstName)).toEqual(['Alan']);

    await page.getByRole('button', { name: 'Empty trash' }).click();
    const empty = page.getByRole('dialog', { name: 'Empty the trash?' });
    await empty.getByText('The contact in the trash will be gone for good.').waitFor();
    await empty.getByRole('button', { name: 'Empty trash' }).click();
    await page.getByText('The trash is empty now.').waitFor();
    await page.getByText('The trash is empty.', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Contacts', exact: true }).click();
    await page.getByText('No contacts yet.').waitFor();
    expectNoProblems(tab.problems);
  });
});

describe('the rich contact form, detail page and trash on a 360 × 740 phone, in Chromium', () => {
  let kith: RunningKith;
  let browser: Browser;
  let tab: TestPage;
  let page: Page;
  let id = '';

  beforeAll(async () => {
    [kith, browser] = await Promise.all([startKith(), launchBrowser()]);
    const account = await registerVerified(kith);
    const token = await accessTokenFor(kith, account);
    const contact = await createContact(kith, token, {
      firstName: 'Oluwaseun',
      lastName: 'Adebayo-Featherstonehaugh',
      organization: 'The Very Long Name Cartography and Surveying Company Ltd',
      jobTitle: 'Principal surveyor',
      phones: [
        { value: '+44 20 7946 0958', label: 'mobile' },
        { value: '+234 803 123 4567', label: 'Lagos office' },
      ],
      emails: [
        { value: 'oluwaseun.adebayo@a-rather-long-domain-name.example.com', label: 'work' },
        { value: 'seun@example.com', label: 'home' },
      ],
      addresses: [
        {
          label: 'home',
          street: 'Flat 4, 221 Upper Featherstonehaugh Gardens',
          locality: 'London',
          region: null,
          postalCode: 'NW1 6XE',
          country: 'United Kingdom',
        },
      ],
      websites: [{ value: 'https://surveying.example.com/people/oluwaseun-adebayo', label: 'work' }],
      notes: 'Met at the map fair.',
    });
    id = contact.id;
    await uploadContactPhoto(kith, token, id, await photo('#c98a5a'));
    const gone = await createContact(kith, token, { firstName: 'Bartholomew', lastName: 'Wolfeschlegelsteinhausen' });
    await deleteContact(kith, token, gone.id);
    tab = await openPage(browser, kith.url, PHONE);
    page = tab.page;
    await signIn(page, account);
  });
  afterAll(async () => {
    await browser?.close();
    await kith?.close();
  });

  // Every loading status gone, however many sections are loading side by side.
  const settle = () => expect.poll(() => page.getByRole('status').filter({ hasText: /Loading/ }).count(), { timeout: 15_000 }).toBe(0);

  it('shows the detail page within the width', async () => {
    await page.goto(`/contacts/${id}`);
    await expectHeading(page, /Oluwaseun/);
    await settle();
    await expect.poll(() => imageLoaded(page, '.contact-heading img')).toBe(true);
    expect(await hrefs(page, '.details a[href^="tel:"]')).toEqual(['tel:+442079460958', 'tel:+2348031234567']);
    await screenshot(page, 'phone-contact-detail-rich');
    expect(await fitsWidth(page, PHONE.width)).toBe(true);
  });

  it('shows the edit form with its rows within the width', async () => {
    await page.getByRole('link', { name: 'Edit' }).click();
    await expectHeading(page, /Edit Oluwaseun/);
    expect(await page.getByLabel('Custom label for phone 2', { exact: true }).inputValue()).toBe('Lagos office');
    await page.getByRole('button', { name: 'Add phone' }).click();
    await page.getByLabel('Phone 3', { exact: true }).fill('12');
    await page.getByLabel('Phone 3', { exact: true }).blur();
    await page.getByRole('button', { name: 'Add address' }).click();
    await page.getByLabel('Street, address 2', { exact: true }).fill('2 Marina Road');
    await page.getByLabel('Website', { exact: true }).fill('not a web address');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Enter a web address starting with http:// or https://').waitFor();
    await screenshot(page, 'phone-contact-form-rich');
    expect(await fitsWidth(page, PHONE.width)).toBe(true);
    await page.getByRole('link', { name: 'Cancel' }).click();
    await expectHeading(page, /Oluwaseun/);
  });

  it('shows the contacts list and the trash within the width', async () => {
    await page.goto('/contacts');
    await page.getByText('1 contact').waitFor();
    await expect.poll(() => imageLoaded(page, '.contact-row img.contact-photo')).toBe(true);
    await screenshot(page, 'phone-contacts-photo');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Trash' }).click();
    await expectHeading(page, 'Trash');
    await page.locator('.trash-row .contact-name').getByText('Bartholomew Wolfeschlegelsteinhausen').waitFor();
    await screenshot(page, 'phone-trash');
    expect(await fitsWidth(page, PHONE.width)).toBe(true);
  });

  it('removes the photo when the form is saved, and shows the initials again', async () => {
    await page.goto(`/contacts/${id}/edit`);
    await expectHeading(page, /Edit Oluwaseun/);
    expect(await page.getByLabel('Phone', { exact: true }).inputValue()).toBe('+44 20 7946 0958');
    await page.getByRole('button', { name: 'Remove photo' }).click();
    await page.getByText('The photo is removed when you save the contact.').waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Changes saved.').waitFor();
    await page.locator('.contact-heading .initials').waitFor();
    expect(await page.locator('.contact-heading img').count()).toBe(0);
    expectNoProblems(tab.problems);
  });
});
