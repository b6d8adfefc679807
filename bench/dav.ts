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
 * BENCH_DAV_RUNS (runs of each sync, default 5), BENCH_DAV_ONLY (`kith` or `radicale`, to run one).
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
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
  type DavAccount,
  type DavClients,
  missingDavClients,
  missingRadicale,
  type Radicale,
  startRadicale,
} from '../test/helpers/dav-clients.js';
import { cpuSeconds, freePort, startNode, stopAllChildren, table, waitForOk } from './lib.js';
import { type BenchDatabase, createDatabase, seed } from './seed.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const runs = Number(process.env.BENCH_DAV_RUNS ?? 5);
if (!Number.isInteger(runs) || runs <= 0) throw new Error('BENCH_DAV_RUNS must be a positive integer');
const only = process.env.BENCH_DAV_ONLY?.toLowerCase();
const CARDS = 100;
const PASSWORD = 'bench-password-1234';

let database: BenchDatabase | undefined;
let radicale: Radicale | undefined;
let workDir: string | undefined;
const clientDirs: Array<() => Promise<void>> = [];
let cleaning: Promise<void> | undefined;
const cleanup = () =>
  (cleaning ??= (async () => {
    await Promise.all(clientDirs.map((close) => close().catch(() => undefined)));
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

function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, int, pick };
}

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
  return new Map(pids.flatMap((pid) => {
    const seconds = cpuSeconds(pid);
    return seconds === undefined ? [] : [[pid, seconds]];
  }));
}

interface Measured {
  server: string;
  firstWall: number[];
  firstCpu: number[];
  firstDbCpu: number[];
  resyncWall: number[];
  resyncCpu: number[];
  resyncDbCpu: number[];
}

/**
 * `runs` first syncs, each into a fresh empty folder (discover untimed), then `runs` no-change
 * re-syncs of the last folder. `backends` lists the server's database processes, if any.
 */
async function measure(server: string, account: DavAccount, pid: number, backends?: () => Promise<number[]>): Promise<Measured> {
  const result: Measured = { server, firstWall: [], firstCpu: [], firstDbCpu: [], resyncWall: [], resyncCpu: [], resyncDbCpu: [] };
  const timed = async (sync: () => Promise<unknown>, wall: number[], cpu: number[], dbCpu: number[]) => {
    const dbBefore = backends ? cpuOf(await backends()) : undefined;
    const before = cpuSeconds(pid);
    const started = performance.now();
    await sync();
    wall.push(performance.now() - started);
    const after = cpuSeconds(pid);
    if (before === undefined || after === undefined) throw new Error(`no /proc/${pid}/stat: CPU time can't be measured here`);
    cpu.push((after - before) * 1000);
    if (dbBefore && backends) {
      let total = 0;
      for (const [backend, seconds] of cpuOf(await backends())) total += seconds - (dbBefore.get(backend) ?? 0);
      dbCpu.push(total * 1000);
    }
  };
  let last: DavClients | undefined;
  for (let run = 0; run < runs; run += 1) {
    await last?.close();
    const clients = await createDavClients(account);
    clientDirs.push(() => clients.close());
    last = clients;
    await clients.discover();
    await timed(() => clients.syncOk(), result.firstWall, result.firstCpu, result.firstDbCpu);
    const files = await clients.cardFiles();
    if (files.length !== CARDS) throw new Error(`${server}: the first sync brought ${files.length} cards, not ${CARDS}`);
  }
  const synced = last!;
  for (let run = 0; run < runs; run += 1) {
    await timed(
      async () => {
        const { stdout, stderr } = await synced.syncOk();
        if (/Copying|Deleting/.test(stdout + stderr)) throw new Error(`${server}: a no-change re-sync changed something:\n${stderr}`);
      },
      result.resyncWall,
      result.resyncCpu,
      result.resyncDbCpu,
    );
  }
  await synced.close();
  console.log(
    `  first sync wall ${result.firstWall.map((n) => n.toFixed(0)).join(', ')} ms; CPU ${result.firstCpu.map((n) => n.toFixed(0)).join(', ')} ms`,
  );
  console.log(
    `  re-sync wall ${result.resyncWall.map((n) => n.toFixed(0)).join(', ')} ms; CPU ${result.resyncCpu.map((n) => n.toFixed(0)).join(', ')} ms`,
  );
  return result;
}

// ---- the servers ---------------------------------------------------------------------------------

async function benchRadicale(cards: Card[]): Promise<Measured> {
  step('radicale (Debian), filesystem storage, htpasswd (plain) auth');
  radicale = await startRadicale({ logLevel: 'warning' });
  const version = spawnSync('radicale', ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`  radicale ${version || '?'} on ${radicale.url}`);
  const started = performance.now();
  await putCards(radicale.addressBookUrl, radicale, cards);
  console.log(`  ${CARDS} cards PUT in ${(performance.now() - started).toFixed(0)} ms (not timed)`);
  const measured = await measure('Radicale', radicale, radicale.child.pid!);
  await radicale.stop();
  radicale = undefined;
  return measured;
}

async function benchKith(cards: Card[]): Promise<Measured> {
  const server = path.join(root, 'dist/src/server.js');
  if (!existsSync(server) || !existsSync(path.join(root, 'dist/src/db/migrations'))) {
    throw new Error('dist/src/server.js is missing: run `npm run build` first (`npm run bench:dav` does)');
  }
  step('Kith in production mode (node dist/src/server.js), fresh PostgreSQL database');
  database = await createDatabase(serverUrl);
  const migrator = openPostgres(database.url);
  await migrator.migrate();
  await migrator.close();
  const [user] = await seed(database.url, { users: 1, writers: 0, contactsPerUser: 0, contactsPerWriter: 0, passwordHash: await hashPassword(PASSWORD) });
  if (!user) throw new Error('seeding made no user');

  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const raised = '1000000';
  const kith = startNode(
    [server],
    {
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

  const started = performance.now();
  await putCards(`${origin}/dav/addressbooks/${user.id}/contacts/`, account, cards);
  console.log(`  ${CARDS} cards PUT in ${(performance.now() - started).toFixed(0)} ms (not timed)`);

  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const backends = async () =>
      (await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database!.name])).rows.map((r) => r.pid);
    const measured = await measure('Kith', account, kith.child.pid!, backends);
    if (kith.child.exitCode !== null) throw new Error(`Kith exited during the run:\n${await kith.tail()}`);
    return measured;
  } finally {
    await admin.end();
  }
}

async function main(): Promise<void> {
  const missing = missingDavClients() ?? missingRadicale();
  if (missing) throw new Error(missing);
  workDir = await mkdtemp(path.join(os.tmpdir(), 'kith-bench-dav-'));
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Kith CardDAV benchmark, ${new Date().toISOString()}`);
  console.log(`${os.availableParallelism()} CPUs (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`);
  console.log(`vdirsyncer 0.19 (Debian) as the client; ${runs} runs of each sync, medians; loopback only`);

  step(`making ${CARDS} cards`);
  const { cards, photoBytes } = await makeCards();
  const totalKb = cards.reduce((sum, c) => sum + Buffer.byteLength(c.body), 0) / 1024;
  console.log(
    `  ${totalKb.toFixed(0)} KiB in all; ${photoBytes.length} with a JPEG photo of ` +
      `${(Math.min(...photoBytes) / 1024).toFixed(0)}–${(Math.max(...photoBytes) / 1024).toFixed(0)} KiB`,
  );

  const results: Measured[] = [];
  if (only !== 'radicale') results.push(await benchKith(cards));
  if (only !== 'kith') results.push(await benchRadicale(cards));

  step('results (medians; server CPU = utime + stime of the server process from /proc, 10 ms ticks)');
  const fmt = (values: number[]) => (values.length ? median(values).toFixed(0) : '–');
  console.log(
    table(
      ['server', 'first sync wall ms', 'first sync server CPU ms', 're-sync wall ms', 're-sync server CPU ms', 'PostgreSQL CPU ms (first / re-sync)'],
      results.map((r) => [
        r.server,
        fmt(r.firstWall),
        fmt(r.firstCpu),
        fmt(r.resyncWall),
        fmt(r.resyncCpu),
        r.firstDbCpu.length ? `${fmt(r.firstDbCpu)} / ${fmt(r.resyncDbCpu)}` : '–',
      ]),
    ),
  );

  const kith = results.find((r) => r.server === 'Kith');
  const reference = results.find((r) => r.server === 'Radicale');
  const goals: [string, boolean, string][] = [];
  if (kith && reference) {
    for (const [label, k, r] of [
      ['first sync', kith.firstWall, reference.firstWall],
      ['no-change re-sync', kith.resyncWall, reference.resyncWall],
    ] as const) {
      goals.push([`${label}: Kith at least as fast as Radicale`, median(k) <= median(r), `${fmt(k)} ms vs ${fmt(r)} ms`]);
    }
  }
  if (kith) goals.push(['no-change re-sync < 100 ms of Kith server CPU', median(kith.resyncCpu) < 100, `${fmt(kith.resyncCpu)} ms`]);
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
