/**
 * WebDAV request bodies in, multistatus answers out. Requests are parsed with a namespace-aware
 * parser (saxes) into a small element tree; a DOCTYPE (and with it every entity declaration) is
 * refused, so no entity can be expanded, and the nesting depth is capped.
 */
import { SaxesParser } from 'saxes';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';

export const NS = {
  dav: 'DAV:',
  card: 'urn:ietf:params:xml:ns:carddav',
  cs: 'http://calendarserver.org/ns/',
} as const;

export interface XmlElement {
  ns: string;
  name: string;
  children: XmlElement[];
  text: string;
  attributes: Record<string, string>;
}

/** `{namespace}name`, the key properties are compared by. */
export const keyOf = (element: { ns: string; name: string }) => `{${element.ns}}${element.name}`;

export class XmlRequestError extends Error {}

const MAX_DEPTH = 32;

export function parseXml(text: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: Error | undefined;
  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.on('doctype', () => {
    failure ??= new XmlRequestError('XML with a DOCTYPE is not accepted');
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= MAX_DEPTH) failure ??= new XmlRequestError('the XML is nested too deeply');
    const attributes: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes)) {
      if (typeof attribute !== 'string') attributes[attribute.local] = attribute.value;
    }
    const element: XmlElement = { ns: tag.uri ?? '', name: tag.local ?? tag.name, children: [], text: '', attributes };
    stack.at(-1)?.children.push(element);
    root ??= element;
    stack.push(element);
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(text).close();
  } catch (error) {
    failure ??= error instanceof Error ? error : new Error(String(error));
  }
  if (failure) throw failure instanceof XmlRequestError ? failure : new XmlRequestError(`the XML could not be read: ${failure.message}`);
  if (!root) throw new XmlRequestError('the XML has no root element');
  return root;
}

export const child = (element: XmlElement | undefined, ns: string, name: string) =>
  element?.children.find((c) => c.ns === ns && c.name === name);
export const childrenNamed = (element: XmlElement | undefined, ns: string, name: string) =>
  element?.children.filter((c) => c.ns === ns && c.name === name) ?? [];

/** A property's value in an answer: text, child elements, or a function that writes into the element. */
export type PropValue = string | ((element: XMLBuilder) => void);

export interface PropName {
  ns: string;
  name: string;
}

export interface ResourceAnswer {
  href: string;
  /** Found properties with their values, and asked-for ones this resource doesn't have. */
  found?: Array<[PropName, PropValue]>;
  missing?: PropName[];
  /** A whole-resource status instead of propstats (a removed member, an unknown href). */
  status?: number;
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 403: 'Forbidden', 404: 'Not Found', 507: 'Insufficient Storage' };
/** Exactly as clients compare them (Thunderbird compares the text). */
export const statusLine = (status: number) => `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ''}`.trimEnd();

const PREFIXES: Record<string, string> = { [NS.dav]: 'd', [NS.card]: 'card', [NS.cs]: 'cs' };

function prefixed(name: PropName, extra: Map<string, string>): string {
  const known = PREFIXES[name.ns];
  if (known) return `${known}:${name.name}`;
  let prefix = extra.get(name.ns);
  if (!prefix) {
    prefix = `x${extra.size}`;
    extra.set(name.ns, prefix);
  }
  return `${prefix}:${name.name}`;
}

/** A 207 Multi-Status body. */
export function multistatus(responses: ResourceAnswer[], syncToken?: string): string {
  const root = create({ version: '1.0', encoding: 'utf-8' }).ele(NS.dav, 'd:multistatus', {
    'xmlns:card': NS.card,
    'xmlns:cs': NS.cs,
  });
  const extra = new Map<string, string>();
  for (const response of responses) {
    const r = root.ele('d:response');
    r.ele('d:href').txt(response.href);
    if (response.status !== undefined) {
      r.ele('d:status').txt(statusLine(response.status));
      continue;
    }
    if (response.found && response.found.length > 0) {
      const propstat = r.ele('d:propstat');
      const prop = propstat.ele('d:prop');
      for (const [name, value] of response.found) {
        const qname = prefixed(name, extra);
        const element = name.ns in PREFIXES ? prop.ele(qname) : prop.ele(name.ns, qname);
        if (typeof value === 'string') element.txt(value);
        else value(element);
      }
      propstat.ele('d:status').txt(statusLine(200));
    }
    if (response.missing && response.missing.length > 0) {
      const propstat = r.ele('d:propstat');
      const prop = propstat.ele('d:prop');
      for (const name of response.missing) {
        const qname = prefixed(name, extra);
        if (name.ns in PREFIXES) prop.ele(qname);
        else prop.ele(name.ns, qname);
      }
      propstat.ele('d:status').txt(statusLine(404));
    }
  }
  if (syncToken !== undefined) root.ele('d:sync-token').txt(syncToken);
  return root.end({ prettyPrint: false });
}

/** `<d:error><ns:condition/></d:error>`, the body of a failed precondition. */
export function davError(ns: string, condition: string, inner?: (element: XMLBuilder) => void): string {
  const root = create({ version: '1.0', encoding: 'utf-8' }).ele(NS.dav, 'd:error', { 'xmlns:card': NS.card });
  const prefix = PREFIXES[ns] ?? 'card';
  const element = root.ele(`${prefix}:${condition}`);
  inner?.(element);
  return root.end({ prettyPrint: false });
}
