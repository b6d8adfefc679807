/**
 * `npm run bench:import`: how long POST /api/contacts/import takes for a 100-card vCard file with
 * a photo on every card (the goal: under 2 s), over real HTTP on this machine, on the embedded
 * PGlite (the default install) and on PostgreSQL. Each run imports into a new account: first the
 * dry run, then the real import; the table shows the median and the slowest of the runs.
 *
 * The file: vCard 3.0 cards as an iPhone exports them (two numbers, two emails, an address, an
 * organization, a birthday, an X-ABLabel, a note), each with a different 256×256 photo-like JPEG
 * (noise, so it compresses like a photo), base64 and folded: about 3.5 MiB in all.
 *
 * Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres; set
 * BENCH_IMPORT_ONLY=pglite to skip PostgreSQL), BENCH_IMPORT_RUNS (default 5).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { type Database, openPglite, openPostgres } from '../src/db/client.js';
import { users } from '../src/db/schema.js';
import { foldLine } from '../src/modules/dav/vcard/card-lines.js';
import { createDatabase } from './seed.js';
import { table } from './lib.js';

const runs = Number(process.env.BENCH_IMPORT_RUNS ?? 5);
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const only = process.env.BENCH_IMPORT_ONLY?.toLowerCase();

async function photo(seed: number): Promise<Buffer> {
  return sharp({ create: { width: 256, height: 256, channels: 3, background: { r: seed % 255, g: 90, b: 140 }, noise: { type: 'gaussian', mean: 120, sigma: 30 } } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

async function file(): Promise<string> {
  const cards: string[] = [];
  for (let i = 0; i < 100; i += 1) {
    const n = String(i).padStart(3, '0');
    const lines = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'PRODID:-//Apple Inc.//iPhone OS 17.2//EN',
      `N:Person${n};Bench;;;`,
      `FN:Bench Person${n}`,
      `ORG:Company ${i % 7};`,
      `item1.EMAIL;type=INTERNET;type=HOME;type=pref:bench${n}@example.com`,
      `EMAIL;type=INTERNET;type=WORK:person${n}@work.example`,
      `item2.TEL;type=CELL;type=VOICE;type=pref:+1 212 555 ${String(1000 + i).slice(-4)}`,
      `TEL;type=WORK;type=VOICE:+44 20 7946 ${String(1000 + i).slice(-4)}`,
      'item2.X-ABLabel:_$!<Mobile>!$_',
      `item3.ADR;type=HOME;type=pref:;;${i} Main Street;Springfield;IL;62701;United States`,
      `BDAY:19${String(50 + (i % 50))}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
      `NOTE:Imported in the benchmark\\, card ${n}.`,
      `PHOTO;ENCODING=b;TYPE=JPEG:${(await photo(i)).toString('base64')}`,
      `UID:bench-${n}`,
      'END:VCARD',
    ];
    cards.push(lines.map((line) => foldLine(line, '\r\n')).join('\r\n'));
  }
  return `${cards.join('\r\n')}\r\n`;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function measure(name: string, database: Database, body: string): Promise<(string | number)[]> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kith-bench-import-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-0123456789', LOG_LEVEL: 'silent' });
  const app = await buildApp(config, { database, logger: false, trash: { purgeOnStart: false } });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const dry: number[] = [];
  const real: number[] = [];
  try {
    for (let run = 0; run < runs; run += 1) {
      const email = `bench-import-${Date.now()}-${run}@example.com`;
      const password = 'correct horse battery staple 42';
      const registered = await fetch(`${base}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, name: 'Bench' }) });
      if (registered.status !== 201) throw new Error(`register: ${registered.status} ${await registered.text()}`);
      await database.db.update(users).set({ emailVerified: true }).where(eq(users.email, email));
      const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
      const { accessToken } = (await login.json()) as { accessToken: string };
      for (const [dryRun, times] of [[true, dry], [false, real]] as const) {
        const form = new FormData();
        form.append('file', new Blob([body], { type: 'text/vcard' }), 'contacts.vcf');
        const started = performance.now();
        const response = await fetch(`${base}/api/contacts/import${dryRun ? '?dryRun=true' : ''}`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` }, body: form });
        const report = (await response.json()) as { created?: number };
        times.push(performance.now() - started);
        if (response.status !== 200 || report.created !== 100) throw new Error(`import: ${response.status} ${JSON.stringify(report).slice(0, 300)}`);
      }
    }
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  const ms = (value: number) => `${Math.round(value)} ms`;
  return [name, ms(median(dry)), ms(Math.max(...dry)), ms(median(real)), ms(Math.max(...real)), median(real) < 2000 ? 'yes' : 'NO'];
}

const body = await file();
console.log(`100 cards, each with a 256×256 JPEG: ${(Buffer.byteLength(body) / 1024 / 1024).toFixed(1)} MiB; ${runs} runs per database`);
const rows: (string | number)[][] = [];
const pgliteDir = await mkdtemp(path.join(os.tmpdir(), 'kith-bench-pglite-'));
const pglite = openPglite(path.join(pgliteDir, 'db'));
await pglite.migrate();
rows.push(await measure('PGlite (embedded)', pglite, body));
await pglite.close();
await rm(pgliteDir, { recursive: true, force: true });
if (only !== 'pglite') {
  const server = await createDatabase(serverUrl);
  const postgres = openPostgres(server.url, 10);
  try {
    await postgres.migrate();
    rows.push(await measure('PostgreSQL', postgres, body));
  } finally {
    await postgres.close();
    await server.drop();
  }
}
console.log(table(['database', 'dry run (median)', 'dry run (slowest)', 'import (median)', 'import (slowest)', 'under 2 s'], rows));
