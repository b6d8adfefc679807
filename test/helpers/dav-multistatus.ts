/**
 * Reads a 207 Multi-Status body the way a client does: namespace-aware, by `{namespace}name`,
 * whatever prefixes the server chose. Written on saxes directly rather than on the server's own
 * request parser, so a test never checks the server's XML with the server's code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SaxesParser } from 'saxes';

export const DAV = 'DAV:';
export const CARD = 'urn:ietf:params:xml:ns:carddav';
export const CS = 'http://calendarserver.org/ns/';

/** `{namespace}name`. */
export const key = (ns: string, name: string) => `{${ns}}${name}`;
export const d = (name: string) => key(DAV, name);
export const card = (name: string) => key(CARD, name);
export const cs = (name: string) => key(CS, name);

export interface Node {
  key: string;
  children: Node[];
  /** The text directly inside this element. */
  text: string;
  /** Attributes by local name. */
  attrs: Record<string, string>;
}

export interface Prop {
  /** The status line of the propstat it came in. */
  status: string;
  node: Node;
}

export interface DavResponse {
  href: string;
  /** A whole-response status (a removed member, an unknown href), if any. */
  status?: string;
  /** Every property by `{ns}name`, with its propstat's status. */
  props: Map<string, Prop>;
}

export interface Multistatus {
  responses: DavResponse[];
  syncToken?: string;
  byHref(href: string): DavResponse;
}

export function parseXmlTree(xml: string): Node {
  const parser = new SaxesParser({ xmlns: true });
  const stack: Node[] = [];
  let root: Node | undefined;
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes)) attrs[attribute.local] = attribute.value;
    const node: Node = { key: key(tag.uri ?? '', tag.local ?? tag.name), children: [], text: '', attrs };
    stack.at(-1)?.children.push(node);
    root ??= node;
    stack.push(node);
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  if (!root) throw new Error('no XML root');
  return root;
}

const kids = (node: Node | undefined, k: string) => node?.children.filter((c) => c.key === k) ?? [];
export const kid = (node: Node | undefined, k: string) => kids(node, k)[0];
/** The keys of an element's children: `resourcetype` → ['{DAV:}collection', ...]. */
export const childKeys = (node: Node | undefined) => node?.children.map((c) => c.key) ?? [];
/** Every `DAV:href` at any depth below the element. */
export const hrefsIn = (node: Node | undefined): string[] =>
  node ? node.children.flatMap((c) => (c.key === d('href') ? [c.text.trim()] : hrefsIn(c))) : [];

export function parseMultistatus(xml: string): Multistatus {
  const root = parseXmlTree(xml);
  if (root.key !== d('multistatus')) throw new Error(`not a multistatus: ${root.key}`);
  const responses = kids(root, d('response')).map((r): DavResponse => {
    const props = new Map<string, Prop>();
    for (const propstat of kids(r, d('propstat'))) {
      const status = kid(propstat, d('status'))?.text.trim() ?? '';
      for (const node of kid(propstat, d('prop'))?.children ?? []) props.set(node.key, { status, node });
    }
    const status = kid(r, d('status'))?.text.trim();
    return { href: kid(r, d('href'))?.text.trim() ?? '', props, ...(status !== undefined ? { status } : {}) };
  });
  const syncToken = kid(root, d('sync-token'))?.text.trim();
  return {
    responses,
    ...(syncToken !== undefined ? { syncToken } : {}),
    byHref(href) {
      const found = responses.find((r) => r.href === href);
      if (!found) throw new Error(`no response for ${href}; got ${responses.map((r) => r.href).join(', ')}`);
      return found;
    },
  };
}

export const OK = 'HTTP/1.1 200 OK';
export const NOT_FOUND = 'HTTP/1.1 404 Not Found';

/** The value of a property that must have come back 200. */
export function propOk(response: DavResponse, k: string): Node {
  const prop = response.props.get(k);
  if (!prop) throw new Error(`${response.href}: no ${k} in the answer`);
  if (prop.status !== OK) throw new Error(`${response.href}: ${k} came with "${prop.status}"`);
  return prop.node;
}

/** A request recorded in a fixture file: `METHOD path`, headers, a blank line, the body. */
export interface FixtureRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Loads test/fixtures/dav/<client>/<file>, filling `{{name}}` from `vars` (a missing one is an
 * error). Files are kept with LF line ends; a text/vcard body is sent with CRLF, as every client
 * writes vCards.
 */
export function loadFixture(client: string, file: string, vars: Record<string, string> = {}): FixtureRequest {
  const raw = readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'dav', client, file), 'utf8').replace(/\r\n/g, '\n');
  const filled = raw.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`${client}/${file}: no value for {{${name}}}`);
    return value;
  });
  const split = filled.indexOf('\n\n');
  const head = split === -1 ? filled.trimEnd() : filled.slice(0, split);
  let body = split === -1 ? '' : filled.slice(split + 2);
  const [requestLine = '', ...headerLines] = head.split('\n');
  const [method = '', url = ''] = requestLine.trim().split(/\s+/);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  if (/vcard/i.test(headers['content-type'] ?? '')) body = body.replace(/\n/g, '\r\n');
  return { method, url, headers, body };
}
