import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

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

/**
 * The Node options Kith's server runs with, as `npm start` and the README's deployment give them:
 * a young generation of at most 2 × 4 MiB (Node's default lets it grow to 2 × 16 MiB, all of it
 * resident once used, which start-up alone does), and an old generation that grows by a tenth
 * between full collections rather than by up to 4× (see the README's Benchmarks).
 */
export const SERVER_NODE_OPTIONS = ['--max-semi-space-size=4', '--heap-growing-percent=10'];

/** And its environment there: glibc's malloc with 2 arenas, not 8 per core (one per thread hashing). */
export const SERVER_ENV = { MALLOC_ARENA_MAX: '2' };

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

/**
 * SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. The default outlasts
 * Kith's own shutdown (up to 5 s draining keep-alive sockets, 10 s in all), so a server started
 * with --cpu-prof lives to write its profile.
 */
export async function stopChild(child: ChildProcess, graceMs = 12_000): Promise<void> {
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

/** The resident set size of a process in bytes (VmRSS in /proc/<pid>/status), undefined once it is gone. */
export function rssBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Samples a process's RSS every `intervalMs` from when it is made; `mark()` starts a new window
 * and returns the peak of the one before, `peak` is the highest sample of all.
 */
export class RssSampler {
  peak = 0;
  private windowPeak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number | undefined,
    intervalMs = 250,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Takes a sample now and returns it (bytes), 0 when the process is gone. */
  sample(): number {
    const rss = rssBytes(this.pid) ?? 0;
    this.peak = Math.max(this.peak, rss);
    this.windowPeak = Math.max(this.windowPeak, rss);
    return rss;
  }

  /** The peak since the previous mark (or since the start), then a new window begins. */
  mark(): number {
    const peak = Math.max(this.windowPeak, this.sample());
    this.windowPeak = 0;
    return peak;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export const mib = (bytes: number) => bytes / 2 ** 20;

/** A plain-text table with right-aligned numbers, also valid Markdown. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, col) => Math.max(...cells.map((row) => (row[col] ?? '').length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join(' | ')} |`;
  const rule = `|${widths.map((width, col) => (col === 0 ? `${'-'.repeat(width + 1)}-` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [line(cells[0]!), rule, ...cells.slice(1).map(line)].join('\n');
}
