import { Body } from '@react-email/body';
import { Button } from '@react-email/button';
import { Container } from '@react-email/container';
import { Head } from '@react-email/head';
import { Heading } from '@react-email/heading';
import { Hr } from '@react-email/hr';
import { Html } from '@react-email/html';
import { Link } from '@react-email/link';
import { Preview } from '@react-email/preview';
import { Section } from '@react-email/section';
import { Text } from '@react-email/text';
import type { CSSProperties, ReactNode } from 'react';

/** The one frame every Kith email is drawn in: wordmark, heading, body, quiet footer. */
export function Layout({ preview, heading, children }: { preview: string; heading: string; children: ReactNode }) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={body}>
        <Container style={container}>
          <Text style={wordmark}>Kith</Text>
          <Heading as="h1" style={title}>
            {heading}
          </Heading>
          {children}
          <Hr style={rule} />
          <Text style={footer}>
            Sent by Kith, your self-hosted contacts service. This is an automated message; replies are not read.
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

export function Greeting({ name }: { name: string }) {
  return <Paragraph>Hi {name.trim() || 'there'},</Paragraph>;
}

export function Paragraph({ children, muted = false }: { children: ReactNode; muted?: boolean }) {
  return <Text style={muted ? mutedParagraph : paragraph}>{children}</Text>;
}

/**
 * The call to action, twice: a button for mail clients that draw HTML, and the bare URL for those
 * that don't (or that mangle buttons). The button is left out of the plain-text part, where the
 * bare URL already stands on its own line.
 */
export function ActionLink({ href, label }: { href: string; label: string }) {
  return (
    <>
      <Section style={buttonRow}>
        <Button href={href} style={button} data-skip-in-text="true">
          {label}
        </Button>
      </Section>
      <Paragraph muted>Or copy this link into your browser:</Paragraph>
      <Text style={urlText}>
        <Link href={href} style={urlLink}>
          {href}
        </Link>
      </Text>
    </>
  );
}

const fontFamily =
  '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial, sans-serif, "Apple Color Emoji"';

const body: CSSProperties = { backgroundColor: '#f4f4f5', margin: 0, padding: '24px 0', fontFamily };
const container: CSSProperties = {
  backgroundColor: '#ffffff',
  border: '1px solid #e4e4e7',
  borderRadius: '8px',
  margin: '0 auto',
  maxWidth: '520px',
  padding: '32px',
};
const wordmark: CSSProperties = { color: '#4f46e5', fontSize: '20px', fontWeight: 700, margin: '0 0 24px' };
const title: CSSProperties = { color: '#18181b', fontSize: '22px', fontWeight: 600, margin: '0 0 16px' };
const paragraph: CSSProperties = { color: '#27272a', fontSize: '15px', lineHeight: '24px', margin: '0 0 16px' };
const mutedParagraph: CSSProperties = { ...paragraph, color: '#71717a', fontSize: '13px', lineHeight: '20px' };
const buttonRow: CSSProperties = { margin: '8px 0 24px' };
const button: CSSProperties = {
  backgroundColor: '#4f46e5',
  borderRadius: '6px',
  color: '#ffffff',
  display: 'inline-block',
  fontSize: '15px',
  fontWeight: 600,
  padding: '12px 20px',
  textDecoration: 'none',
};
const urlText: CSSProperties = { ...mutedParagraph, wordBreak: 'break-all' };
const urlLink: CSSProperties = { color: '#4f46e5' };
const rule: CSSProperties = { borderColor: '#e4e4e7', margin: '24px 0 16px' };
const footer: CSSProperties = { color: '#a1a1aa', fontSize: '12px', lineHeight: '18px', margin: 0 };
