import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';

/** Every child the benchmark started; all of them are stopped on the way out, whatever happened. */
const children = new Set<ChildProcess>();

process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export interface Spawned {
  child: ChildProcess;
  logFile: string;
  /** The last lines the child wrote, for error messages. */
  tail(): Promise<string>;
}

/** Starts `node <args>` with exactly `env` (nothing inherited but PATH and HOME), output to `logFile`. */
export function startNode(args: string[], env: Record<string, string>, logFile: string, cwd: string): Spawned {
  const log = createWriteStream(logFile);
  const inherited = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  const child = spawn(process.execPath, args, { cwd, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  children.add(child);
  child.on('exit', () => children.delete(child));
  return {
    child,
    logFile,
    tail: async () => (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-30).join('\n'),
  };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function stopAllChildren(): Promise<void> {
  await Promise.all([...children].map((child) => stopChild(child)));
}

/** A port that was free a moment ago on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200; fails early if the child exits, and after `timeoutMs`. */
export async function waitForOk(url: string, spawned: Spawned, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (spawned.child.exitCode !== null) {
      throw new Error(`${url}: the server exited with code ${spawned.child.exitCode}:\n${await spawned.tail()}`);
    }
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${await spawned.tail()}`);
}

/** Runs a child to completion and returns its stdout; killed after `timeoutMs`. */
export async function runNode(args: string[], env: Record<string, string>, cwd: string, timeoutMs: number): Promise<string> {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  children.delete(child);
  if (code !== 0) throw new Error(`node ${args.join(' ')} failed (${code ?? 'killed'}):\n${err}`);
  return out;
}

/** Cycles through `items` forever, one per call. */
export function rotate<T>(items: readonly T[]): () => T {
  if (items.length === 0) throw new Error('nothing to rotate over');
  let i = 0;
  return () => items[i++ % items.length]!;
}

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/**
 * CPU seconds (user + system, all threads) a process has used so far, from /proc; undefined where
 * there is no /proc. Unlike throughput, CPU time per request hardly changes when other work
 * competes for the cores, so it is the steadier number on a busy machine.
 */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}

export interface LoadResult {
  name: string;
  connections: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Non-2xx answers by status, e.g. "409×3". */
  statuses: string;
  /** The server's CPU time per completed request, in milliseconds (all its threads). */
  cpuMsPerRequest: number | undefined;
}

export type LoadOptions = Omit<autocannon.Options, 'url' | 'warmup'> & {
  connections: number;
  /** Seconds of the same load before measuring, not counted. */
  warmup?: number;
  /** The server process, to measure its CPU time per request. */
  serverPid?: number;
};

/** One autocannon run against `baseUrl`. Latency percentiles cover 2xx answers only. */
export async function load(name: string, baseUrl: string, options: LoadOptions): Promise<LoadResult> {
  const { warmup, serverPid, ...rest } = options;
  const settings = { timeout: 10, ...rest, url: baseUrl };
  if (warmup) await autocannon({ ...settings, duration: warmup });
  const cpuBefore = cpuSeconds(serverPid);
  const result = await autocannon(settings);
  const cpuAfter = cpuSeconds(serverPid);
  const statuses = Object.entries(result.statusCodeStats)
    .filter(([status]) => !status.startsWith('2'))
    .map(([status, { count }]) => `${status}×${count}`)
    .join(' ');
  return {
    name,
    connections: options.connections,
    // Completed requests over the measured time, rather than the mean of per-second samples.
    reqPerSec: result.requests.total / Math.max(result.duration, 1e-9),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statuses,
    cpuMsPerRequest:
      cpuBefore === undefined || cpuAfter === undefined || result.requests.total === 0
        ? undefined
        : ((cpuAfter - cpuBefore) * 1000) / result.requests.total,
  };
}

/** A plain-text table with right-aligned numbers, also valid Markdown. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, col) => Math.max(...cells.map((row) => (row[col] ?? '').length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join(' | ')} |`;
  const rule = `|${widths.map((width, col) => (col === 0 ? `${'-'.repeat(width + 1)}-` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [line(cells[0]!), rule, ...cells.slice(1).map(line)].join('\n');
}
