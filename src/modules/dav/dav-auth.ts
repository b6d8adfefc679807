/**
 * CardDAV sign-in: HTTP Basic with the account's email and an app password, on every request
 * (that is how DAV clients work), checked without a slow hash. Failed attempts are counted per
 * account and per client like sign-in; cookies and bearer tokens are never accepted here, so a
 * page in a browser can't act on /dav with the user's session.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { AppPasswordsService } from '../app-passwords/app-passwords.service.js';

export const BASIC_CHALLENGE = 'Basic realm="Kith", charset="UTF-8"';

/** The username and password of a Basic Authorization header; undefined for anything else. */
export function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  let username = decoded.slice(0, colon);
  // iOS 18.4 and later send the @ of an email address as %40.
  try {
    username = decodeURIComponent(username);
  } catch {
    // Not percent-encoded after all: use it as it is.
  }
  return { username: username.trim(), password: decoded.slice(colon + 1) };
}

/**
 * Counts failures in a fixed window, in Redis when configured (so every instance counts
 * together), else in this process. Only failures count: a phone syncing every few minutes with
 * the right password is never throttled. When Redis fails, nothing is blocked (as with the other
 * rate limits) and readiness reports it.
 */
export class FailureCounter {
  private readonly local = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly options: { max: number; windowMs: number; redis?: Redis; now: () => number }) {}

  async blocked(key: string): Promise<boolean> {
    if (this.options.redis) {
      try {
        return Number(await this.options.redis.get(`kith-dav-fail:${key}`)) >= this.options.max;
      } catch {
        return false;
      }
    }
    const entry = this.local.get(key);
    return entry !== undefined && entry.resetAt > this.options.now() && entry.count >= this.options.max;
  }

  async fail(key: string): Promise<void> {
    if (this.options.redis) {
      const redisKey = `kith-dav-fail:${key}`;
      await this.options.redis
        .multi()
        .set(redisKey, '0', 'PX', this.options.windowMs, 'NX')
        .incr(redisKey)
        .exec()
        .catch(() => undefined);
      return;
    }
    const now = this.options.now();
    const entry = this.local.get(key);
    if (!entry || entry.resetAt <= now) {
      if (this.local.size > 100_000) this.prune(now);
      this.local.set(key, { count: 1, resetAt: now + this.options.windowMs });
    } else entry.count += 1;
  }

  private prune(now: number) {
    for (const [key, entry] of this.local) if (entry.resetAt <= now) this.local.delete(key);
  }
}

export interface DavAuthOptions {
  appPasswords: AppPasswordsService;
  perAccount: FailureCounter;
  perClient: FailureCounter;
  windowSeconds: number;
}

/** Who is asking, or an answer already sent (401 or 429). */
export async function authenticateDav(
  request: FastifyRequest,
  reply: FastifyReply,
  options: DavAuthOptions,
): Promise<{ userId: string } | undefined> {
  const challenge = (detail: string) =>
    reply.status(401).header('www-authenticate', BASIC_CHALLENGE).type('text/plain; charset=utf-8').send(detail);
  const credentials = basicCredentials(request.headers.authorization);
  if (!credentials) {
    await challenge('Sign in with your email address and an app password (Profile → Phones and computers).');
    return undefined;
  }
  const accountKey = `account:${credentials.username.toLowerCase()}`;
  const clientKey = `client:${request.ip}`;
  if ((await options.perAccount.blocked(accountKey)) || (await options.perClient.blocked(clientKey))) {
    await reply
      .status(429)
      .header('retry-after', String(options.windowSeconds))
      .type('text/plain; charset=utf-8')
      .send('Too many failed sign-ins; try again later.');
    return undefined;
  }
  const principal = await options.appPasswords.verify(credentials.username, credentials.password);
  if (!principal) {
    await Promise.all([options.perAccount.fail(accountKey), options.perClient.fail(clientKey)]);
    await challenge('The email address or app password is not right (an account password is not accepted here).');
    return undefined;
  }
  return { userId: principal.userId };
}
