import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { AppError } from './errors.js';
import { registerAccessLog } from './http/access-log.js';
import { registerErrorHandling } from './http/error-handler.js';
import { registerStrictJsonBodies } from './http/json-body.js';
import { registerBodyTimeout } from './http/body-timeout.js';
import { isDraining, registerDrain } from './http/drain.js';
import { registerOpenApi } from './http/openapi.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { batchedStdout } from './lib/batched-stdout.js';
import { type Clock, systemClock } from './lib/clock.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { OutboxWorker } from './mail/outbox.worker.js';
import { accountRoutes, confirmEmailRoutes } from './modules/account/account.routes.js';
import { AccountService } from './modules/account/account.service.js';
import { EmailChangeService } from './modules/account/email-change.service.js';
import { appPasswordsRoutes } from './modules/app-passwords/app-passwords.routes.js';
import { AppPasswordsService } from './modules/app-passwords/app-passwords.service.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { AuthService } from './modules/auth/auth.service.js';
import { authenticateWith } from './modules/auth/authenticate.js';
import { sessionsRoutes } from './modules/auth/sessions.routes.js';
import { SessionsService } from './modules/auth/sessions.service.js';
import { contactPhotoRoutes } from './modules/contacts/contact-photo.routes.js';
import { ContactPhotoService } from './modules/contacts/contact-photo.service.js';
import { contactsRoutes } from './modules/contacts/contacts.routes.js';
import { ContactsService } from './modules/contacts/contacts.service.js';
import { trashRoutes } from './modules/contacts/trash.routes.js';
import { twoFactorRoutes } from './modules/two-factor/two-factor.routes.js';
import { TwoFactorService } from './modules/two-factor/two-factor.service.js';
import { duplicatesRoutes } from './modules/imports/duplicates.routes.js';
import { DuplicatesService } from './modules/imports/duplicates.service.js';
import { exportRoutes } from './modules/imports/export.routes.js';
import { ExportService } from './modules/imports/export.service.js';
import { importRoutes } from './modules/imports/import.routes.js';
import { ImportService } from './modules/imports/import.service.js';
import { calendarFeedRoutes, calendarRoutes } from './modules/reminders/calendar.routes.js';
import { CalendarService } from './modules/reminders/calendar.service.js';
import { ReminderScheduler, type ReminderTicker } from './modules/reminders/reminders.scheduler.js';
import { reminderSettingsRoutes, unsubscribeRoutes } from './modules/reminders/reminders.routes.js';
import { RemindersService } from './modules/reminders/reminders.service.js';
import { UnsubscribeTokens } from './modules/reminders/unsubscribe-token.js';
import { FailureCounter } from './modules/dav/dav-auth.js';
import { davRoutes } from './modules/dav/dav.routes.js';
import { DavService } from './modules/dav/dav.service.js';
import { TrashService } from './modules/contacts/trash.service.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { avatarRoutes } from './modules/users/avatar.routes.js';
import { AvatarService } from './modules/users/avatar.service.js';
import { defaultAvatarRoutes, usersRoutes } from './modules/users/users.routes.js';
import { UsersService } from './modules/users/users.service.js';
import type { AvatarStore } from './storage/avatar-store.js';
import { createAvatarStore } from './storage/create-avatar-store.js';
import { PictureSlot } from './storage/picture-slot.js';
import { webApp } from './web/web.plugin.js';

export interface AppDeps {
  database: Database;
  clock?: Clock;
  /** Defaults to SMTP when configured, else .eml files in $DATA_DIR/mail. */
  mailer?: Mailer;
  /** Tuning for the mail worker; tests shorten the retry delays. */
  outbox?: { pollIntervalMs?: number; retryBaseMs?: number; retryMaxMs?: number };
  logger?: FastifyServerOptions['logger'];
  /** Defaults to Cloudinary when CLOUDINARY_URL is set, else files in $DATA_DIR/avatars served by the app. */
  avatarStore?: AvatarStore;
  /** The trash's purge job: how often it runs (default hourly); tests turn it off to run it by hand. */
  trash?: { purgeIntervalMs?: number; purgeOnStart?: boolean };
  /**
   * When the birthday reminder scheduler runs: by default once at start and then every minute (or
   * every `intervalMs`); tests pass a ticker they fire by hand.
   */
  reminders?: { ticker?: ReminderTicker; intervalMs?: number };
  /** How long a request may take to arrive whole (default 30 s); tests shorten it. */
  requestTimeoutMs?: number;
  /** The built web app to serve; defaults to web/dist. */
  webDistDir?: string;
}

const BODY_LIMIT_BYTES = 1024 * 1024;

/** Builds a ready-to-listen Kith instance. Everything with a life of its own comes in through deps. */
export async function buildApp(config: Readonly<Config>, deps: AppDeps): Promise<FastifyInstance> {
  const clock = deps.clock ?? systemClock;
  const app = Fastify({
    logger: deps.logger ?? {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      // In production, written in batches; elsewhere each line at once, as a developer watches it.
      ...(config.isProduction ? { stream: batchedStdout() } : {}),
    },
    // One access line per request instead of Fastify's two, without query strings (http/access-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    // Timeouts on purpose: a slow or stalled client can't hold a connection forever.
    connectionTimeout: 60_000,
    requestTimeout: deps.requestTimeoutMs ?? 30_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: false,
    forceCloseConnections: false,
    // Node checks requestTimeout and headersTimeout on a sweep, every 30 s unless told otherwise, so a
    // slow request could live twice its limit; a 1 s sweep enforces them within a second.
    http: { connectionsCheckingInterval: 1_000 },
    // Long enough that any malformed id reaches its route and gets that route's 404.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // While closing, every request that reaches an open socket is answered, with `Connection: close`
  // (Fastify adds it), so a keep-alive client leaves instead of being reset (see http/drain.ts).
  registerDrain(app);
  registerAccessLog(app, { arrivals: config.logLevel === 'debug' || config.logLevel === 'trace' });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  registerErrorHandling(app);
  registerStrictJsonBodies(app);
  registerBodyTimeout(app, deps.requestTimeoutMs ?? 30_000);

  // Loaded only when configured: the client is about 20 MB of memory an instance without Redis never needs.
  const redis: Redis | undefined = config.redisUrl
    ? new (await import('ioredis')).Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false })
    : undefined;
  redis?.on('error', (error) => app.log.warn({ err: error }, 'redis error'));

  registerSecurityHeaders(app, config);
  await app.register(cors, { origin: config.corsOrigins, credentials: true });
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    ...(redis ? { redis } : {}),
    nameSpace: 'kith-rate-limit:',
    // When Redis is unreachable, serve rather than fail every request; /api/ready reports it.
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', 429, `Too many requests; try again in ${context.after}`, {
        headers: { 'retry-after': String(Math.ceil(context.ttl / 1000)) },
      }),
  });
  await registerOpenApi(app, config);

  const mailer = deps.mailer ?? createMailer(config.mail, app.log);
  const outbox = new OutboxWorker({ db: deps.database.db, mailer, clock, logger: app.log, ...deps.outbox });
  const twoFactor = new TwoFactorService({ db: deps.database.db, clock, config, mailQueue: outbox, logger: app.log });
  const auth = new AuthService({ db: deps.database.db, clock, config, mailQueue: outbox, logger: app.log, twoFactor });
  const users = new UsersService({ db: deps.database.db, clock, config });
  // Also what CardDAV's Basic auth checks (appPasswords.verify).
  const appPasswords = new AppPasswordsService({ db: deps.database.db, clock, config, mailQueue: outbox, logger: app.log });
  const authenticate = authenticateWith(auth);

  await app.register(healthRoutes, {
    prefix: '/api',
    checks: {
      accepting: async () => {
        if (isDraining(app)) throw new Error('shutting down');
      },
      database: () => deps.database.ping(),
      ...(redis ? { redis: () => redis.ping() } : {}),
    },
  });
  await app.register(authRoutes, { prefix: '/api/auth', auth, twoFactor, config });
  await app.register(usersRoutes, { prefix: '/api/users', auth, users, authenticate });
  await app.register(twoFactorRoutes, { prefix: '/api/users', twoFactor, authenticate, config });
  await app.register(appPasswordsRoutes, { prefix: '/api/users', appPasswords, authenticate });
  const sessions = new SessionsService({ db: deps.database.db, clock });
  await app.register(sessionsRoutes, { prefix: '/api/users', sessions, authenticate });
  await app.register(defaultAvatarRoutes, { prefix: '/api/avatars' });
  const avatarStore = deps.avatarStore ?? createAvatarStore(config);
  const avatars = new AvatarService({ db: deps.database.db, clock, config, store: avatarStore, logger: app.log });
  await app.register(avatarRoutes, { prefix: '/api', avatars, store: avatarStore, authenticate });
  const contacts = new ContactsService({ db: deps.database.db, clock, appUrl: config.appUrl, cacheBytes: config.contactsCacheBytes });
  await app.register(contactsRoutes, { prefix: '/api/contacts', contacts, authenticate });
  const pictures = new PictureSlot({ store: avatarStore, logger: app.log });
  const photos = new ContactPhotoService({ db: deps.database.db, clock, pictures, appUrl: config.appUrl });
  await app.register(contactPhotoRoutes, { prefix: '/api/contacts', photos, authenticate });
  const trash = new TrashService({ db: deps.database.db, clock, appUrl: config.appUrl, pictures, logger: app.log, ...deps.trash });
  await app.register(trashRoutes, { prefix: '/api/contacts', trash, authenticate });

  const db = deps.database.db;
  const calendar = new CalendarService({ db, appUrl: config.appUrl });
  await app.register(calendarRoutes, { prefix: '/api/users', calendar, authenticate });
  await app.register(calendarFeedRoutes, { calendar });
  const unsubscribeTokens = new UnsubscribeTokens(config.jwt.secret);
  const reminderScheduler = new ReminderScheduler({
    db,
    clock,
    appUrl: config.appUrl,
    tokens: unsubscribeTokens,
    mailQueue: outbox,
    logger: app.log,
    ...(deps.reminders?.ticker ? { ticker: deps.reminders.ticker } : {}),
    ...(deps.reminders?.intervalMs ? { intervalMs: deps.reminders.intervalMs } : {}),
  });
  const reminders = new RemindersService({ db, clock, scheduler: reminderScheduler, tokens: unsubscribeTokens });
  await app.register(reminderSettingsRoutes, { prefix: '/api/users', reminders, authenticate });
  await app.register(unsubscribeRoutes, { reminders });
  // Changing the email address, taking the data along, deleting the account.
  const emailChange = new EmailChangeService({ db, clock, config, mailQueue: outbox, twoFactor });
  await app.register(confirmEmailRoutes, { prefix: '/api/auth', emailChange, config });
  const account = new AccountService({ db, clock, config, pictures, reminders, twoFactor, mailQueue: outbox, logger: app.log });
  await app.register(accountRoutes, { prefix: '/api/users', account, emailChange, authenticate, clock, config });
  await app.register(exportRoutes, { prefix: '/api/contacts', exports: new ExportService({ db, appUrl: config.appUrl }), authenticate, clock });
  const duplicates = new DuplicatesService({ db, clock, appUrl: config.appUrl });
  await app.register(duplicatesRoutes, { prefix: '/api/contacts', duplicates, authenticate });
  const imports = new ImportService({ db, clock, pictures, appUrl: config.appUrl, logger: app.log });
  await app.register(importRoutes, { prefix: '/api/contacts', imports, authenticate });
  const failures = (max: number) =>
    new FailureCounter({ max, windowMs: config.rateLimits.windowSeconds * 1000, redis, now: () => clock.now().getTime() });
  const dav = new DavService({ db, clock, pictures, appUrl: config.appUrl, logger: app.log });
  await app.register(davRoutes, {
    dav,
    auth: {
      appPasswords,
      perAccount: failures(config.rateLimits.loginPerAccount),
      perClient: failures(config.rateLimits.loginPerClient),
      windowSeconds: config.rateLimits.windowSeconds,
    },
  });

  // Last: the web app answers GETs no API route took (and /api/dev/mailbox in development).
  await app.register(webApp, { config, distDir: deps.webDistDir });

  app.addHook('onReady', async () => {
    outbox.start();
    if (deps.trash?.purgeOnStart !== false) trash.start();
    reminderScheduler.start();
  });
  // Runs after in-flight requests have finished: stop the worker (its current delivery completes),
  // then release the connections it and the routes used.
  app.addHook('onClose', async () => {
    // A reminder pass under way finishes its transaction first; the mail it queued waits in the outbox.
    await reminderScheduler.stop();
    await outbox.stop();
    await trash.stop();
    await appPasswords.drain();
    await mailer.close();
    redis?.disconnect();
  });

  return app;
}
