/**
 * `npm run bench`: seeds a fresh PostgreSQL database, starts the built Kith server in production
 * mode and a bare Fastify + pg baseline side by side, and loads them with wrk (bench/wrk.ts). Each
 * read scenario is measured between two halves of a baseline run, so its ratio to the baseline
 * compares numbers taken within seconds of each other on a machine whose speed drifts; the reads
 * run in rounds (all of them, then all again), each scenario reporting its median round. Also the
 * argon2id ceiling of this machine, and Kith's RSS (VmRSS, sampled every 250 ms) idle and through
 * every scenario. Prints the results and the goals (informational: the exit code is 0 unless
 * something broke). Loopback only; every child process is stopped and the database dropped at the
 * end, also on failure.
 *
 * Environment: BENCH_DATABASE_URL (server URL, default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_DURATION (seconds per scenario, default 10), BENCH_CONNECTIONS (default 32),
 * BENCH_WARMUP (seconds, default 2), BENCH_ROUNDS (rounds of the reads, default 3), BENCH_USERS (default 500), BENCH_WRITERS (default 32),
 * BENCH_WRK_THREADS (default 2), BENCH_WRK (default /usr/bin/wrk), BENCH_LOG_LEVEL (Kith's LOG_LEVEL,
 * default info: its access log on, as in production);
 * for investigating: BENCH_ONLY (a regular expression picking Kith scenarios by name) and
 * BENCH_CPU_PROF (a directory for a V8 CPU profile of the Kith server), BENCH_SERVER (another
 * build's server.js, to measure a change against the same baseline).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openPostgres } from '../src/db/client.js';
import { hashPassword } from '../src/modules/auth/passwords.js';
import { freePort, mib, RssSampler, runNode, SERVER_ENV, SERVER_NODE_OPTIONS, startNode, stopAllChildren, stopChild, table, waitForOk } from './lib.js';
import { bareLoginScript, baselineScript, kithScenarios } from './scenarios.js';
import { type BenchDatabase, createDatabase, loadFixtures, seed } from './seed.js';
import { wrk, type WrkOptions, type WrkResult, type WrkScript } from './wrk.js';

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
const rounds = int('BENCH_ROUNDS', 3);
const userCount = int('BENCH_USERS', 500);
const writerCount = Math.min(int('BENCH_WRITERS', 32), userCount - 1);
const wrkThreads = int('BENCH_WRK_THREADS', 2);
const readerLogins = Math.min(64, userCount - writerCount);
const PASSWORD = 'bench-password-1234';
const POOL_SIZE = 10; // Kith's default DATABASE_POOL_SIZE
const RAISED_LIMIT = '1000000';
/** The RSS goals, bytes: idle after start, and at every sample of the run. */
const IDLE_RSS_GOAL = 120 * 2 ** 20;
const PEAK_RSS_GOAL = 200 * 2 ** 20;
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
const latency = (n: number) => (n >= 10 ? n.toFixed(0) : n.toFixed(1));
const mb = (bytes: number | undefined) => (bytes === undefined ? '–' : mib(bytes).toFixed(0));
const loadavg = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

/** A read scenario and the baseline measured around it: half the baseline before, half after. */
interface Measured {
  kith: WrkResult;
  bare?: { reqPerSec: number; p50: number; p99: number };
  goal?: number;
  /** Every round of a read scenario, in order; `kith` and `bare` are the median one's. */
  rounds?: Measured[];
}

const ratio = (m: Measured) => (m.bare ? m.kith.reqPerSec / m.bare.reqPerSec : undefined);

/** The round whose ratio is the median (the lower middle one of an even number). */
function medianRound(all: Measured[]): Measured {
  const sorted = [...all].sort((a, b) => (ratio(a) ?? 0) - (ratio(b) ?? 0));
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, rounds: all };
}

async function main(): Promise<void> {
  const server = process.env.BENCH_SERVER ? path.resolve(process.env.BENCH_SERVER) : path.join(root, 'dist/src/server.js');
  if (!existsSync(server) || !existsSync(path.join(path.dirname(server), 'db/migrations'))) {
    throw new Error('dist/src/server.js is missing: run `npm run build` first (`npm run bench` does)');
  }
  if (!existsSync(process.env.BENCH_WRK ?? '/usr/bin/wrk')) throw new Error('wrk is missing: `apt-get install wrk` (or set BENCH_WRK)');
  const dir = (workDir = await mkdtemp(path.join(os.tmpdir(), 'kith-bench-')));

  const pgVersion = await serverVersion();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Kith benchmark, ${new Date().toISOString()}`);
  console.log(
    `${os.availableParallelism()} CPUs (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
      `Node ${process.version}, PostgreSQL ${pgVersion}; libuv thread pool ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`,
  );
  console.log(
    `wrk -t${wrkThreads} -c${connections}: ${duration} s per scenario after ${warmup} s of warm-up, the baseline ` +
      `${duration / 2} s before and after each read scenario, ${rounds} round${rounds === 1 ? '' : 's'} of the reads; loopback only`,
  );
  const loadStart = loadavg();
  console.log(`  load average at the start: ${loadStart}`);

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

  step(`bare baseline: Fastify + pg (pool ${POOL_SIZE}), GET /contacts/:id, no auth; it stays up through the run`);
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
    path.join(dir, 'baseline.log'),
    root,
  );
  const baseUrl = `http://127.0.0.1:${basePort}`;
  await waitForOk(`${baseUrl}/health`, baseline);
  const baseRss = new RssSampler(baseline.child.pid);
  const baseOptions: WrkOptions = { connections, duration, threads: wrkThreads, workDir: dir, serverPid: baseline.child.pid, rss: baseRss };
  const bareGet = baselineScript(fixtures);
  await wrk('baseline warm-up', baseUrl, bareGet, { ...baseOptions, duration: warmup });
  const bareLogin = selected('POST /api/auth/login')
    ? await warmThenMeasure('baseline POST /login (argon2id only)', baseUrl, bareLoginScript(PASSWORD), baseOptions)
    : undefined;

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
    [...SERVER_NODE_OPTIONS, ...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []), server],
    {
      ...SERVER_ENV,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      APP_URL: kithUrl,
      DATABASE_URL: database.url,
      JWT_SECRET: randomBytes(36).toString('base64url'), // 48 characters
      // The production default: the access log writes a line per request (to kith.log here).
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      DATA_DIR: path.join(dir, 'data'),
      ACCESS_TOKEN_TTL_SECONDS: '3600', // outlives the run, however long BENCH_DURATION makes it
      ...rateLimits,
      ...threadPool,
    },
    path.join(dir, 'kith.log'),
    dir, // no .env from the repository is read
  );
  await waitForOk(`${kithUrl}/api/ready`, kith);
  const rss = new RssSampler(kith.child.pid);
  await sleep(2000);
  const idleRss = rss.sample();
  console.log(`  RSS idle after start: ${mb(idleRss)} MB`);

  started = performance.now();
  const tokens = new Map<string, string>();
  const toLogIn = [...readers, ...writers];
  for (let i = 0; i < toLogIn.length; i += 8) {
    await Promise.all(toLogIn.slice(i, i + 8).map(async (user) => tokens.set(user.id, await logIn(kithUrl, user.email))));
  }
  console.log(`  logged ${tokens.size} users in through the API in ${ms(performance.now() - started)}`);
  const kithOptions: WrkOptions = { connections, duration, threads: wrkThreads, workDir: dir, serverPid: kith.child.pid, rss };

  const { scenarios, me, login } = kithScenarios({
    token: (userId) => tokens.get(userId)!,
    readers,
    writers,
    everyone: users,
    fixtures,
    password: PASSWORD,
  });
  const chosen = scenarios.filter(({ name }) => selected(name));
  // The reads in rounds: all of them, then all of them again, so that a slow minute of the machine
  // falls on one round of several scenarios rather than on every round of one.
  const readRounds = new Map<string, Measured[]>();
  for (let round = 1; round <= rounds; round += 1) {
    for (const { name, script, goal } of chosen.filter(({ goal }) => goal !== undefined)) {
      step(`${name}, round ${round} of ${rounds} (load average ${loadavg()})`);
      await wrk(`${name} warm-up`, kithUrl, script, { ...kithOptions, duration: warmup });
      const before = await wrk('baseline (before)', baseUrl, bareGet, { ...baseOptions, duration: duration / 2 });
      const result = await wrk(name, kithUrl, script, kithOptions);
      const after = await wrk('baseline (after)', baseUrl, bareGet, { ...baseOptions, duration: duration / 2 });
      const bare = {
        reqPerSec: (before.requests + after.requests) / (before.seconds + after.seconds),
        p50: (before.p50 + after.p50) / 2,
        p99: Math.max(before.p99, after.p99),
      };
      console.log(`  Kith ${fmt(result.reqPerSec)}/s, baseline ${fmt(before.reqPerSec)} and ${fmt(after.reqPerSec)}/s around it`);
      readRounds.set(name, [...(readRounds.get(name) ?? []), { kith: result, bare, goal }]);
    }
  }
  const measured: Measured[] = [...readRounds.values()].map(medianRound);
  for (const { name, script } of chosen.filter(({ goal }) => goal === undefined)) {
    step(`${name} (load average ${loadavg()})`);
    await wrk(`${name} warm-up`, kithUrl, script, { ...kithOptions, duration: warmup });
    measured.push({ kith: await wrk(name, kithUrl, script, kithOptions) });
  }

  let storm: WrkResult | undefined;
  let meInStorm: WrkResult | undefined;
  if (selected('login storm')) {
    step('login storm, and GET /api/users/me at a trickle (4 connections, one request per 40 ms each) at the same time');
    [storm, meInStorm] = await Promise.all([
      // The server's CPU per login here includes the trickle of GET /api/users/me.
      wrk('POST /api/auth/login (storm)', kithUrl, login, kithOptions),
      wrk('GET /api/users/me during the storm', kithUrl, { ...me, delayMs: 40 } satisfies WrkScript, {
        ...kithOptions,
        connections: 4,
        serverPid: undefined,
        rss: undefined,
      }),
    ]);
  }
  await sleep(3000);
  const idleAfterRss = rss.sample();
  const peakRss = rss.peak;
  rss.stop();
  baseRss.stop();
  if (kith.child.exitCode !== null) throw new Error(`Kith exited during the run:\n${await kith.tail()}`);
  await stopChild(kith.child);
  await stopChild(baseline.child);
  const loadEnd = loadavg();

  step(`results (wrk's latency of every answer; load average ${loadStart} at the start, ${loadEnd} at the end)`);
  const rows = measured.map((m) => {
    const r = ratio(m);
    const all = m.rounds ?? [m];
    return [
      m.kith.name,
      fmt(m.kith.reqPerSec),
      m.bare ? fmt(m.bare.reqPerSec) : '–',
      r === undefined ? '–' : `${r.toFixed(2)}×`,
      m.rounds ? m.rounds.map((round) => ratio(round)?.toFixed(2) ?? '–').join(' / ') : '–',
      m.goal === undefined || r === undefined ? '–' : `≥ ${m.goal}×: ${r >= m.goal ? 'met' : 'MISSED'}`,
      latency(m.kith.p50),
      latency(m.kith.p99),
      m.bare ? `${latency(m.bare.p50)} / ${latency(m.bare.p99)}` : '–',
      // Every round's failures, not only the median one's.
      nonOk(...all.map(({ kith }) => kith)),
      m.kith.cpuMsPerRequest === undefined ? '–' : m.kith.cpuMsPerRequest.toFixed(2),
      mb(Math.max(...all.map(({ kith }) => kith.peakRss ?? 0)) || undefined),
    ];
  });
  for (const r of [storm, meInStorm]) {
    if (r) rows.push([r.name, fmt(r.reqPerSec), '–', '–', '–', '–', latency(r.p50), latency(r.p99), '–', nonOk(r), r.cpuMsPerRequest?.toFixed(2) ?? '–', mb(r.peakRss)]);
  }
  if (bareLogin) {
    rows.push([bareLogin.name, fmt(bareLogin.reqPerSec), '–', '–', '–', '–', latency(bareLogin.p50), latency(bareLogin.p99), '–', nonOk(bareLogin), bareLogin.cpuMsPerRequest?.toFixed(2) ?? '–', '–']);
  }
  console.log(`  a read's row is its median round by ratio; "each round" gives every round's ratio, in order`);
  console.log(
    table(
      ['scenario', 'Kith req/s', 'bare req/s', 'ratio', 'each round', 'goal', 'p50 ms', 'p99 ms', 'bare p50 / p99 ms', 'non-2xx', 'server CPU ms/req', 'peak RSS MB'],
      rows,
    ),
  );
  for (const m of measured) {
    for (const [i, { kith: r }] of (m.rounds ?? [m]).entries()) {
      const statuses = Object.entries(r.statuses).map(([status, count]) => `${status}×${count}`);
      if (statuses.length) console.log(`  ${r.name}${m.rounds && m.rounds.length > 1 ? `, round ${i + 1}` : ''}: ${statuses.join(' ')}`);
    }
  }

  step('memory (VmRSS of the Kith process, sampled every 250 ms)');
  console.log(
    table(
      ['RSS', 'MB', 'goal', 'result'],
      [
        ['idle after start', mb(idleRss), '< 120', idleRss < IDLE_RSS_GOAL ? 'met' : 'MISSED'],
        ['peak through the run', mb(peakRss), '< 200', peakRss < PEAK_RSS_GOAL ? 'met' : 'MISSED'],
        ['idle after the run (3 s quiet)', mb(idleAfterRss), '–', '–'],
        ['bare baseline server, peak', mb(baseRss.peak), '–', '–'],
      ],
    ),
  );

  const found = (name: string) => measured.find((m) => m.kith.name === name)?.kith;
  const search = found('GET /api/contacts?q=<typo> (search)');
  const loginAlone = found('POST /api/auth/login');
  const share = (a: number, b: number) => `${fmt(a)} / ${fmt(b)} per s = ${((100 * a) / b).toFixed(0)}%`;
  const goals: [string, boolean, string][] = [];
  for (const m of measured) {
    const r = ratio(m);
    if (m.goal !== undefined && r !== undefined && m.bare) {
      const median = m.rounds && m.rounds.length > 1 ? ` (median of ${m.rounds.length} rounds)` : '';
      goals.push([`${m.kith.name} ≥ ${m.goal}× the bare baseline`, r >= m.goal, `${fmt(m.kith.reqPerSec)} / ${fmt(m.bare.reqPerSec)} = ${r.toFixed(2)}×${median}`]);
    }
  }
  goals.push(['RSS idle after start < 120 MB', idleRss < IDLE_RSS_GOAL, `${mb(idleRss)} MB`]);
  goals.push(['RSS < 200 MB through the run', peakRss < PEAK_RSS_GOAL, `peak ${mb(peakRss)} MB`]);
  if (search) goals.push(['search p99 < 20 ms at 32 connections', search.p99 < 20, `p99 ${latency(search.p99)} ms`]);
  if (loginAlone) {
    const { reqPerSec: rate } = loginAlone;
    goals.push(['login ≥ 80% of the argon2id ceiling', rate >= 0.8 * ceiling.verifiesPerSecond, share(rate, ceiling.verifiesPerSecond)]);
  }
  if (storm && meInStorm) {
    goals.push([
      'GET /api/users/me p99 < 50 ms during a login storm',
      meInStorm.p99 < 50,
      `p99 ${latency(meInStorm.p99)} ms (storm: ${fmt(storm.reqPerSec)} logins/s)`,
    ]);
  }
  step('goals (informational)');
  console.log(table(['goal', 'result', 'measured'], goals.map(([goal, ok, value]) => [goal, ok ? 'met' : 'MISSED', value])));
  if (loginAlone && bareLogin) {
    console.log(
      `  for reference, login through HTTP with nothing but argon2id behind it: ${fmt(bareLogin.reqPerSec)} per s ` +
        `(${((100 * bareLogin.reqPerSec) / ceiling.verifiesPerSecond).toFixed(0)}% of the ceiling); ` +
        `Kith's login is ${((100 * loginAlone.reqPerSec) / bareLogin.reqPerSec).toFixed(0)}% of that`,
    );
  }
}

/** Answers with status ≥ 400 and socket errors of one or more runs, e.g. "0" or "3 (+2 socket)". */
function nonOk(...results: WrkResult[]): string {
  let non2xx = 0;
  let socket = 0;
  for (const r of results) {
    non2xx += r.non2xx;
    socket += r.socketErrors.connect + r.socketErrors.read + r.socketErrors.write + r.socketErrors.timeout;
  }
  return socket ? `${non2xx} (+${socket} socket)` : String(non2xx);
}

async function warmThenMeasure(name: string, url: string, script: WrkScript, options: WrkOptions): Promise<WrkResult> {
  await wrk(`${name} warm-up`, url, script, { ...options, duration: warmup });
  return wrk(name, url, script, options);
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

// Bounded in time whatever happens: the load runs with their warm-ups (the bare login, the five
// reads in every round, two more scenarios, the storm), a baseline around each read, the ceiling
// and a generous allowance for seeding and starting servers.
const budgetMs = (180 + (4 + 5 * rounds) * (duration + warmup + 10) + 5 * rounds * (duration + 5)) * 1000;
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
