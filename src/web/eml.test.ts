import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { decodeHeader, parseEml } from './eml.js';

// Messages composed exactly as the file mailer composes them (src/mail/mailer.ts).
async function compose(message: { subject: string; text: string; html?: string; to?: string }): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const info = await transport.sendMail({
    from: 'Kith <no-reply@localhost>',
    to: message.to ?? 'ada@example.com',
    subject: message.subject,
    text: message.text,
    html: message.html ?? `<p>${message.text}</p>`,
    messageId: '<0f6e@kith>',
  });
  if (!Buffer.isBuffer(info.message)) throw new Error('not buffered');
  return info.message;
}

describe('parseEml', () => {
  it('reads subject, addresses, date and the plain text of a multipart message', async () => {
    const raw = await compose({
      subject: 'Confirm your email',
      text: 'Hello Ada,\n\nOpen http://localhost:3000/verify-email?token=abc',
    });
    const mail = parseEml(raw);
    expect(mail.subject).toBe('Confirm your email');
    expect(mail.to).toBe('ada@example.com');
    expect(mail.from).toBe('Kith <no-reply@localhost>');
    expect(mail.date).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(mail.text).toBe('Hello Ada,\n\nOpen http://localhost:3000/verify-email?token=abc');
  });

  it('decodes non-ASCII subjects and quoted-printable bodies with long links, as mailparser does', async () => {
    const link = `http://localhost:3000/reset-password?token=${'x'.repeat(120)}`;
    const text = `Привіт, Zoë! Ваш пароль — ключ 🔑\n\n${link}\n\nÀ bientôt.`;
    const raw = await compose({ subject: 'Скидання пароля — Kith ✓', text, to: 'zoë@example.com' });
    const mine = parseEml(raw);
    const reference = await simpleParser(raw);
    expect(mine.subject).toBe(reference.subject);
    expect(mine.subject).toBe('Скидання пароля — Kith ✓');
    expect(mine.text).toBe((reference.text ?? '').trimEnd());
    expect(mine.text).toContain(link);
  });

  it('falls back to the HTML part without its tags when there is no plain text', () => {
    const raw = Buffer.from(
      [
        'Subject: Hi',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>Hello &amp; welcome</p><p><a href="x">link</a></p>',
      ].join('\n'),
    );
    expect(parseEml(raw).text).toBe('Hello & welcome\nlink');
  });

  it('copes with a message that has no date or body', () => {
    const mail = parseEml(Buffer.from('Subject: nothing\n'));
    expect(mail).toMatchObject({ subject: 'nothing', text: '', date: undefined });
  });
});

describe('decodeHeader', () => {
  it('joins adjacent encoded words and decodes both B and Q encodings', () => {
    expect(decodeHeader('=?UTF-8?B?0J/RgNC40LLRltGC?= =?UTF-8?Q?_=E2=9C=93?=')).toBe('Привіт ✓');
    expect(decodeHeader('plain words')).toBe('plain words');
  });
});
