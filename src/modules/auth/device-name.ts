import Bowser from 'bowser';

/** What is kept of a User-Agent header: enough to name any real browser, not a place to store essays. */
export const MAX_USER_AGENT_LENGTH = 512;

export const UNKNOWN_DEVICE = 'Unknown device';

/** The header as stored: trimmed, capped, and null when there is nothing to keep. */
export function storableUserAgent(userAgent: string | undefined | null): string | null {
  const trimmed = userAgent?.trim() ?? '';
  return trimmed ? trimmed.slice(0, MAX_USER_AGENT_LENGTH) : null;
}

/**
 * A name a person recognises their device by: "Chrome on Android", "Firefox on Windows". A client
 * the parser doesn't know (curl, a script) goes by the first word of its User-Agent ("curl"), and
 * a sign-in without one is an "Unknown device".
 *
 * The header is whatever the client chose to send, and the name appears in security emails, so
 * only names from the parser's own lists are used as they are; from anything else at most one
 * plain word is taken (never a sentence, address or phone number someone could plant there).
 */
export function deviceName(userAgent: string | null | undefined): string {
  const { browser, os } = parse(userAgent);
  if (browser && os) return `${browser} on ${os}`;
  if (browser || os) return browser || os;
  const word = /^[A-Za-z][A-Za-z0-9_-]{0,31}(?![A-Za-z0-9_-])/.exec(userAgent?.trim() ?? '')?.[0];
  return word ?? UNKNOWN_DEVICE;
}

/**
 * What makes two sign-ins "the same device" for the new-sign-in email: browser and operating system
 * by name, without versions (a browser update is not a new device); the raw header when the parser
 * recognises neither. All sign-ins without a User-Agent count as one device.
 */
export function deviceKey(userAgent: string | null | undefined): string {
  const { browser, os } = parse(userAgent);
  if (browser || os) return `${browser.toLowerCase()}|${os.toLowerCase()}`;
  return `raw:${userAgent?.trim() ?? ''}`;
}

/**
 * Whether a sign-in with `userAgent` comes from a device none of the earlier sessions had. False
 * with no earlier session (the first sign-in after registering), and false when no earlier session
 * recorded its User-Agent (sessions from before devices were remembered): there is nothing to
 * compare with, and every account's next sign-in would otherwise be "new".
 */
export function isNewDevice(userAgent: string | null, earlierUserAgents: ReadonlyArray<string | null>): boolean {
  if (!earlierUserAgents.some((earlier) => earlier !== null)) return false;
  const key = deviceKey(userAgent);
  return !earlierUserAgents.some((earlier) => deviceKey(earlier) === key);
}

// Bowser falls back to taking a browser "name" from the header itself; those are not in its lists.
const knownBrowsers: ReadonlySet<string> = new Set(Object.values(Bowser.BROWSER_MAP));
const knownSystems: ReadonlySet<string> = new Set(Object.values(Bowser.OS_MAP));

function parse(userAgent: string | null | undefined): { browser: string; os: string } {
  const header = userAgent?.trim();
  // Bowser throws on an empty string.
  if (!header) return { browser: '', os: '' };
  const parsed = Bowser.parse(header);
  const browser = parsed.browser.name ?? '';
  const os = parsed.os.name ?? '';
  return { browser: knownBrowsers.has(browser) ? browser : '', os: knownSystems.has(os) ? os : '' };
}
