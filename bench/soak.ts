/**
 * `npm run soak`: fault drills against the production build (dist/src/server.js) on PostgreSQL with
 * Redis configured, one Kith process through all three, its RSS sampled every 250 ms:
 * 1. PostgreSQL restarts under writes: 16 writers (two per user) create and delete contacts while
 *    `pg_ctlcluster … restart` runs (SOAK_PG_FAULT=terminate instead ends every connection to the
 *    soak's database and refuses new ones for 2 s). Then every acknowledged create and delete is
 *    checked against the database, and every user's contact_count against their rows.
 * 2. Redis goes away under mixed load (`redis-cli shutdown nosave`, then `redis-server` as this
 *    machine runs it): statuses, /api/ready during and after, the login limit while it is gone and
 *    once it is back.
 * 3. SIGTERM under keep-alive load: 32 keep-alive connections on /api/health, SIGTERM after 3 s;
 *    answers after the signal, resets and refusals, exit code and time to exit.
 * PostgreSQL and Redis are restored at the end whatever happened, and the database dropped.
 *
 * Environment: SOAK_DATABASE_URL (server URL, default postgres://postgres@127.0.0.1:5432/postgres),
 * SOAK_REDIS_URL (default redis://127.0.0.1:6379/11: a database of its own for the rate-limit keys),
 * SOAK_PG_FAULT (restart | terminate), SOAK_ONLY (a regular expression picking drills: pg, redis,
 * sigterm), BENCH_SERVER (another build's server.js).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { openPostgres } from '../src/db/client.js';
import { hashPassword } from '../src/modules/auth/passwords.js';
import { freePort, mib, RssSampler, SERVER_ENV, SERVER_NODE_OPTIONS, type Spawned, startNode, stopAllChildren, table, waitForOk } from './lib.js';
import { type BenchDatabase, createDatabase, seed, type SeededUser } from './seed.js';
import { run } from './wrk.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverUrl = process.env.SOAK_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = new URL(process.env.SOAK_REDIS_URL ?? 'redis://127.0.0.1:6379/11');
const redisPort = redisUrl.port || '6379';
const pgFault = process.env.SOAK_PG_FAULT === 'terminate' ? 'terminate' : 'restart';
const only = process.env.SOAK_ONLY ? new RegExp(process.env.SOAK_ONLY, 'i') : undefined;
const selected = (name: string) => !only || only.test(name);
const PASSWORD = 'soak-password-1234';
const LOGIN_LIMIT = 5;
const PEAK_RSS_GOAL = 200 * 2 ** 20;
const RATE_LIMIT_NAMESPACE = 'kith-rate-limit:';

let database: BenchDatabase | undefined;
let workDir: string | undefined;
let allowConnectionsOff = false;
const loadavg = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
const step = (message: string) => console.log(`\n» ${message} (load average ${loadavg()})`);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

// ---------------------------------------------------------------------------------------------
// HTTP over node:http, so that errors keep their codes (ECONNRESET, ECONNREFUSED).

interface Answer {
  status: number;
  body: string;
}

function request(agent: http.Agent, base: string, method: string, route: string, headers: Record<string, string> = {}, body?: string) {
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request(new URL(route, base), { method, agent, headers, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

const errorCode = (error: unknown) => (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));

/** Counts by key, printed as "200×3 503×2". */
class Tally {
  readonly counts = new Map<string, number>();
  add(key: string | number): void {
    this.counts.set(String(key), (this.counts.get(String(key)) ?? 0) + 1);
  }
  get total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }
  count(test: (key: string) => boolean): number {
    return [...this.counts].filter(([key]) => test(key)).reduce((sum, [, n]) => sum + n, 0);
  }
  toString(): string {
    return (
      [...this.counts]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, n]) => `${key}×${n}`)
        .join(' ') || '–'
    );
  }
}

async function logIn(agent: http.Agent, base: string, email: string, password = PASSWORD): Promise<Answer> {
  return request(agent, base, 'POST', '/api/auth/login', { 'content-type': 'application/json' }, JSON.stringify({ email, password }));
}

async function tokenOf(agent: http.Agent, base: string, email: string): Promise<string> {
  const answer = await logIn(agent, base, email);
  if (answer.status !== 200) throw new Error(`login of ${email}: ${answer.status} ${answer.body}`);
  return (JSON.parse(answer.body) as { accessToken: string }).accessToken;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function admin<T>(sql: string, params: unknown[] = []): Promise<pg.QueryResult & { rows: T[] }> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query(sql, params)) as pg.QueryResult & { rows: T[] };
  } finally {
    await client.end();
  }
}

const cluster = () => readdirSync('/etc/postgresql')[0] ?? '15';
const pgRestart = () => run('pg_ctlcluster', ['--skip-systemctl-redirect', cluster(), 'main', 'restart'], 120_000);

async function redisUp(): Promise<boolean> {
  const { stdout } = await run('redis-cli', ['-p', redisPort, 'ping'], 5000).catch(() => ({ stdout: '' }));
  return stdout.trim() === 'PONG';
}
const redisStart = () =>
  run('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', redisPort, '--save', '', '--appendonly', 'no'], 10_000);

// ---------------------------------------------------------------------------------------------

interface Context {
  kith: Spawned;
  base: string;
  agent: http.Agent;
  users: SeededUser[];
  rss: RssSampler;
  db: BenchDatabase;
}

/** Polls /api/ready every 250 ms, recording [time, status]. */
function readinessPoller(ctx: Context) {
  const seen: [number, number | string][] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const at = performance.now();
      const status = await request(ctx.agent, ctx.base, 'GET', '/api/ready').then(
        (a) => a.status,
        (error: unknown) => errorCode(error),
      );
      seen.push([at, status]);
      await sleep(250);
    }
  })();
  return {
    seen,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

async function pgDrill(ctx: Context): Promise<string[][]> {
  step(`PostgreSQL ${pgFault === 'restart' ? 'restart' : 'connections ended, refused for 2 s'} under writes: 16 writers over 8 users`);
  const writerUsers = ctx.users.slice(0, 8);
  const tokens = await Promise.all(writerUsers.map((u) => tokenOf(ctx.agent, ctx.base, u.email)));
  const created = new Map<string, string>(); // id → user id, acknowledged 201
  const deleted = new Set<string>(); // acknowledged 204
  const events: { at: number; result: string }[] = [];
  let stopping = false;

  const writer = async (index: number) => {
    const user = writerUsers[index % writerUsers.length]!;
    const auth = { authorization: `Bearer ${tokens[index % tokens.length]!}` };
    const mine: string[] = [];
    while (!stopping) {
      const id = mine.at(-1);
      let result: string;
      try {
        if (id) {
          const answer = await request(ctx.agent, ctx.base, 'DELETE', `/api/contacts/${id}`, auth);
          result = String(answer.status);
          if (answer.status === 204) deleted.add(id);
          if (answer.status === 204 || answer.status === 404) mine.pop();
        } else {
          const body = JSON.stringify({ firstName: 'Soak', lastName: `Writer ${index}`, email: 'soak@example.com' });
          const answer = await request(ctx.agent, ctx.base, 'POST', '/api/contacts', { ...auth, 'content-type': 'application/json' }, body);
          result = String(answer.status);
          if (answer.status === 201) {
            const contact = JSON.parse(answer.body) as { id: string };
            created.set(contact.id, user.id);
            mine.push(contact.id);
          }
        }
      } catch (error) {
        result = errorCode(error);
      }
      events.push({ at: performance.now(), result });
      if (!result.startsWith('2') && !result.startsWith('4')) await sleep(50);
    }
  };

  const ready = readinessPoller(ctx);
  const start = performance.now();
  const writers = Array.from({ length: 16 }, (_, i) => writer(i));
  await sleep(5000);
  const down = performance.now();
  let ran: string = pgFault;
  if (pgFault === 'restart') {
    const result = await pgRestart();
    if (result.code !== 0) {
      console.log(`  pg_ctlcluster restart failed (${result.code}): ${result.stderr.trim()}; falling back to ending connections`);
      ran = 'terminate (restart failed)';
      await terminateAndRefuse(ctx.db.name);
    }
  } else {
    await terminateAndRefuse(ctx.db.name);
  }
  while (!(await canConnect(ctx.db.url))) await sleep(50);
  const back = performance.now();
  console.log(`  ${ran}: the database was away or restarting for ${s(back - down)}`);
  await sleep(10_000);
  stopping = true;
  await Promise.all(writers);
  await ready.stop();
  const end = performance.now();

  const phase = (from: number, to: number) => {
    const tally = new Tally();
    for (const e of events) if (e.at >= from && e.at < to) tally.add(e.result);
    return tally;
  };
  const before = phase(start, down);
  const during = phase(down, back);
  const firstOk = events.find((e) => e.at >= back && e.result.startsWith('2'));
  const recovered = firstOk ? firstOk.at : end;
  const recovering = phase(back, recovered);
  const after = phase(recovered, end + 1);
  const readyBack = ready.seen.find(([at, status]) => at >= back && status === 200);
  // The outage as the writers saw it: from the first answer that was not a 2xx to the last.
  const failed = events.filter((e) => e.at >= down && !e.result.startsWith('2'));
  const seen = failed.length ? `${s(failed.at(-1)!.at - failed[0]!.at)} (${failed.length} answers)` : 'none';
  const readyDuring = new Tally();
  for (const [at, status] of ready.seen) if (at >= down && at < back) readyDuring.add(status);

  // What the database holds now, against what was acknowledged.
  const client = new pg.Client({ connectionString: ctx.db.url });
  await client.connect();
  let lostCreates = 0;
  let lostDeletes = 0;
  let mismatched: string[] = [];
  try {
    const { rows } = await client.query<{ id: string; deleted: boolean }>(
      'select id, deleted_at is not null as deleted from contacts where id = any($1::uuid[])',
      [[...created.keys()]],
    );
    const found = new Map(rows.map((r) => [r.id, r.deleted]));
    for (const id of created.keys()) {
      if (!found.has(id) && !deleted.has(id)) lostCreates += 1;
      if (deleted.has(id) && found.get(id) === false) lostDeletes += 1;
    }
    const counts = await client.query<{ email: string; contact_count: number; live: string }>(
      `select u.email, u.contact_count, (select count(*) from contacts c where c.user_id = u.id and c.deleted_at is null) as live
       from users u where u.id = any($1::uuid[])`,
      [writerUsers.map((u) => u.id)],
    );
    mismatched = counts.rows.filter((r) => Number(r.live) !== r.contact_count).map((r) => `${r.email}: ${r.contact_count} vs ${r.live}`);
  } finally {
    await client.end();
  }
  const alive = ctx.kith.child.exitCode === null && (await request(ctx.agent, ctx.base, 'GET', '/api/health').then((a) => a.status === 200, () => false));
  const rows = [
    ['fault', ran],
    ['requests (creates + deletes)', `${events.length} in ${s(end - start)}`],
    ['before the fault', before.toString()],
    [`during the fault (${s(back - down)})`, during.toString()],
    ['after the database was back, before the first 2xx', recovering.toString()],
    ['after recovery', after.toString()],
    ['writers saw errors for', seen],
    ['/api/ready during the fault', readyDuring.toString()],
    ['first 2xx after the database was back', firstOk ? `${s(firstOk.at - back)}` : 'never'],
    ['/api/ready 200 again after', readyBack ? s(readyBack[0] - back) : 'never'],
    ['process stayed up', alive ? 'yes' : `NO (exit ${ctx.kith.child.exitCode})`],
    ['acknowledged creates / deletes', `${created.size} / ${deleted.size}`],
    ['acknowledged creates lost', String(lostCreates)],
    ['acknowledged deletes lost', String(lostDeletes)],
    ['contact_count matches the rows', mismatched.length === 0 ? `yes, all ${writerUsers.length} users` : `NO: ${mismatched.join('; ')}`],
  ];
  console.log(table(['PostgreSQL drill', ''], rows));
  return rows;
}

async function terminateAndRefuse(name: string): Promise<void> {
  await admin(`alter database "${name}" allow_connections false`);
  allowConnectionsOff = true;
  await admin('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
  await sleep(2000);
  await admin(`alter database "${name}" allow_connections true`);
  allowConnectionsOff = false;
}

async function redisDrill(ctx: Context): Promise<string[][]> {
  step('Redis outage under mixed load: 8 readers (me, list, search, by id), logins at 4/s, /api/ready every 250 ms');
  const readers = ctx.users.slice(8, 16);
  const loginUsers = ctx.users.slice(16, 36);
  const [whileDown, afterBack] = ctx.users.slice(36, 38);
  const tokens = await Promise.all(readers.map((u) => tokenOf(ctx.agent, ctx.base, u.email)));
  const ids = await Promise.all(
    tokens.map(async (token) => {
      const answer = await request(ctx.agent, ctx.base, 'GET', '/api/contacts', { authorization: `Bearer ${token}` });
      return ((JSON.parse(answer.body) as { items?: { id: string }[] }).items ?? []).map((c) => c.id);
    }),
  );
  const events: { at: number; result: string }[] = [];
  let stopping = false;
  const reader = async (index: number) => {
    const auth = { authorization: `Bearer ${tokens[index]!}` };
    const routes = ['/api/users/me', '/api/contacts', '/api/contacts?q=Jhon', `/api/contacts/${ids[index]?.[0] ?? 'none'}`];
    for (let n = 0; !stopping; n += 1) {
      const result = await request(ctx.agent, ctx.base, 'GET', routes[n % routes.length]!, auth).then(
        (a) => String(a.status),
        (error: unknown) => errorCode(error),
      );
      events.push({ at: performance.now(), result });
    }
  };
  const logins = async () => {
    for (let n = 0; !stopping; n += 1) {
      const result = await logIn(ctx.agent, ctx.base, loginUsers[n % loginUsers.length]!.email).then(
        (a) => String(a.status),
        (error: unknown) => errorCode(error),
      );
      events.push({ at: performance.now(), result: `login ${result}` });
      await sleep(250);
    }
  };
  const attempts = async (user: SeededUser) => {
    const tally = new Tally();
    for (let i = 0; i < LOGIN_LIMIT + 2; i += 1) tally.add((await logIn(ctx.agent, ctx.base, user.email, 'wrong-password-0000')).status);
    return tally;
  };

  const ready = readinessPoller(ctx);
  const start = performance.now();
  const load = [...readers.map((_, i) => reader(i)), logins()];
  await sleep(3000);
  const down = performance.now();
  const shutdown = await run('redis-cli', ['-p', redisPort, 'shutdown', 'nosave'], 10_000);
  if (await redisUp()) throw new Error(`redis did not stop: ${shutdown.stdout} ${shutdown.stderr}`);
  await sleep(1500);
  const limitWhileDown = await attempts(whileDown!);
  await sleep(3000);
  const up = performance.now();
  const started = await redisStart();
  if (started.code !== 0) throw new Error(`redis-server did not start: ${started.stderr}`);
  while (!(await redisUp())) await sleep(50);
  // Kith reconnects on its own (ioredis); wait for readiness to say so.
  while (!ready.seen.some(([at, status]) => at >= up && status === 200) && performance.now() - up < 30_000) await sleep(100);
  const readyAgain = ready.seen.find(([at, status]) => at >= up && status === 200);
  await sleep(5000);
  stopping = true;
  await Promise.all(load);
  await ready.stop();
  const end = performance.now();
  const limitAfter = await attempts(afterBack!);
  const keys = new Redis(redisUrl.toString(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  let keyCount = 0;
  try {
    await keys.connect();
    keyCount = (await keys.keys(`${RATE_LIMIT_NAMESPACE}*`)).length;
  } finally {
    keys.disconnect();
  }

  const phase = (from: number, to: number) => {
    const tally = new Tally();
    for (const e of events) if (e.at >= from && e.at < to) tally.add(e.result);
    return tally;
  };
  const readyPhase = (from: number, to: number) => {
    const tally = new Tally();
    for (const [at, status] of ready.seen) if (at >= from && at < to) tally.add(status);
    return tally;
  };
  const all = phase(start, end + 1);
  const fiveHundreds = all.count((key) => /(^| )5\d\d$/.test(key));
  const rows = [
    ['requests', `${all.total} in ${s(end - start)}`],
    ['before the outage', phase(start, down).toString()],
    [`during the outage (${s(up - down)})`, phase(down, up).toString()],
    ['after Redis was back', phase(up, end + 1).toString()],
    ['5xx answers', String(fiveHundreds)],
    ['/api/ready before / during / after', `${readyPhase(start, down).toString()} / ${readyPhase(down, up).toString()} / ${readyPhase(up, end + 1).toString()}`],
    ['/api/ready 200 again after Redis started', readyAgain ? s(readyAgain[0] - up) : 'not within 30 s'],
    [`${LOGIN_LIMIT + 2} wrong passwords for one address, Redis down`, `${limitWhileDown.toString()} (limit skipped, fails open)`],
    [`${LOGIN_LIMIT + 2} wrong passwords for one address, Redis back`, `${limitAfter.toString()} (limit ${LOGIN_LIMIT})`],
    ['rate limits work again', limitAfter.count((k) => k === '429') === 2 ? `yes (${keyCount} keys in Redis)` : 'NO'],
  ];
  console.log(table(['Redis drill', ''], rows));
  return rows;
}

async function sigtermDrill(ctx: Context): Promise<string[][]> {
  step('SIGTERM under keep-alive load: 32 keep-alive connections on /api/health, SIGTERM after 3 s');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const before = new Tally();
  const after = new Tally();
  const marks: { signalled?: number; exited?: number; lastOk?: number } = {};
  const exit = new Promise<number | null>((resolve) => ctx.kith.child.once('exit', (code) => resolve(code)));
  void exit.then(() => (marks.exited = performance.now()));
  const loop = async () => {
    while (marks.exited === undefined || performance.now() - marks.exited < 1000) {
      const sentAfterSignal = marks.signalled !== undefined;
      const result = await request(agent, ctx.base, 'GET', '/api/health').then(
        (a) => String(a.status),
        (error: unknown) => errorCode(error),
      );
      (sentAfterSignal || marks.signalled !== undefined ? after : before).add(result);
      if (marks.signalled !== undefined && result.startsWith('2')) marks.lastOk = performance.now();
      if (!result.startsWith('2')) await sleep(10);
    }
  };
  const loops = Array.from({ length: 32 }, loop);
  await sleep(3000);
  marks.signalled = performance.now();
  ctx.kith.child.kill('SIGTERM');
  const code = await exit;
  await Promise.all(loops);
  agent.destroy();
  const rows = [
    ['answered before the signal', before.toString()],
    ['after the signal', after.toString()],
    [
      'answered (2xx) after the signal',
      `${after.count((k) => k.startsWith('2'))}${marks.lastOk && marks.signalled ? `, the last ${s(marks.lastOk - marks.signalled)} after it` : ''}`,
    ],
    ['resets (ECONNRESET, socket hang up)', String(after.count((k) => k === 'ECONNRESET' || /hang up/.test(k)) + before.count((k) => k === 'ECONNRESET'))],
    ['refused (ECONNREFUSED, after it stopped listening)', String(after.count((k) => k === 'ECONNREFUSED'))],
    ['exit code', String(code)],
    ['time from SIGTERM to exit', marks.exited && marks.signalled ? s(marks.exited - marks.signalled) : '?'],
  ];
  console.log(table(['SIGTERM drill', ''], rows));
  return rows;
}

async function main(): Promise<void> {
  const server = process.env.BENCH_SERVER ? path.resolve(process.env.BENCH_SERVER) : path.join(root, 'dist/src/server.js');
  if (!existsSync(server)) throw new Error('dist/src/server.js is missing: run `npm run build` first (`npm run soak` does)');
  const dir = (workDir = await mkdtemp(path.join(os.tmpdir(), 'kith-soak-')));
  console.log(`Kith soak, ${new Date().toISOString()}; ${os.availableParallelism()} CPUs, Node ${process.version}; load average ${loadavg()}`);
  if (!(await redisUp())) throw new Error(`no Redis on port ${redisPort}`);

  database = await createDatabase(serverUrl);
  const migrator = openPostgres(database.url);
  await migrator.migrate();
  await migrator.close();
  const users = await seed(database.url, { users: 40, writers: 8, contactsPerUser: 50, contactsPerWriter: 50, passwordHash: await hashPassword(PASSWORD) });

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const kith = startNode(
    [...SERVER_NODE_OPTIONS, server],
    {
      ...SERVER_ENV,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      APP_URL: base,
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl.toString(),
      JWT_SECRET: randomBytes(36).toString('base64url'),
      LOG_LEVEL: 'warn',
      DATA_DIR: path.join(dir, 'data'),
      LOGIN_MAX_PER_ACCOUNT: String(LOGIN_LIMIT),
      LOGIN_MAX_PER_CLIENT: '1000000',
    },
    path.join(dir, 'kith.log'),
    dir,
  );
  await waitForOk(`${base}/api/ready`, kith);
  const rss = new RssSampler(kith.child.pid);
  const idle = rss.sample();
  const ctx: Context = { kith, base, agent: new http.Agent({ keepAlive: true, maxSockets: 64 }), users, rss, db: database };
  console.log(`  Kith (node ${path.relative(root, server)}) on ${base}, Redis ${redisUrl.toString()}; RSS idle ${mib(idle).toFixed(0)} MB`);

  if (selected('pg')) await pgDrill(ctx);
  const afterPg = rss.mark();
  if (selected('redis')) await redisDrill(ctx);
  const afterRedis = rss.mark();
  ctx.agent.destroy();
  if (selected('sigterm')) await sigtermDrill(ctx);
  rss.stop();
  step('memory (VmRSS of the Kith process, sampled every 250 ms)');
  console.log(
    table(
      ['RSS', 'MB'],
      [
        ['idle after start', mib(idle).toFixed(0)],
        ['peak, PostgreSQL drill', mib(afterPg).toFixed(0)],
        ['peak, Redis drill', mib(afterRedis).toFixed(0)],
        ['peak through the soak', `${mib(rss.peak).toFixed(0)} (goal < 200: ${rss.peak < PEAK_RSS_GOAL ? 'met' : 'MISSED'})`],
      ],
    ),
  );
}

/** PostgreSQL and Redis back as they were, the database dropped, whatever happened. */
async function restore(): Promise<void> {
  await stopAllChildren();
  if (allowConnectionsOff && database) {
    await admin(`alter database "${database.name}" allow_connections true`).catch((error: unknown) => console.error('allow_connections:', error));
  }
  if (!(await canConnect(serverUrl))) {
    console.error('PostgreSQL is not answering: starting it');
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', cluster(), 'main', 'start'], 120_000).catch(() => undefined);
    for (let i = 0; i < 100 && !(await canConnect(serverUrl)); i += 1) await sleep(200);
  }
  if (!(await redisUp())) {
    console.error('Redis is not answering: starting it');
    await redisStart().catch(() => undefined);
    for (let i = 0; i < 50 && !(await redisUp()); i += 1) await sleep(100);
  }
  const keys = new Redis(redisUrl.toString(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await keys.connect();
    const found = await keys.keys(`${RATE_LIMIT_NAMESPACE}*`);
    if (found.length) await keys.del(...found);
  } catch (error) {
    console.error('could not remove the rate-limit keys:', error);
  } finally {
    keys.disconnect();
  }
  await database?.drop().catch((error: unknown) => console.error(`could not drop ${database?.name}:`, error));
  if (workDir) await rm(workDir, { recursive: true, force: true });
  console.log(`\nrestored: PostgreSQL ${(await canConnect(serverUrl)) ? 'up' : 'DOWN'}, Redis ${(await redisUp()) ? 'up' : 'DOWN'}; database dropped`);
}

const watchdog = setTimeout(() => {
  console.error('\nsoak exceeded its 10 min budget; stopping');
  void restore().finally(() => process.exit(1));
}, 600_000);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void restore().finally(() => process.exit(130)));

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error('\nsoak failed:', error);
  exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await restore();
}
process.exit(exitCode);
