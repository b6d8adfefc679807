/**
 * `npm run bench`: seeds a fresh PostgreSQL database, starts the built Kith server in production
 * mode and measures it with autocannon, next to a bare Fastify + pg baseline and the argon2id
 * ceiling of this machine. Prints a results table and the goals (informational: the exit code is 0
 * unless something broke). Loopback only; every child process is stopped and the database dropped
 * at the end, also on failure.
 *
 * Environment: BENCH_DATABASE_URL (server URL, default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_DURATION (seconds per scenario, default 10), BENCH_CONNECTIONS (default 32),
 * BENCH_WARMUP (seconds, default 2), BENCH_USERS (default 500), BENCH_WRITERS (default 32);
 * for investigating: BENCH_ONLY (a regular expression picking Kith scenarios by name) and
 * BENCH_CPU_PROF (a directory for a V8 CPU profile of the Kith server), BENCH_SERVER (another
 * build's server.js, to measure a change against the same baseline).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openPostgres } from '../src/db/client.js';
import { hashPassword } from '../src/modules/auth/passwords.js';
import { freePort, load, type LoadResult, runNode, startNode, stopAllChildren, stopChild, table, waitForOk } from './lib.js';
import { bareLoginRequests, baselineRequests, kithScenarios } from './scenarios.js';
import { type BenchDatabase, createDatabase, loadFixtures, seed } from './seed.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const int = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const duration = int('BENCH_DURATION', 10);
const connections = int('BENCH_CONNECTIONS', 32);
const warmup = int('BENCH_WARMUP', 2);
const userCount = int('BENCH_USERS', 500);
const writerCount = Math.min(int('BENCH_WRITERS', 32), userCount - 1);
const readerLogins = Math.min(64, userCount - writerCount);
const PASSWORD = 'bench-password-1234';
const POOL_SIZE = 10; // Kith's default DATABASE_POOL_SIZE
const RAISED_LIMIT = '1000000';
/** Only the Kith scenarios whose name matches (the baseline and the ceiling always run). */
const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : undefined;
const selected = (name: string) => !only || only.test(name);
/** A directory for a V8 CPU profile of the Kith server (written when it stops). */
const cpuProfileDir = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
const threadPool: Record<string, string> = process.env.UV_THREADPOOL_SIZE
  ? { UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE }
  : {};

let database: BenchDatabase | undefined;
let workDir: string | undefined;
let cleaning: Promise<void> | undefined;
const cleanup = () =>
  (cleaning ??= (async () => {
    await stopAllChildren();
    await database?.drop().catch((error: unknown) => console.error(`could not drop ${database?.name}:`, error));
    if (workDir) await rm(workDir, { recursive: true, force: true });
  })());

const step = (message: string) => console.log(`\n» ${message}`);
const ms = (n: number) => `${n.toFixed(0)} ms`;
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

async function main(): Promise<void> {
  const server = process.env.BENCH_SERVER ? path.resolve(process.env.BENCH_SERVER) : path.join(root, 'dist/src/server.js');
  if (!existsSync(server) || !existsSync(path.join(path.dirname(server), 'db/migrations'))) {
    throw new Error('dist/src/server.js is missing: run `npm run build` first (`npm run bench` does)');
  }
  workDir = await mkdtemp(path.join(os.tmpdir(), 'kith-bench-'));

  const pgVersion = await serverVersion();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Kith benchmark, ${new Date().toISOString()}`);
  console.log(
    `${os.availableParallelism()} CPUs (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
      `Node ${process.version}, PostgreSQL ${pgVersion}; libuv thread pool ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`,
  );
  console.log(`${duration} s per scenario after ${warmup} s of warm-up, ${connections} connections, loopback only`);
  const [load1] = os.loadavg();
  if (load1 !== undefined && load1 > os.availableParallelism() / 2) {
    console.log(`  warning: load average ${load1.toFixed(1)} before starting; other work on this machine will skew the numbers`);
  }

  step(`seeding a fresh database: ${userCount} users × 100 contacts (${writerCount} writers at 90)`);
  let started = performance.now();
  database = await createDatabase(serverUrl);
  const migrator = openPostgres(database.url);
  await migrator.migrate();
  await migrator.close();
  const users = await seed(database.url, {
    users: userCount,
    writers: writerCount,
    contactsPerUser: 100,
    contactsPerWriter: 90,
    passwordHash: await hashPassword(PASSWORD),
  });
  console.log(`  ${database.name} seeded in ${ms(performance.now() - started)}`);
  const readers = users.filter((user) => !user.writer).slice(0, readerLogins);
  const writers = users.filter((user) => user.writer);
  const fixtures = await loadFixtures(database.url, readers.map((user) => user.id));

  step('argon2id ceiling: verify() alone, thread pool kept busy, in a child process');
  const ceiling = JSON.parse(
    await runNode(['--import', 'tsx', 'bench/argon2-ceiling.ts', '5', '8'], { ...threadPool }, root, 60_000),
  ) as { verifiesPerSecond: number; msPerVerify: number };
  console.log(`  ${fmt(ceiling.verifiesPerSecond)} verifications/s (${fmt(ceiling.msPerVerify)} ms each on a busy pool)`);

  step(`bare baseline: Fastify + pg (pool ${POOL_SIZE}), GET /contacts/:id, no auth`);
  const basePort = await freePort();
  const baseline = startNode(
    ['--import', 'tsx', 'bench/baseline.ts'],
    {
      NODE_ENV: 'production',
      PORT: String(basePort),
      DATABASE_URL: database.url,
      POOL_SIZE: String(POOL_SIZE),
      BENCH_PASSWORD: PASSWORD,
      ...threadPool,
    },
    path.join(workDir, 'baseline.log'),
    root,
  );
  const baseUrl = `http://127.0.0.1:${basePort}`;
  await waitForOk(`${baseUrl}/health`, baseline);
  const baselineResult = await load('baseline GET /contacts/:id', baseUrl, {
    connections,
    duration,
    warmup,
    requests: baselineRequests(fixtures),
    serverPid: baseline.child.pid,
  });
  const bareLogin = selected('POST /api/auth/login')
    ? await load('baseline POST /login (argon2id only)', baseUrl, {
        connections,
        duration,
        warmup,
        requests: bareLoginRequests(PASSWORD),
        serverPid: baseline.child.pid,
      })
    : undefined;
  await stopChild(baseline.child);

  step(`Kith in production mode (node ${path.relative(root, server)})`);
  const port = await freePort();
  const kithUrl = `http://127.0.0.1:${port}`;
  const rateLimits = {
    LOGIN_MAX_PER_ACCOUNT: RAISED_LIMIT,
    LOGIN_MAX_PER_CLIENT: RAISED_LIMIT,
    EMAIL_MAX_PER_ADDRESS: RAISED_LIMIT,
    EMAIL_MAX_PER_CLIENT: RAISED_LIMIT,
  };
  console.log(`  rate limits raised so the throttle doesn't distort the numbers: ${Object.keys(rateLimits).join(', ')} = ${RAISED_LIMIT}`);
  const kith = startNode(
    cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`, server] : [server],
    {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      APP_URL: kithUrl,
      DATABASE_URL: database.url,
      JWT_SECRET: randomBytes(36).toString('base64url'), // 48 characters
      LOG_LEVEL: 'warn',
      DATA_DIR: path.join(workDir, 'data'),
      ACCESS_TOKEN_TTL_SECONDS: '3600', // outlives the run, however long BENCH_DURATION makes it
      ...rateLimits,
      ...threadPool,
    },
    path.join(workDir, 'kith.log'),
    workDir, // no .env from the repository is read
  );
  await waitForOk(`${kithUrl}/api/ready`, kith);

  started = performance.now();
  const tokens = new Map<string, string>();
  const toLogIn = [...readers, ...writers];
  for (let i = 0; i < toLogIn.length; i += 8) {
    await Promise.all(toLogIn.slice(i, i + 8).map(async (user) => tokens.set(user.id, await logIn(kithUrl, user.email))));
  }
  console.log(`  logged ${tokens.size} users in through the API in ${ms(performance.now() - started)}`);

  const { scenarios, me, login } = kithScenarios({
    token: (userId) => tokens.get(userId)!,
    readers,
    writers,
    everyone: users,
    fixtures,
    password: PASSWORD,
  });
  const results: LoadResult[] = [];
  for (const { name, requests } of scenarios.filter(({ name }) => selected(name))) {
    step(name);
    results.push(await load(name, kithUrl, { connections, duration, warmup, requests, serverPid: kith.child.pid }));
  }

  if (selected('login storm')) {
    step('login storm, and GET /api/users/me at a trickle (4 connections, 100 req/s) at the same time');
    results.push(
      ...(await Promise.all([
        // The server's CPU per login here includes the trickle of GET /api/users/me.
        load('POST /api/auth/login (storm)', kithUrl, { connections, duration, requests: login, serverPid: kith.child.pid }),
        load('GET /api/users/me during the storm', kithUrl, { connections: 4, overallRate: 100, duration, requests: me }),
      ])),
    );
  }
  if (kith.child.exitCode !== null) throw new Error(`Kith exited during the run:\n${await kith.tail()}`);
  await stopChild(kith.child);

  step('results (latency of 2xx answers, resolved to 1 ms)');
  const references = bareLogin ? [baselineResult, bareLogin] : [baselineResult];
  const rows = [...references, ...results].map((r) => [
    r.name,
    r.connections,
    fmt(r.reqPerSec),
    r.p50,
    r.p99,
    r.non2xx,
    r.errors,
    r.cpuMsPerRequest === undefined ? '–' : r.cpuMsPerRequest.toFixed(2),
  ]);
  console.log(table(['scenario', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'server CPU ms/req'], rows));
  for (const r of [...references, ...results]) if (r.statuses) console.log(`  ${r.name}: ${r.statuses}`);

  const found = (name: string) => results.find((r) => r.name === name);
  const getById = found('GET /api/contacts/:id');
  const search = found('GET /api/contacts?q=<typo> (search)');
  const loginAlone = found('POST /api/auth/login');
  const storm = found('POST /api/auth/login (storm)');
  const meInStorm = found('GET /api/users/me during the storm');
  const ratio = (a: number, b: number) => `${fmt(a)} / ${fmt(b)} per s = ${((100 * a) / b).toFixed(0)}%`;
  const goals: [string, boolean, string][] = [];
  if (getById) {
    const { reqPerSec: kithRate } = getById;
    goals.push(['get-by-id ≥ 60% of the bare baseline', kithRate >= 0.6 * baselineResult.reqPerSec, ratio(kithRate, baselineResult.reqPerSec)]);
  }
  if (search) goals.push(['search p99 < 20 ms at 32 connections', search.p99 < 20, `p99 ${search.p99} ms at ${search.connections} connections`]);
  if (loginAlone) {
    const { reqPerSec: rate } = loginAlone;
    goals.push(['login ≥ 80% of the argon2id ceiling', rate >= 0.8 * ceiling.verifiesPerSecond, ratio(rate, ceiling.verifiesPerSecond)]);
  }
  if (storm && meInStorm) {
    const measured = `p99 ${meInStorm.p99} ms (storm: ${fmt(storm.reqPerSec)} logins/s)`;
    goals.push(['GET /api/users/me p99 < 50 ms during a login storm', meInStorm.p99 < 50, measured]);
  }
  step('goals (informational)');
  console.log(table(['goal', 'result', 'measured'], goals.map(([goal, ok, measured]) => [goal, ok ? 'PASS' : 'MISS', measured])));
  if (loginAlone && bareLogin) {
    console.log(
      `  for reference, login through HTTP with nothing but argon2id behind it: ${fmt(bareLogin.reqPerSec)} per s ` +
        `(${((100 * bareLogin.reqPerSec) / ceiling.verifiesPerSecond).toFixed(0)}% of the ceiling); ` +
        `Kith's login is ${((100 * loginAlone.reqPerSec) / bareLogin.reqPerSec).toFixed(0)}% of that`,
    );
  }
}

async function serverVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return rows[0]?.server_version ?? '?';
  } finally {
    await client.end();
  }
}

async function logIn(baseUrl: string, email: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`login of ${email} failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

// Bounded in time whatever happens: ten load runs (two baselines, seven scenarios, the storm), the
// ceiling and a generous allowance for seeding and starting servers.
const budgetMs = (180 + 10 * (duration + warmup + 10)) * 1000;
const watchdog = setTimeout(() => {
  console.error(`\nbenchmark exceeded its ${budgetMs / 1000} s budget; stopping`);
  void cleanup().finally(() => process.exit(1));
}, budgetMs);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error('\nbenchmark failed:', error);
  exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await cleanup();
}
process.exit(exitCode);
