/**
 * `npm run bench:dav`: Kith's CardDAV server next to Debian's radicale, both on this machine, timed
 * with a real client. Each server gets the same 100 realistic cards (several TEL/EMAIL, ADR, ORG,
 * a quarter with a 20–50 KB JPEG photo) through PUT, untimed; then vdirsyncer runs a first full sync
 * into an empty folder and a no-change re-sync, several times each, and the medians are reported
 * with the server process's CPU time per sync (utime + stime from /proc, all threads).
 *
 * Kith is the production build (dist/src/server.js) on a fresh PostgreSQL database, dropped at the
 * end; radicale runs with filesystem storage and plain htpasswd auth in a temporary directory.
 * Loopback only. Informational: the exit code is 0 unless something broke.
 *
 * Environment: BENCH_DATABASE_URL (server URL, default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_DAV_RUNS (runs of each sync, default 5), BENCH_DAV_ONLY (`kith` or `radicale`, to run one);
 * for investigating: BENCH_DAV_TRACE (a directory for `vdirsyncer -v debug` logs of one first sync
 * and one re-sync per server, each line stamped with the milliseconds since vdirsyncer started).
 *
 * A vdirsyncer run is mostly Python starting up, so besides the wall time of each run the table
 * shows how long vdirsyncer waited for the server's answers (from `-v debug` runs, timestamped).
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import sharp from 'sharp';
import { openPostgres } from '../src/db/client.js';
import { hashPassword } from '../src/modules/auth/passwords.js';
import {
  CommandError,
  createDavClients,
  httpWaitMs,
  type DavAccount,
  type DavClients,
  missingDavClients,
  missingRadicale,
  type Radicale,
  startRadicale,
} from '../test/helpers/dav-clients.js';
import { cpuSeconds, freePort, SERVER_ENV, SERVER_NODE_OPTIONS, startNode, stopAllChildren, table, waitForOk } from './lib.js';
import { type BenchDatabase, createDatabase, generator, seed } from './seed.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const runs = Number(process.env.BENCH_DAV_RUNS ?? 5);
if (!Number.isInteger(runs) || runs <= 0) throw new Error('BENCH_DAV_RUNS must be a positive integer');
const only = process.env.BENCH_DAV_ONLY?.toLowerCase();
const traceDir = process.env.BENCH_DAV_TRACE ? path.resolve(process.env.BENCH_DAV_TRACE) : undefined;
const CARDS = 100;
const PASSWORD = 'bench-password-1234';

let database: BenchDatabase | undefined;
let radicale: Radicale | undefined;
let adminClient: pg.Client | undefined;
let workDir: string | undefined;
const clientDirs: Array<() => Promise<void>> = [];
let cleaning: Promise<void> | undefined;
const cleanup = () =>
  (cleaning ??= (async () => {
    await Promise.all(clientDirs.map((close) => close().catch(() => undefined)));
    await adminClient?.end().catch(() => undefined);
    await radicale?.stop().catch((error: unknown) => console.error('could not stop radicale:', error));
    await stopAllChildren();
    await database?.drop().catch((error: unknown) => console.error(`could not drop ${database?.name}:`, error));
    if (workDir) await rm(workDir, { recursive: true, force: true });
  })());

const step = (message: string) => console.log(`\n» ${message}`);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

// ---- the cards -----------------------------------------------------------------------------------

const FIRST = ['Olena', 'James', 'Maria', 'Søren', 'Zoë', 'Andrii', 'Chloé', 'David', 'Iryna', 'José', 'Hannah', 'Taras', 'Amelia', 'Marco'];
const LAST = ['Shevchenko', 'Smith', 'Müller', 'García', 'Kovalenko', 'Nakamura', 'O’Brien', 'Dubois', 'Rossi', 'Novak', 'Jensen', 'Silva'];
const CITIES = [
  ['Kyiv', '', '01001', 'Ukraine'],
  ['Berlin', 'Berlin', '10115', 'Germany'],
  ['Portland', 'OR', '97205', 'USA'],
  ['Lyon', '', '69002', 'France'],
] as const;
const ORGS = ['Analytical Engines Ltd', 'Kyiv Polytechnic', 'Acme GmbH', 'Northwind Traders'];

/** Folds a content line at 75 octets without splitting a UTF-8 character. */
function fold(line: string): string {
  const bytes = Buffer.from(line);
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  let limit = 75;
  while (start < bytes.length) {
    let end = Math.min(start + limit, bytes.length);
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end -= 1;
    parts.push(bytes.subarray(start, end).toString());
    start = end;
    limit = 74;
  }
  return parts.join('\r\n ');
}

async function jpeg(random: ReturnType<typeof generator>): Promise<Buffer> {
  const side = random.int(250, 370);
  const pixels = Buffer.alloc(side * side * 3);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = Math.floor(random.next() * 256);
  return sharp(pixels, { raw: { width: side, height: side, channels: 3 } }).blur(1).jpeg({ quality: 80 }).toBuffer();
}

interface Card {
  uid: string;
  body: string;
}

/** The same 100 cards every run: iPhone-style vCard 3.0, a quarter with a photo. */
async function makeCards(): Promise<{ cards: Card[]; photoBytes: number[] }> {
  const random = generator(20261201);
  const cards: Card[] = [];
  const photoBytes: number[] = [];
  for (let i = 0; i < CARDS; i += 1) {
    const first = random.pick(FIRST);
    const last = random.pick(LAST);
    const uid = `bench-${String(i).padStart(3, '0')}-${randomBytes(4).toString('hex')}`;
    const [city, region, code, country] = random.pick(CITIES);
    const lines = ['BEGIN:VCARD', 'VERSION:3.0', 'PRODID:-//Apple Inc.//iPhone OS 17.5//EN', `N:${last};${first};;;`, `FN:${first} ${last}`];
    if (random.next() < 0.6) lines.push(`ORG:${random.pick(ORGS)};`, `TITLE:Engineer`);
    const mail = `${first}.${last}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase();
    lines.push(`EMAIL;type=INTERNET;type=HOME;type=pref:${mail}@example.com`);
    if (random.next() < 0.5) lines.push(`EMAIL;type=INTERNET;type=WORK:${mail}@work.example.org`);
    lines.push(`TEL;type=CELL;type=VOICE;type=pref:+380 67 ${random.int(100, 999)} ${random.int(1000, 9999)}`);
    if (random.next() < 0.6) lines.push(`TEL;type=HOME;type=VOICE:+49 30 ${random.int(1000000, 9999999)}`);
    if (random.next() < 0.3) lines.push(`item1.TEL:+1 503 555 ${random.int(1000, 9999)}`, 'item1.X-ABLabel:Cabin');
    lines.push(`item2.ADR;type=HOME;type=pref:;;${random.int(1, 120)} Main Street;${city};${region};${code};${country}`, 'item2.X-ABADR:de');
    if (random.next() < 0.3) lines.push(`BDAY;value=date:19${random.int(50, 99)}-0${random.int(1, 9)}-1${random.int(0, 9)}`);
    if (random.next() < 0.3) lines.push(`X-SOCIALPROFILE;type=twitter:https://twitter.com/${mail.replace('.', '_')}`);
    lines.push(`NOTE:${random.next() < 0.5 ? 'Met at the conference in Lviv. Likes long walks.' : 'Neighbour'}`);
    if (i % 4 === 0) {
      const photo = await jpeg(random);
      photoBytes.push(photo.length);
      lines.push(`PHOTO;ENCODING=b;TYPE=JPEG:${photo.toString('base64')}`);
    }
    lines.push(`UID:${uid}`, `REV:2026-11-25T18:40:00Z`, 'END:VCARD');
    cards.push({ uid, body: `${lines.map(fold).join('\r\n')}\r\n` });
  }
  return { cards, photoBytes };
}

async function putCards(collectionUrl: string, account: DavAccount, cards: Card[]): Promise<void> {
  const authorization = `Basic ${Buffer.from(`${account.username}:${account.password}`).toString('base64')}`;
  for (let i = 0; i < cards.length; i += 8) {
    await Promise.all(
      cards.slice(i, i + 8).map(async ({ uid, body }) => {
        const response = await fetch(`${collectionUrl}${uid}.vcf`, {
          method: 'PUT',
          headers: { authorization, 'content-type': 'text/vcard; charset=utf-8', 'if-none-match': '*' },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        if (response.status !== 201 && response.status !== 204) {
          throw new Error(`PUT ${collectionUrl}${uid}.vcf: ${response.status} ${await response.text()}`);
        }
      }),
    );
  }
}

// ---- measuring -----------------------------------------------------------------------------------

/** CPU seconds of a set of processes (PostgreSQL backends); those that exited meanwhile are lost. */
function cpuOf(pids: number[]): Map<number, number> {
  return new Map(
    pids.flatMap((pid) => {
      const seconds = cpuSeconds(pid);
      return seconds === undefined ? [] : [[pid, seconds]];
    }),
  );
}

/** A server loaded with the cards, ready to sync with. */
interface Target {
  server: string;
  account: DavAccount;
  pid: number;
  /** The server's database processes, whose CPU is reported apart. */
  backends?: () => Promise<number[]>;
  /** Throws if the server died. */
  check(): Promise<void>;
}

interface Sample {
  wall: number;
  cpu: number;
  dbCpu: number | undefined;
}

async function timed(target: Target, sync: () => Promise<unknown>): Promise<Sample> {
  const dbBefore = target.backends ? cpuOf(await target.backends()) : undefined;
  const before = cpuSeconds(target.pid);
  const started = performance.now();
  await sync();
  const wall = performance.now() - started;
  const after = cpuSeconds(target.pid);
  if (before === undefined || after === undefined) throw new Error(`no /proc/${target.pid}/stat: CPU time can't be measured here`);
  let dbCpu: number | undefined;
  if (dbBefore && target.backends) {
    dbCpu = 0;
    for (const [backend, seconds] of cpuOf(await target.backends())) dbCpu += (seconds - (dbBefore.get(backend) ?? 0)) * 1000;
  }
  // Whole milliseconds: the clock ticks every 10 ms anyway, and it keeps 0.03 * 1000 from being 30.000000000000004.
  return { wall, cpu: Math.round((after - before) * 1000), dbCpu: dbCpu === undefined ? undefined : Math.round(dbCpu) };
}

/** A first sync into a fresh, empty folder (discover untimed); answers the synced clients. */
async function firstSync(target: Target, samples?: Sample[]): Promise<DavClients> {
  const clients = await createDavClients(target.account);
  clientDirs.push(() => clients.close());
  await clients.discover();
  const sample = await timed(target, () => clients.syncOk());
  samples?.push(sample);
  const files = await clients.cardFiles();
  if (files.length !== CARDS) throw new Error(`${target.server}: the first sync brought ${files.length} cards, not ${CARDS}`);
  return clients;
}

async function resync(target: Target, clients: DavClients, samples: Sample[]): Promise<void> {
  samples.push(
    await timed(target, async () => {
      const { stdout, stderr } = await clients.syncOk();
      if (/Copying|Deleting/.test(stdout + stderr)) throw new Error(`${target.server}: a no-change re-sync changed something:\n${stderr}`);
    }),
  );
}

interface Measured {
  server: string;
  first: Sample[];
  again: Sample[];
  /** Milliseconds vdirsyncer waited for HTTP answers, from traced syncs. */
  firstHttp: number[];
  againHttp: number[];
}

/**
 * One untimed warm-up sync per server, then `runs` rounds of first syncs and `runs` of no-change
 * re-syncs, the servers taking turns (in alternating order), so that other work on the machine
 * weighs on both alike.
 */
async function measureAll(targets: Target[]): Promise<Measured[]> {
  const results: Measured[] = targets.map((t) => ({ server: t.server, first: [], again: [], firstHttp: [], againHttp: [] }));
  const synced = new Map<Target, DavClients>();
  for (const target of targets) await (await firstSync(target)).close();
  const order = (round: number) => (round % 2 ? [...targets].reverse() : targets);
  for (let round = 0; round < runs; round += 1) {
    for (const target of order(round)) {
      await synced.get(target)?.close();
      synced.set(target, await firstSync(target, results[targets.indexOf(target)]!.first));
    }
  }
  for (let round = 0; round < runs; round += 1) {
    for (const target of order(round)) await resync(target, synced.get(target)!, results[targets.indexOf(target)]!.again);
  }
  for (const clients of synced.values()) await clients.close();
  // Then the same syncs with `-v debug`, timestamped, for the time spent waiting on the server alone
  // (a vdirsyncer run is mostly Python starting up, which other work on the machine slows).
  for (let round = 0; round < runs; round += 1) {
    for (const target of order(round)) {
      const result = results[targets.indexOf(target)]!;
      const clients = await createDavClients(target.account);
      clientDirs.push(() => clients.close());
      await clients.discover();
      for (const [kind, into] of [
        ['first', result.firstHttp],
        ['resync', result.againHttp],
      ] as const) {
        const traced = await clients.traceSync();
        if (traced.code !== 0) throw new CommandError(traced);
        into.push(httpWaitMs(traced.stderr).ms);
        if (traceDir && round === runs - 1) {
          await mkdir(traceDir, { recursive: true });
          const file = path.join(traceDir, `${target.server.toLowerCase()}-${kind}.log`);
          await writeFile(file, `${traced.stderr}\n[${traced.ms.toFixed(1).padStart(8)} ms] exit ${traced.code}\n`);
          console.log(`  ${target.server}: trace of a ${kind === 'first' ? 'first sync' : 're-sync'} in ${file}`);
        }
      }
      await clients.close();
    }
  }
  for (const target of targets) await target.check();
  const list = (values: number[]) => values.map((n) => n.toFixed(0)).join(', ');
  for (const r of results) {
    for (const [label, samples, http] of [
      ['first sync', r.first, r.firstHttp],
      ['re-sync', r.again, r.againHttp],
    ] as const) {
      console.log(
        `  ${r.server}, ${label}: wall ${list(samples.map((x) => x.wall))} ms; server CPU ${list(samples.map((x) => x.cpu))} ms; ` +
          `waiting on HTTP ${list(http)} ms`,
      );
    }
  }
  return results;
}

// ---- the servers ---------------------------------------------------------------------------------

async function startRadicaleTarget(cards: Card[]): Promise<Target> {
  step('radicale (Debian), filesystem storage, htpasswd (plain) auth');
  const started = await startRadicale({ logLevel: 'warning' });
  radicale = started;
  const version = spawnSync('radicale', ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`  radicale ${version || '?'} on ${started.url}`);
  const putting = performance.now();
  await putCards(started.addressBookUrl, started, cards);
  console.log(`  ${CARDS} cards PUT in ${(performance.now() - putting).toFixed(0)} ms (not timed)`);
  return {
    server: 'Radicale',
    account: started,
    pid: started.child.pid!,
    async check() {
      if (started.child.exitCode !== null) throw new Error(`radicale exited during the run (${started.child.exitCode})`);
    },
  };
}

async function startKithTarget(cards: Card[]): Promise<Target> {
  const server = path.join(root, 'dist/src/server.js');
  if (!existsSync(server) || !existsSync(path.join(root, 'dist/src/db/migrations'))) {
    throw new Error('dist/src/server.js is missing: run `npm run build` first (`npm run bench:dav` does)');
  }
  step('Kith in production mode (node dist/src/server.js), fresh PostgreSQL database');
  database = await createDatabase(serverUrl);
  const migrator = openPostgres(database.url);
  await migrator.migrate();
  await migrator.close();
  const seeded = await seed(database.url, {
    users: 1,
    writers: 0,
    contactsPerUser: 0,
    contactsPerWriter: 0,
    passwordHash: await hashPassword(PASSWORD),
  });
  const user = seeded[0];
  if (!user) throw new Error('seeding made no user');

  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const raised = '1000000';
  const kith = startNode(
    [...SERVER_NODE_OPTIONS, server],
    {
      ...SERVER_ENV,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      APP_URL: origin,
      DATABASE_URL: database.url,
      JWT_SECRET: randomBytes(36).toString('base64url'),
      LOG_LEVEL: 'warn',
      DATA_DIR: path.join(workDir!, 'data'),
      LOGIN_MAX_PER_ACCOUNT: raised,
      LOGIN_MAX_PER_CLIENT: raised,
    },
    path.join(workDir!, 'kith.log'),
    workDir!, // no .env from the repository is read
  );
  await waitForOk(`${origin}/api/ready`, kith);
  console.log(`  Kith on ${origin}`);

  const login = await fetch(`${origin}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: PASSWORD }),
  });
  if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
  const { accessToken } = (await login.json()) as { accessToken: string };
  const created = await fetch(`${origin}/api/users/me/app-passwords`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ name: 'bench: vdirsyncer' }),
  });
  if (created.status !== 201) throw new Error(`app password: ${created.status} ${await created.text()}`);
  const { username, password } = (await created.json()) as { username: string; password: string };
  // Discovery from the server root, through /.well-known/carddav, as for radicale.
  const account = { url: `${origin}/`, username, password };

  const putting = performance.now();
  await putCards(`${origin}/dav/addressbooks/${user.id}/contacts/`, account, cards);
  console.log(`  ${CARDS} cards PUT in ${(performance.now() - putting).toFixed(0)} ms (not timed)`);

  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  adminClient = admin;
  const name = database.name;
  return {
    server: 'Kith',
    account,
    pid: kith.child.pid!,
    backends: async () =>
      (await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [name])).rows.map((r) => r.pid),
    async check() {
      if (kith.child.exitCode !== null) throw new Error(`Kith exited during the run:\n${await kith.tail()}`);
    },
  };
}

async function main(): Promise<void> {
  const missing = missingDavClients() ?? missingRadicale();
  if (missing) throw new Error(missing);
  workDir = await mkdtemp(path.join(os.tmpdir(), 'kith-bench-dav-'));
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Kith CardDAV benchmark, ${new Date().toISOString()}`);
  console.log(`${os.availableParallelism()} CPUs (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`);
  console.log(`vdirsyncer 0.19 (Debian) as the client; ${runs} runs of each sync, medians; loopback only`);
  const [load1] = os.loadavg();
  if (load1 !== undefined && load1 > os.availableParallelism() / 2) {
    console.log(`  warning: load average ${load1.toFixed(1)} before starting; other work on this machine will skew wall times (CPU times less so)`);
  }

  step(`making ${CARDS} cards`);
  const { cards, photoBytes } = await makeCards();
  const totalKb = cards.reduce((sum, c) => sum + Buffer.byteLength(c.body), 0) / 1024;
  console.log(
    `  ${totalKb.toFixed(0)} KiB in all; ${photoBytes.length} with a JPEG photo of ` +
      `${(Math.min(...photoBytes) / 1024).toFixed(0)}–${(Math.max(...photoBytes) / 1024).toFixed(0)} KiB`,
  );

  const targets: Target[] = [];
  if (only !== 'radicale') targets.push(await startKithTarget(cards));
  if (only !== 'kith') targets.push(await startRadicaleTarget(cards));
  step(`syncing: ${runs} first syncs and ${runs} no-change re-syncs per server, taking turns`);
  const results = await measureAll(targets);

  step('results (medians; server CPU = utime + stime of the server process from /proc, 10 ms ticks)');
  const mid = (samples: Sample[], key: keyof Sample) => {
    const values = samples.flatMap((sample) => (sample[key] === undefined ? [] : [sample[key]]));
    return values.length ? median(values) : undefined;
  };
  const fmt = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(0));
  console.log(
    table(
      [
        'server',
        'first sync wall ms',
        'first sync server CPU ms',
        're-sync wall ms',
        're-sync server CPU ms',
        'HTTP wait ms (first / re-sync)',
        'its PostgreSQL CPU ms (first / re-sync)',
      ],
      results.map((r) => [
        r.server,
        fmt(mid(r.first, 'wall')),
        fmt(mid(r.first, 'cpu')),
        fmt(mid(r.again, 'wall')),
        fmt(mid(r.again, 'cpu')),
        `${fmt(median(r.firstHttp))} / ${fmt(median(r.againHttp))}`,
        mid(r.first, 'dbCpu') === undefined ? '–' : `${fmt(mid(r.first, 'dbCpu'))} / ${fmt(mid(r.again, 'dbCpu'))}`,
      ]),
    ),
  );
  console.log(`  load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')} on ${os.availableParallelism()} CPUs at the end`);

  const kith = results.find((r) => r.server === 'Kith');
  const reference = results.find((r) => r.server === 'Radicale');
  const goals: [string, boolean, string][] = [];
  if (kith && reference) {
    for (const [label, key] of [
      ['first sync', 'first'],
      ['no-change re-sync', 'again'],
    ] as const) {
      const k = mid(kith[key], 'wall')!;
      const r = mid(reference[key], 'wall')!;
      const kCpu = mid(kith[key], 'cpu')!;
      const rCpu = mid(reference[key], 'cpu')!;
      goals.push([`${label}: Kith at least as fast as Radicale (wall)`, k <= r, `${fmt(k)} ms vs ${fmt(r)} ms`]);
      goals.push([`${label}: Kith no more server CPU than Radicale`, kCpu <= rCpu, `${fmt(kCpu)} ms vs ${fmt(rCpu)} ms`]);
      const http = key === 'first' ? ([kith.firstHttp, reference.firstHttp] as const) : ([kith.againHttp, reference.againHttp] as const);
      const [kHttp, rHttp] = [median(http[0]), median(http[1])];
      goals.push([`${label}: Kith answers at least as fast (HTTP wait)`, kHttp <= rHttp, `${fmt(kHttp)} ms vs ${fmt(rHttp)} ms`]);
    }
  }
  if (kith) {
    const cpu = mid(kith.again, 'cpu')!;
    goals.push(['no-change re-sync < 100 ms of Kith server CPU', cpu < 100, `${fmt(cpu)} ms`]);
  }
  step('goals (informational)');
  console.log(table(['goal', 'result', 'measured'], goals.map(([goal, ok, measured]) => [goal, ok ? 'PASS' : 'MISS', measured])));
}

const watchdog = setTimeout(() => {
  console.error('\nbenchmark exceeded its 10-minute budget; stopping');
  void cleanup().finally(() => process.exit(1));
}, 600_000);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error('\nbenchmark failed:', error instanceof CommandError ? error.message : error);
  exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await cleanup();
}
process.exit(exitCode);
