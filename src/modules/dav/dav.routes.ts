/**
 * CardDAV under /dav/ (RFC 4918, 6352, 6578, 6764, 5397) and the well-known address that leads
 * there. Paths name the user by id, never by email: /dav/principals/<id>/, the home
 * /dav/addressbooks/<id>/ and its one address book /dav/addressbooks/<id>/contacts/.
 * Register without a prefix.
 */
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type DavAuthOptions, authenticateDav } from './dav-auth.js';
import { answerProps, pathsFor, type PropContext, propertiesOf, type ResourceKind } from './dav-props.js';
import { multiget, query, syncCollection, syncTokenOf, versionOfToken } from './dav-reports.js';
import { type Conditions, DavError, type DavService, MAX_CARD_BYTES, type Member } from './dav.service.js';
import { child, childrenNamed, davError, multistatus, NS, parseXml, type ResourceAnswer, XmlRequestError } from './dav-xml.js';

export interface DavRoutesOptions {
  dav: DavService;
  auth: DavAuthOptions;
}

const DAV_METHODS = ['PROPFIND', 'PROPPATCH', 'REPORT', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK'] as const;
const ALLOW = 'OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT';
const XML_TYPE = 'application/xml; charset=utf-8';

type Target = { kind: Exclude<ResourceKind, 'card'> } | { kind: 'card'; name: string };

/** What a /dav path names for this user; undefined for anything else (another user's paths too). */
function resolve(path: string, userId: string): Target | undefined {
  const p = pathsFor(userId);
  const withSlash = path.endsWith('/') ? path : `${path}/`;
  if (withSlash === p.root) return { kind: 'root' };
  if (withSlash === p.principal) return { kind: 'principal' };
  if (withSlash === p.home) return { kind: 'home' };
  if (withSlash === p.book) return { kind: 'book' };
  if (path.startsWith(p.book) && !path.endsWith('/')) {
    const rest = path.slice(p.book.length);
    return rest.includes('/') ? undefined : { kind: 'card', name: rest };
  }
  return undefined;
}

function bodyText(request: FastifyRequest): string {
  const body = request.body;
  if (body === undefined || body === null) return '';
  if (!Buffer.isBuffer(body)) return typeof body === 'string' ? body : '';
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new DavError(400, 'the request body is not valid UTF-8');
  }
}

const xmlBody = (request: FastifyRequest) => {
  const text = bodyText(request);
  return text.trim() === '' ? undefined : parseXml(text);
};

const sendMultistatus = (reply: FastifyReply, responses: ResourceAnswer[], syncToken?: string) =>
  reply.status(207).type(XML_TYPE).send(multistatus(responses, syncToken));

function conditionsOf(request: FastifyRequest): Conditions {
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  return { ifMatch: header('if-match'), ifNoneMatch: header('if-none-match') };
}

export async function davRoutes(fastify: FastifyInstance, options: DavRoutesOptions) {
  for (const method of DAV_METHODS) {
    if (!fastify.supportedMethods.includes(method)) fastify.addHttpMethod(method, { hasBody: true });
  }
  // Bodies are read as bytes whatever their declared type, and decoded here, strictly.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 2 * MAX_CARD_BYTES }, (_request, body, done) => done(null, body));

  fastify.setErrorHandler(async (error, request, reply) => {
    if (error instanceof DavError) {
      reply.status(error.status);
      if (error.status === 401) reply.header('www-authenticate', 'Basic realm="Kith", charset="UTF-8"');
      if (!error.condition) return reply.type('text/plain; charset=utf-8').send(error.message);
      const { ns, name, href } = error.condition;
      return reply.type(XML_TYPE).send(davError(ns === 'dav' ? NS.dav : NS.card, name, href ? (e) => void e.ele('d:href').txt(href) : undefined));
    }
    if (error instanceof XmlRequestError) return reply.status(400).type('text/plain; charset=utf-8').send(error.message);
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413) {
      return reply.status(413).type(XML_TYPE).send(davError(NS.card, 'max-resource-size'));
    }
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.status(status).type('text/plain; charset=utf-8').send((error as Error).message);
    }
    request.log.error({ err: error }, 'CardDAV request failed');
    return reply.status(500).type('text/plain; charset=utf-8').send('Something went wrong on our side.');
  });

  const methods = ['OPTIONS', 'GET', 'HEAD', 'PUT', 'DELETE', 'POST', ...DAV_METHODS];
  // No CORS here: no web page has a reason to call CardDAV, and OPTIONS is CardDAV's own.
  // (@fastify/cors reads route config.cors; its types don't declare it.)
  const config = { cors: { origin: false } } as FastifyContextConfig;
  fastify.route({
    method: methods,
    url: '/.well-known/carddav',
    config,
    handler: async (_request, reply) => reply.redirect('/dav/', 301),
  });

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('dav', '1, 3, access-control, addressbook');
    if (request.method === 'OPTIONS') return reply.status(200).header('allow', ALLOW).header('content-length', '0').send();
    const who = await authenticateDav(request, reply, options.auth);
    if (!who) return reply;
    const owner = await options.dav.owner(who.userId);
    if (!owner) throw new DavError(401, 'this account no longer exists');
    const path = request.url.split('?')[0] ?? '/dav/';
    const target = resolve(path === '/dav' ? '/dav/' : path, owner.id);
    if (!target) throw new DavError(404, 'nothing here');
    return serve(request, reply, owner, target);
  };
  fastify.route({ method: methods, url: '/dav', config, handler });
  fastify.route({ method: methods, url: '/dav/*', config, handler });

  async function context(owner: { id: string; name: string }): Promise<PropContext> {
    const book = await options.dav.state(owner.id);
    return {
      paths: pathsFor(owner.id),
      displayName: owner.name,
      bookName: book.name ?? 'Contacts',
      syncToken: syncTokenOf(book.version),
      ctag: String(book.version),
      maxCardBytes: MAX_CARD_BYTES,
    };
  }

  async function serve(
    request: FastifyRequest,
    reply: FastifyReply,
    owner: { id: string; name: string; region: string | null },
    target: Target,
  ) {
    const { dav } = options;
    switch (request.method) {
      case 'PROPFIND': {
        const body = xmlBody(request);
        if (body && !(body.ns === NS.dav && body.name === 'propfind')) throw new DavError(400, 'expected a DAV:propfind body');
        const ctx = await context(owner);
        const depth = request.headers.depth === '0' ? 0 : 1;
        const answers: ResourceAnswer[] = [];
        if (target.kind === 'card') {
          const member = await dav.member(owner.id, target.name);
          if (!member) throw new DavError(404, 'no such card');
          answers.push(answerProps(ctx.paths.card(member.href), propertiesOf('card', ctx, member), body));
        } else {
          answers.push(answerProps(pathOf(target.kind, ctx), propertiesOf(target.kind, ctx), body));
          if (depth === 1 && target.kind === 'home') answers.push(answerProps(ctx.paths.book, propertiesOf('book', ctx), body));
          if (depth === 1 && target.kind === 'book') {
            for (const member of await dav.members(owner.id)) {
              answers.push(answerProps(ctx.paths.card(member.href), propertiesOf('card', ctx, member), body));
            }
          }
        }
        return sendMultistatus(reply, answers);
      }
      case 'REPORT': {
        if (target.kind !== 'book') throw new DavError(403, 'reports are answered on the address book');
        const body = xmlBody(request);
        if (!body) throw new DavError(400, 'a REPORT needs a body');
        const ctx = await context(owner);
        if (body.ns === NS.card && body.name === 'addressbook-multiget') {
          return sendMultistatus(reply, multiget(body, await dav.members(owner.id), ctx));
        }
        if (body.ns === NS.card && body.name === 'addressbook-query') {
          return sendMultistatus(reply, query(body, await dav.members(owner.id), ctx));
        }
        if (body.ns === NS.dav && body.name === 'sync-collection') {
          const version = versionOfToken(ctx.syncToken)!;
          const token = child(body, NS.dav, 'sync-token')?.text.trim() ?? '';
          const since = token === '' ? undefined : versionOfToken(token);
          if (token !== '' && (since === undefined || since > version)) {
            throw new DavError(403, 'this sync token was not given out by this address book', { ns: 'dav', name: 'valid-sync-token' });
          }
          const changed = since === undefined ? undefined : await dav.changedSince(owner.id, since, version);
          return sendMultistatus(reply, syncCollection(body, await dav.members(owner.id), changed, ctx), ctx.syncToken);
        }
        throw new DavError(403, 'this report is not supported here', { ns: 'dav', name: 'supported-report' });
      }
      case 'PROPPATCH': {
        if (target.kind !== 'book') throw new DavError(403, 'only the address book’s display name can be changed');
        const body = xmlBody(request);
        if (!body || body.ns !== NS.dav || body.name !== 'propertyupdate') throw new DavError(400, 'expected a DAV:propertyupdate body');
        const ctx = await context(owner);
        const found: ResourceAnswer['found'] = [];
        const missing: NonNullable<ResourceAnswer['missing']> = [];
        for (const action of body.children) {
          for (const prop of childrenNamed(action, NS.dav, 'prop').flatMap((p) => p.children)) {
            if (prop.ns === NS.dav && prop.name === 'displayname') {
              const name = action.name === 'remove' ? null : prop.text.trim().slice(0, 200) || null;
              await dav.rename(owner.id, name);
              found.push([{ ns: NS.dav, name: 'displayname' }, '']);
            } else missing.push({ ns: prop.ns, name: prop.name });
          }
        }
        return sendMultistatus(reply, [{ href: ctx.paths.book, found, missing }]);
      }
      case 'GET':
      case 'HEAD': {
        if (target.kind !== 'card') {
          return reply.status(200).type('text/plain; charset=utf-8').send('Kith CardDAV: point your address book app at this address.');
        }
        const member = await dav.member(owner.id, target.name);
        if (!member) throw new DavError(404, 'no such card');
        return sendCard(reply, member, request.method === 'HEAD');
      }
      case 'PUT': {
        if (target.kind !== 'card') throw new DavError(405, 'cards are stored under the address book');
        const result = await dav.put(owner, target.name, bodyText(request), conditionsOf(request));
        return reply.status(result.created ? 201 : 204).header('etag', result.etag).send();
      }
      case 'DELETE': {
        if (target.kind !== 'card') throw new DavError(403, 'the address book itself can’t be deleted');
        await dav.delete(owner.id, target.name, conditionsOf(request));
        return reply.status(204).send();
      }
      default:
        return reply.status(405).header('allow', ALLOW).type('text/plain; charset=utf-8').send('Not supported here.');
    }
  }
}

function pathOf(kind: Exclude<ResourceKind, 'card'>, ctx: PropContext): string {
  return { root: ctx.paths.root, principal: ctx.paths.principal, home: ctx.paths.home, book: ctx.paths.book }[kind];
}

function sendCard(reply: FastifyReply, member: Member, headOnly: boolean) {
  reply
    .status(200)
    .type('text/vcard; charset=utf-8')
    .header('etag', member.etag)
    .header('last-modified', member.lastModified.toUTCString());
  if (headOnly) return reply.header('content-length', String(Buffer.byteLength(member.card))).send();
  return reply.send(member.card);
}
