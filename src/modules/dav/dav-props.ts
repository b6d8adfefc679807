/**
 * The WebDAV properties of each resource Kith serves under /dav/, and PROPFIND's three forms
 * (named properties, allprop, propname) answered from them.
 */
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { Member } from './dav.service.js';
import { child, keyOf, NS, type PropName, type PropValue, type ResourceAnswer, type XmlElement } from './dav-xml.js';

export type ResourceKind = 'root' | 'principal' | 'home' | 'book' | 'card';

export interface DavPaths {
  root: string;
  principal: string;
  home: string;
  book: string;
  card: (name: string) => string;
}

export const pathsFor = (userId: string): DavPaths => ({
  root: '/dav/',
  principal: `/dav/principals/${userId}/`,
  home: `/dav/addressbooks/${userId}/`,
  book: `/dav/addressbooks/${userId}/contacts/`,
  // A card's name is kept as the client wrote it in the URL (percent-encoding and all), so the
  // href a client PUT to is, byte for byte, the href it is listed under.
  card: (name) => `/dav/addressbooks/${userId}/contacts/${name}`,
});

export interface PropContext {
  paths: DavPaths;
  displayName: string;
  bookName: string;
  syncToken: string;
  ctag: string;
  maxCardBytes: number;
}

const href = (url: string) => (e: XMLBuilder) => void e.ele('d:href').txt(url);
const privileges = (e: XMLBuilder) => {
  for (const name of ['read', 'write', 'write-properties', 'write-content', 'bind', 'unbind', 'read-current-user-privilege-set']) {
    e.ele('d:privilege').ele(`d:${name}`);
  }
};
const readOnlyPrivileges = (e: XMLBuilder) => {
  for (const name of ['read', 'read-current-user-privilege-set']) e.ele('d:privilege').ele(`d:${name}`);
};

type Props = Map<string, [PropName, PropValue]>;
const dav = (name: string): PropName => ({ ns: NS.dav, name });
const card = (name: string): PropName => ({ ns: NS.card, name });
const cs = (name: string): PropName => ({ ns: NS.cs, name });

function props(entries: Array<[PropName, PropValue]>): Props {
  return new Map(entries.map(([name, value]) => [keyOf(name), [name, value]]));
}

/** Every property of a resource, by `{ns}name`. */
export function propertiesOf(kind: ResourceKind, context: PropContext, member?: Member, withAddressData = false): Props {
  const { paths } = context;
  const common: Array<[PropName, PropValue]> = [
    [dav('current-user-principal'), href(paths.principal)],
    [dav('principal-collection-set'), href('/dav/principals/')],
  ];
  switch (kind) {
    case 'root':
      return props([
        [dav('resourcetype'), (e) => void e.ele('d:collection')],
        [dav('displayname'), 'Kith'],
        [dav('current-user-privilege-set'), readOnlyPrivileges],
        ...common,
      ]);
    case 'principal':
      return props([
        [dav('resourcetype'), (e) => void e.ele('d:principal')],
        [dav('displayname'), context.displayName],
        [dav('principal-URL'), href(paths.principal)],
        [card('addressbook-home-set'), href(paths.home)],
        [dav('current-user-privilege-set'), readOnlyPrivileges],
        ...common,
      ]);
    case 'home':
      return props([
        [dav('resourcetype'), (e) => void e.ele('d:collection')],
        [dav('displayname'), 'Address books'],
        [dav('owner'), href(paths.principal)],
        [dav('current-user-privilege-set'), readOnlyPrivileges],
        [card('addressbook-home-set'), href(paths.home)],
        ...common,
      ]);
    case 'book':
      return props([
        [dav('resourcetype'), (e) => void e.ele('d:collection').up().ele('card:addressbook')],
        [dav('displayname'), context.bookName],
        [card('addressbook-description'), 'Every contact in Kith'],
        [cs('getctag'), context.ctag],
        [dav('sync-token'), context.syncToken],
        [dav('owner'), href(paths.principal)],
        [dav('current-user-privilege-set'), privileges],
        [
          dav('supported-report-set'),
          (e) => {
            for (const [ns, name] of [
              ['card', 'addressbook-multiget'],
              ['card', 'addressbook-query'],
              ['d', 'sync-collection'],
            ] as const) {
              e.ele('d:supported-report').ele('d:report').ele(`${ns}:${name}`);
            }
          },
        ],
        [
          card('supported-address-data'),
          (e) => {
            e.ele('card:address-data-type', { 'content-type': 'text/vcard', version: '3.0' });
            e.ele('card:address-data-type', { 'content-type': 'text/vcard', version: '4.0' });
          },
        ],
        [card('max-resource-size'), String(context.maxCardBytes)],
        [dav('getcontenttype'), 'httpd/unix-directory'],
        ...common,
      ]);
    case 'card': {
      if (!member) return new Map();
      const entries: Array<[PropName, PropValue]> = [
        [dav('resourcetype'), ''],
        [dav('getetag'), member.etag],
        [dav('getcontenttype'), 'text/vcard; charset=utf-8'],
        [dav('getcontentlength'), String(Buffer.byteLength(member.card))],
        [dav('getlastmodified'), member.lastModified.toUTCString()],
        [dav('current-user-privilege-set'), privileges],
        ...common,
      ];
      if (withAddressData) entries.push([card('address-data'), member.card]);
      return props(entries);
    }
  }
}

/** The properties shown for `allprop`: the live ones, without the large or costly. */
const ALLPROP_SKIPS = new Set([keyOf(card('address-data')), keyOf(dav('current-user-privilege-set'))]);

/** Answers one resource for a PROPFIND (or REPORT) body's `prop`, `allprop` or `propname`. */
export function answerProps(url: string, all: Props, request: XmlElement | undefined): ResourceAnswer {
  const prop = child(request, NS.dav, 'prop');
  if (prop) {
    const found: Array<[PropName, PropValue]> = [];
    const missing: PropName[] = [];
    for (const wanted of prop.children) {
      const entry = all.get(keyOf(wanted));
      if (entry) found.push(entry);
      else missing.push({ ns: wanted.ns, name: wanted.name });
    }
    return { href: url, found, missing };
  }
  if (child(request, NS.dav, 'propname')) {
    return { href: url, found: [...all.values()].map(([name]) => [name, ''] as [PropName, PropValue]) };
  }
  return { href: url, found: [...all.entries()].filter(([key]) => !ALLPROP_SKIPS.has(key)).map(([, entry]) => entry) };
}
