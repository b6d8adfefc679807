import { describe, expect, it } from 'vitest';
import { type MailTemplate, renderMail } from './index.js';

const link = 'https://kith.example/confirm-email?token=abc123_-XYZ';

const change: MailTemplate = {
  template: 'email-change',
  props: { name: 'Olena Kovalenko', newEmail: 'olena@new.example', link, expiresInHours: 24 },
};
const changed: MailTemplate = {
  template: 'email-changed',
  props: { name: 'Olena Kovalenko', oldEmail: 'olena@old.example', newEmail: 'olena@new.example', changedAt: '2026-11-25T18:40:00.000Z' },
};
const deleted: MailTemplate = { template: 'account-deleted', props: { name: 'Olena Kovalenko', deletedAt: '2026-11-25T18:40:00.000Z' } };

describe('the account emails', () => {
  it.each([change, changed, deleted])('renders $template as HTML and plain text', async (mail) => {
    const { subject, html, text } = await renderMail(mail);
    expect(subject).toMatch(/Kith/);
    expect(html).toMatch(/^<!DOCTYPE html/);
    expect(text).toContain('Hi Olena Kovalenko,');
    expect(text).not.toMatch(/<\/?[a-z][^>]*>/i);
    expect(text).not.toContain('&amp;');
  });

  it('gives the confirmation link to the new address as a button and as plain text, and how long it lasts', async () => {
    const { subject, html, text } = await renderMail(change);
    expect(subject).toBe('Confirm your new email address for Kith');
    expect(html.split(`href="${link}"`)).toHaveLength(3);
    expect(html).toContain('Confirm new email address');
    expect(text.split('\n')).toContain(link);
    expect(text.split(link)).toHaveLength(2);
    expect(text).toContain('olena@new.example');
    expect(text).toContain('expires in 24 hours');
  });

  it('tells the old address where the account went, when, and what to do if it was not them, with no link at all', async () => {
    const { subject, html, text } = await renderMail(changed);
    expect(subject).toBe('Your Kith email address was changed');
    expect(text).toContain('Your Kith email address was changed to olena@new.example on 25 November 2026 at 18:40 UTC');
    expect(text).toMatch(/if this wasn't you/i);
    expect(text).toMatch(/change your password/i);
    expect(text).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<a\s/i);
  });

  it('says goodbye: what was deleted, that it is for good, that the address may sign up again', async () => {
    const { subject, html, text } = await renderMail(deleted);
    expect(subject).toBe('Your Kith account was deleted');
    expect(text).toContain('25 November 2026 at 18:40 UTC');
    expect(text).toMatch(/contacts .*photos.*gone for good/s);
    expect(text).toMatch(/sign up again/);
    expect(html).not.toMatch(/<a\s/i);
  });

  it.each([change, changed, deleted])('escapes markup in the name and addresses in the HTML of $template', async (mail) => {
    const evil = '<script>alert("x")</script>';
    const props = { ...mail.props, name: evil, ...('newEmail' in mail.props ? { newEmail: `${evil}@x.example` } : {}) };
    const { html, text } = await renderMail({ ...mail, props } as MailTemplate);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(text).toContain(evil);
  });
});
