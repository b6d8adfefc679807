import { describe, expect, it } from 'vitest';
import { type MailTemplate, renderMail } from './index.js';

const verifyLink = 'https://kith.example/verify-email?token=abc123_-XYZ';
const resetLink = 'https://kith.example/reset-password?token=def456_-UVW';

const samples: MailTemplate[] = [
  { template: 'verify-email', props: { name: 'Olena Kovalenko', link: verifyLink } },
  { template: 'reset-password', props: { name: 'Olena Kovalenko', link: resetLink, expiresInMinutes: 60 } },
  { template: 'password-changed', props: { name: 'Olena Kovalenko', changedAt: '2026-11-25T18:40:00.000Z' } },
  {
    template: 'birthday-reminder',
    props: {
      name: 'Olena Kovalenko',
      date: '2027-03-28',
      daysUntil: 7,
      birthdays: [
        { name: 'Taras Shevchenko', turning: 213 },
        { name: 'Lesya Ukrainka', turning: null },
      ],
      unsubscribeUrl: 'https://kith.example/reminders/unsubscribe?token=u.abc',
      oneClickUrl: 'https://kith.example/api/reminders/unsubscribe?token=u.abc',
      settingsUrl: 'https://kith.example/profile',
    },
  },
  {
    template: 'new-sign-in',
    props: {
      name: 'Olena Kovalenko',
      signedInAt: '2026-11-25T18:40:00.000Z',
      device: 'Chrome on Android',
      securityUrl: 'https://kith.example/security',
    },
  },
  {
    template: 'app-password-created',
    props: {
      name: 'Olena Kovalenko',
      passwordName: 'Olena’s phone',
      createdAt: '2026-11-25T18:40:00.000Z',
      securityUrl: 'https://kith.example/security',
    },
  },
  {
    template: 'two-factor-changed',
    props: { name: 'Olena Kovalenko', enabled: true, changedAt: '2026-11-25T18:40:00.000Z', securityUrl: 'https://kith.example/security' },
  },
];

describe('renderMail', () => {
  it.each(samples)('renders $template as HTML and plain text', async (mail) => {
    const { subject, html, text } = await renderMail(mail);

    expect(subject).toMatch(/Kith/);
    expect(html).toMatch(/^<!DOCTYPE html/);
    expect(html).toContain('Olena Kovalenko');
    expect(text).toContain('Hi Olena Kovalenko,');
    expect(text).not.toMatch(/<\/?[a-z][^>]*>/i);
    expect(text).not.toContain('&amp;');
  });

  it.each([
    { mail: samples[0]!, link: verifyLink, label: 'Confirm email address' },
    { mail: samples[1]!, link: resetLink, label: 'Choose a new password' },
  ])('gives the $mail.template link as a button and as plain text', async ({ mail, link, label }) => {
    const { html, text } = await renderMail(mail);

    // Button and bare link: the href twice, and the URL once more as visible text.
    expect(html.split(`href="${link}"`)).toHaveLength(3);
    expect(html).toContain(`>${link}</a>`);
    expect(html).toContain(label);
    // In the text part the URL stands alone on its line, once, so any client makes it clickable.
    expect(text.split('\n')).toContain(link);
    expect(text.split(link)).toHaveLength(2);
  });

  it('says how long a reset link lasts', async () => {
    const hour = await renderMail({ template: 'reset-password', props: { name: 'A', link: resetLink, expiresInMinutes: 60 } });
    const minutes = await renderMail({ template: 'reset-password', props: { name: 'A', link: resetLink, expiresInMinutes: 45 } });

    expect(hour.text).toContain('expires in 1 hour');
    expect(minutes.text).toContain('expires in 45 minutes');
  });

  it('tells the owner of a changed password when it happened and what to do if it was not them', async () => {
    const { text } = await renderMail(samples[2]!);

    expect(text).toContain('25 November 2026 at 18:40 UTC');
    expect(text).toMatch(/if this wasn't you, reset your password/i);
  });

  it.each(samples)('escapes a name with markup in the HTML of $template', async (mail) => {
    const name = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const { html, text } = await renderMail({ ...mail, props: { ...mail.props, name } } as MailTemplate);

    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;');
    // Plain text is not HTML: there the name is shown as typed.
    expect(text).toContain(name);
  });

  it('greets someone without a usable name', async () => {
    const { text } = await renderMail({ template: 'verify-email', props: { name: '   ', link: verifyLink } });

    expect(text).toContain('Hi there,');
  });

  it('lists the birthdays of a reminder, with the day, ages and an unsubscribe link in both parts and in the headers', async () => {
    const sample = samples[3] as Extract<MailTemplate, { template: 'birthday-reminder' }>;
    const birthdays = [sample.props.birthdays[0]!, { name: 'Lesya & <Ukrainka>', turning: null }];
    const { subject, html, text, headers } = await renderMail({ ...sample, props: { ...sample.props, birthdays } });

    expect(subject).toBe('In 7 days, on Sunday 28 March: 2 birthdays (Taras Shevchenko, Lesya & <Ukrainka>) · Kith');
    expect(text).toContain('On Sunday 28 March, these contacts have their birthday:');
    expect(text).toContain('Taras Shevchenko turns 213');
    expect(text).toMatch(/Lesya & <Ukrainka>\n/);
    expect(text).toContain('https://kith.example/reminders/unsubscribe?token=u.abc');
    expect(text).toContain('https://kith.example/profile');
    expect(html).toContain('href="https://kith.example/reminders/unsubscribe?token=u.abc"');
    expect(html).toContain('Lesya &amp; &lt;Ukrainka&gt;');
    expect(headers).toEqual({
      'List-Unsubscribe': '<https://kith.example/api/reminders/unsubscribe?token=u.abc>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect((await renderMail(samples[0]!)).headers).toBeUndefined();
  });

  it('says today and tomorrow in words, and the name alone for one birthday', async () => {
    const props = samples[3]!.props as Extract<MailTemplate, { template: 'birthday-reminder' }>['props'];
    const one = [{ name: 'Ada', turning: 36 }];
    const today = await renderMail({ template: 'birthday-reminder', props: { ...props, daysUntil: 0, birthdays: one } });
    const tomorrow = await renderMail({ template: 'birthday-reminder', props: { ...props, daysUntil: 1, birthdays: one } });

    expect(today.subject).toBe('Today: Ada’s birthday · Kith');
    expect(today.text).toContain('Today, it is the birthday of:');
    expect(tomorrow.subject).toBe('Tomorrow, Sunday 28 March: Ada’s birthday · Kith');
  });

  it('tells of a sign-in from a new device: when, which device, and what to do if it was not them', async () => {
    const { subject, html, text } = await renderMail(samples[4]!);

    expect(subject).toBe('New sign-in to your Kith account');
    expect(text).toContain('Device: Chrome on Android');
    expect(text).toContain('When: 25 November 2026 at 18:40 UTC');
    expect(text).toMatch(/if this wasn't you, change your password right away/i);
    expect(text).toMatch(/sign out any you don't recognise/);
    expect(text.split('\n')).toContain('https://kith.example/security');
    expect(html).toContain('href="https://kith.example/security"');
    expect(html).toContain('Review your devices');
  });

  it('tells of a new app password by name and time, with what to do if it was not them', async () => {
    const sample = samples[5] as Extract<MailTemplate, { template: 'app-password-created' }>;
    const { subject, html, text } = await renderMail({ ...sample, props: { ...sample.props, passwordName: 'Phone <b>&</b>' } });

    expect(subject).toBe('App password created for your Kith account');
    expect(text).toContain('A new app password named Phone <b>&</b> was created for your Kith account on 25 November 2026 at 18:40 UTC.');
    expect(text).toMatch(/if this wasn't you, revoke it and change your password/i);
    expect(text.split('\n')).toContain('https://kith.example/security');
    expect(html).toContain('Phone &lt;b&gt;&amp;&lt;/b&gt;');
    expect(html).not.toContain('<b>&</b>');
  });

  it('tells when two-step sign-in was turned on or off, and what to do if it was not them', async () => {
    const sample = samples[6] as Extract<MailTemplate, { template: 'two-factor-changed' }>;
    const on = await renderMail(sample);
    const off = await renderMail({ ...sample, props: { ...sample.props, enabled: false } });

    expect(on.subject).toBe('Two-step sign-in turned on for your Kith account');
    expect(on.text).toContain('Two-step sign-in was turned on for your Kith account on 25 November 2026 at 18:40 UTC.');
    expect(on.text).toMatch(/recovery codes somewhere safe/);
    expect(off.subject).toBe('Two-step sign-in turned off for your Kith account');
    expect(off.text).toContain('Signing in now takes only your password.');
    for (const { text, html } of [on, off]) {
      expect(text).toMatch(/if this wasn't you, someone knows your password/i);
      expect(text.split('\n')).toContain('https://kith.example/security');
      expect(html).toContain('href="https://kith.example/security"');
    }
  });

  it('refuses a template it does not know', async () => {
    await expect(renderMail({ template: 'nope', props: {} } as unknown as MailTemplate)).rejects.toThrow(/nope/);
  });
});
