/** The three REPORTs of an address book (RFC 6352 §8, RFC 6578). */
import { splitCard } from './vcard/card-lines.js';
import type { Member } from './dav.service.js';
import { answerProps, type DavPaths, type PropContext, propertiesOf } from './dav-props.js';
import { child, childrenNamed, NS, type ResourceAnswer, type XmlElement } from './dav-xml.js';

/** The name of a card from an href a client sent: the last segment under the address book. */
export function cardNameOf(href: string, paths: DavPaths): string | undefined {
  let path = href.trim();
  // A full URL names the same path; the path stays as written (URL keeps its percent-encoding).
  try {
    path = new URL(path, 'http://kith.invalid').pathname;
  } catch {
    return undefined;
  }
  if (!path.startsWith(paths.book)) return undefined;
  const rest = path.slice(paths.book.length);
  return rest === '' || rest.includes('/') ? undefined : rest;
}

export function multiget(body: XmlElement, members: Member[], context: PropContext): ResourceAnswer[] {
  const byName = new Map(members.map((m) => [m.href, m]));
  return childrenNamed(body, NS.dav, 'href').map((element) => {
    const name = cardNameOf(element.text, context.paths);
    const member = name === undefined ? undefined : byName.get(name);
    if (!member) return { href: element.text.trim(), status: 404 };
    return answerProps(context.paths.card(member.href), propertiesOf('card', context, member, true), body);
  });
}

/** The values of the named property in a card, unfolded, roughly unescaped, lower-cased. */
function valuesOf(card: string, name: string): string[] {
  const split = splitCard(card);
  if ('error' in split) return [];
  return split.lines
    .filter((line) => line.name === name.toUpperCase())
    .map((line) => {
      const unfolded = line.raw.replace(/\r?\n[ \t]/g, '');
      const colon = unfolded.search(/:(?=(?:[^"]*"[^"]*")*[^"]*$)/);
      return unfolded
        .slice(colon + 1)
        .replace(/\\([,;\\])/g, '$1')
        .replace(/\\n/gi, '\n')
        .toLowerCase();
    });
}

function textMatches(value: string, match: XmlElement): boolean {
  const needle = match.text.toLowerCase();
  const type = match.attributes['match-type'] ?? 'contains';
  const hit =
    type === 'equals'
      ? value === needle
      : type === 'starts-with'
        ? value.startsWith(needle)
        : type === 'ends-with'
          ? value.endsWith(needle)
          : value.includes(needle);
  return match.attributes['negate-condition'] === 'yes' ? !hit : hit;
}

function propFilterMatches(card: string, filter: XmlElement): boolean {
  const values = valuesOf(card, filter.attributes.name ?? '');
  if (child(filter, NS.card, 'is-not-defined')) return values.length === 0;
  const matches = childrenNamed(filter, NS.card, 'text-match');
  if (matches.length === 0) return values.length > 0;
  const allOf = filter.attributes.test === 'allof';
  const test = (m: XmlElement) => values.some((v) => textMatches(v, m));
  return allOf ? matches.every(test) : matches.some(test);
}

/** addressbook-query: the cards its filter matches (no filter: all), up to its limit. */
export function query(body: XmlElement, members: Member[], context: PropContext): ResourceAnswer[] {
  const filter = child(body, NS.card, 'filter');
  const propFilters = childrenNamed(filter, NS.card, 'prop-filter');
  const allOf = filter?.attributes.test === 'allof';
  const matching = members.filter((member) => {
    if (propFilters.length === 0) return true;
    const test = (f: XmlElement) => propFilterMatches(member.card, f);
    return allOf ? propFilters.every(test) : propFilters.some(test);
  });
  const limit = Number(child(child(body, NS.card, 'limit'), NS.card, 'nresults')?.text ?? Number.NaN);
  const selected = Number.isInteger(limit) && limit > 0 ? matching.slice(0, limit) : matching;
  return selected.map((member) => answerProps(context.paths.card(member.href), propertiesOf('card', context, member, true), body));
}

/** The sync token for a contacts version: a URI, as RFC 6578 wants, and the same on every instance. */
export const syncTokenOf = (version: number) => `http://kith.invalid/sync/${version}`;

/** The version in a sync token Kith gave out; undefined for anything else. */
export function versionOfToken(token: string): number | undefined {
  const match = /^http:\/\/kith\.invalid\/sync\/(\d{1,15})$/.exec(token.trim());
  return match ? Number(match[1]) : undefined;
}

/**
 * sync-collection: without a token, every card; with one, the cards changed since, and the names
 * removed since as 404s. Tokens never expire: the change log keeps the latest change of every name.
 */
export function syncCollection(
  body: XmlElement,
  members: Member[],
  changed: string[] | undefined,
  context: PropContext,
): ResourceAnswer[] {
  const byName = new Map(members.map((m) => [m.href, m]));
  const answer = (member: Member) => answerProps(context.paths.card(member.href), propertiesOf('card', context, member, true), body);
  if (changed === undefined) return members.map(answer);
  return changed.map((name) => {
    const member = byName.get(name);
    return member ? answer(member) : { href: context.paths.card(name), status: 404 };
  });
}
