/**
 * Real CardDAV clients for tests and the DAV benchmark: Debian's vdirsyncer (the sync engine) and
 * khard (an address book reading vdirsyncer's folder), and Debian's radicale as a reference server.
 * Each client set lives in its own temporary directory with its own HOME and XDG folders, so nothing
 * is read from the user's configuration, and it talks to 127.0.0.1 only.
 *
 * No vitest import: the benchmark uses this module too.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Why the real clients can't run here, or undefined when they can. */
export function missingDavClients(): string | undefined {
  const missing = ['vdirsyncer', 'khard'].filter((tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0);
  return missing.length === 0 ? undefined : `${missing.join(' and ')} not installed (apt-get install vdirsyncer khard)`;
}

export function missingRadicale(): string | undefined {
  return spawnSync('radicale', ['--version'], { stdio: 'ignore' }).status === 0 ? undefined : 'radicale not installed (apt-get install radicale)';
}

export interface DavAccount {
  /** Where discovery starts, e.g. http://127.0.0.1:8080/ (vdirsyncer tries it, then /.well-known/carddav). */
  url: string;
  username: string;
  password: string;
}

export interface CommandResult {
  command: string;
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export class CommandError extends Error {
  constructor(readonly result: CommandResult) {
    super(`${result.command} exited with ${result.code ?? 'a signal (timed out?)'} after ${result.ms.toFixed(0)} ms\n${formatOutput(result)}`);
  }
}

export const formatOutput = (r: CommandResult) => `--- stdout\n${r.stdout}--- stderr\n${r.stderr}---`;

/** Only loopback: these helpers must never send anything off the machine. */
function assertLoopback(url: string): void {
  const { hostname } = new URL(url);
  if (hostname !== '127.0.0.1') throw new Error(`refusing ${url}: real-client tests talk to 127.0.0.1 only`);
}

/** Runs `command`, feeding it `input`; killed after `timeoutMs`. Never throws for an exit code. */
export async function run(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number; timestamps?: boolean },
): Promise<CommandResult> {
  const started = performance.now();
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  // With timestamps, each line of stderr starts with the milliseconds since the start at which it
  // arrived (Python writes stderr line by line), for traces.
  let lineStart = true;
  const stamped = (text: string) => {
    const stamp = `[${(performance.now() - started).toFixed(1).padStart(8)} ms] `;
    const out = text.replace(/^(?=.)/gm, (_match, offset: number) => (offset > 0 || lineStart ? stamp : ''));
    lineStart = text.endsWith('\n');
    return out;
  };
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += options.timestamps ? stamped(chunk.toString()) : chunk.toString()));
  child.stdin.on('error', () => undefined); // a child that exits without reading its input
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  }).finally(() => clearTimeout(timer));
  return { command: [command, ...args].join(' '), code, stdout, stderr, ms: performance.now() - started };
}

const toml = (value: string) => JSON.stringify(value); // vdirsyncer reads values as JSON

export interface DavClients {
  /** The temporary directory holding the configs, the status and the local folder. */
  readonly dir: string;
  /** vdirsyncer's local address book folder (known after `discover`). */
  folder(): string;
  /** `yes | vdirsyncer discover`; throws with the output unless it exits 0. */
  discover(): Promise<CommandResult>;
  /** `vdirsyncer sync`, whatever its exit code. */
  sync(): Promise<CommandResult>;
  /** `vdirsyncer -v debug sync`: every request and response, stamped with the time since the start. */
  traceSync(): Promise<CommandResult>;
  /** `vdirsyncer sync`; throws with the output unless it exits 0. */
  syncOk(): Promise<CommandResult>;
  /** `khard list --parsable`: one entry per contact. */
  khardList(): Promise<Array<{ uid: string; name: string; addressBook: string }>>;
  /** `khard show --format=yaml uid:<uid>`: khard's editable template, filled in. */
  khardShow(uid: string): Promise<string>;
  /** `khard new` with a YAML template on stdin (a vCard 3.0 unless told); answers the new contact's UID. */
  khardNew(template: string, vcardVersion?: '3.0' | '4.0'): Promise<string>;
  /** Writes a card into the local folder, as a client that stores vCards would. */
  writeCard(fileName: string, bytes: string | Buffer): Promise<void>;
  readCard(fileName: string): Promise<Buffer>;
  removeCard(fileName: string): Promise<void>;
  /** The .vcf files in the local folder, sorted. */
  cardFiles(): Promise<string[]>;
  /** Removes the temporary directory. */
  close(): Promise<void>;
}

/**
 * A vdirsyncer pair (local folder ⇄ the CardDAV account, collections from the server) and a khard
 * reading the local folder. `conflictResolution` is explicit so a sync never stops to ask.
 */
export async function createDavClients(
  account: DavAccount,
  options: { conflictResolution?: 'a wins' | 'b wins'; timeoutMs?: number } = {},
): Promise<DavClients> {
  assertLoopback(account.url);
  const dir = await mkdtemp(path.join(tmpdir(), 'kith-dav-clients-'));
  const paths = {
    home: path.join(dir, 'home'),
    config: path.join(dir, 'xdg-config'),
    data: path.join(dir, 'xdg-data'),
    cache: path.join(dir, 'xdg-cache'),
    status: path.join(dir, 'status'),
    local: path.join(dir, 'local'),
    vdirsyncer: path.join(dir, 'vdirsyncer.conf'),
    khard: path.join(dir, 'khard.conf'),
  };
  await Promise.all([paths.home, paths.config, paths.data, paths.cache, paths.status, paths.local].map((p) => mkdir(p)));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: paths.home,
    XDG_CONFIG_HOME: paths.config,
    XDG_DATA_HOME: paths.data,
    XDG_CACHE_HOME: paths.cache,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    NO_PROXY: '*',
    no_proxy: '*',
    EDITOR: '/bin/false',
    VISUAL: '/bin/false',
  };
  const timeoutMs = options.timeoutMs ?? 90_000;
  await writeFile(
    paths.vdirsyncer,
    [
      '[general]',
      `status_path = ${toml(`${paths.status}/`)}`,
      '',
      '[pair kith]',
      'a = "kith_local"',
      'b = "kith_remote"',
      'collections = ["from b"]',
      `conflict_resolution = ${toml(options.conflictResolution ?? 'b wins')}`,
      'metadata = []',
      '',
      '[storage kith_local]',
      'type = "filesystem"',
      `path = ${toml(`${paths.local}/`)}`,
      'fileext = ".vcf"',
      '',
      '[storage kith_remote]',
      'type = "carddav"',
      `url = ${toml(account.url)}`,
      `username = ${toml(account.username)}`,
      `password = ${toml(account.password)}`,
      '',
    ].join('\n'),
  );

  let folder: string | undefined;
  const folderOrThrow = () => {
    if (!folder) throw new Error('no local address book folder yet: run discover() first');
    return folder;
  };
  const vdirsyncer = (args: string[], input?: string, timestamps = false) =>
    run('vdirsyncer', ['-c', paths.vdirsyncer, ...args], { env, cwd: dir, input, timeoutMs, timestamps });
  const khard = async (args: string[], input?: string) => {
    const result = await run('khard', ['-c', paths.khard, ...args], { env, cwd: dir, input, timeoutMs });
    if (result.code !== 0) throw new CommandError(result);
    return result;
  };
  const ok = (result: CommandResult) => {
    if (result.code !== 0) throw new CommandError(result);
    return result;
  };

  return {
    dir,
    folder: folderOrThrow,
    async discover() {
      // `yes |`: vdirsyncer asks before creating a collection on the side that lacks it.
      const result = ok(await vdirsyncer(['discover'], 'y\n'.repeat(20)));
      // Collections come from the server, so the local folder holds one directory per address book.
      const discovered = readdirSync(paths.local, { withFileTypes: true }).filter((entry) => entry.isDirectory());
      if (discovered.length !== 1) {
        throw new Error(`expected exactly one address book, vdirsyncer made ${discovered.length}:\n${formatOutput(result)}`);
      }
      folder = path.join(paths.local, discovered[0]!.name);
      await writeFile(
        paths.khard,
        [
          '[addressbooks]',
          '[[kith]]',
          `path = ${folder}/`,
          '',
          '[general]',
          'debug = no',
          'default_action = list',
          'editor = /bin/false',
          'merge_editor = /bin/false',
          '',
          '[contact table]',
          'display = first_name',
          'group_by_addressbook = no',
          'reverse = no',
          'show_nicknames = no',
          'show_uids = yes',
          'sort = last_name',
          'localize_dates = no',
          '',
          '[vcard]',
          'preferred_version = 3.0',
          'search_in_source_files = no',
          'skip_unparsable = no',
          '',
        ].join('\n'),
      );
      return result;
    },
    sync: () => vdirsyncer(['sync']),
    traceSync: () => vdirsyncer(['-v', 'debug', 'sync'], undefined, true),
    async syncOk() {
      return ok(await vdirsyncer(['sync']));
    },
    async khardList() {
      folderOrThrow();
      const { stdout } = await khard(['list', '--parsable']);
      return stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => {
          const [uid = '', name = '', addressBook = ''] = line.split('\t');
          return { uid, name, addressBook };
        });
    },
    async khardShow(uid) {
      folderOrThrow();
      return (await khard(['show', '--format=yaml', `uid:${uid}`])).stdout;
    },
    async khardNew(template, vcardVersion = '3.0') {
      folderOrThrow();
      const { stdout } = await khard(['new', '-a', 'kith', '--vcard-version', vcardVersion], template);
      const uid = /^\s*UID:\s*(\S+)/m.exec(stdout)?.[1];
      if (!uid) throw new Error(`khard new printed no UID:\n${stdout}`);
      return uid;
    },
    writeCard: (fileName, bytes) => writeFile(path.join(folderOrThrow(), fileName), bytes),
    readCard: (fileName) => readFile(path.join(folderOrThrow(), fileName)),
    removeCard: (fileName) => unlink(path.join(folderOrThrow(), fileName)),
    async cardFiles() {
      return (await readdir(folderOrThrow())).filter((name) => name.endsWith('.vcf')).sort();
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * From a `traceSync()` log, the milliseconds vdirsyncer spent waiting for HTTP answers: from each
 * "Sending request..." to the status line that follows it.
 */
export function httpWaitMs(trace: string): { requests: number; ms: number } {
  let sentAt: number | undefined;
  let requests = 0;
  let ms = 0;
  for (const line of trace.split('\n')) {
    const match = /^\[\s*([\d.]+) ms\] debug: (Sending request\.\.\.|\d{3})$/.exec(line);
    if (!match) continue;
    const at = Number(match[1]);
    if (match[2] === 'Sending request...') sentAt = at;
    else if (sentAt !== undefined) {
      requests += 1;
      ms += at - sentAt;
      sentAt = undefined;
    }
  }
  return { requests, ms };
}

/** A single line of YAML from khard's template (`Note: text`), or undefined when it is empty. */
export function khardField(yaml: string, key: string): string | undefined {
  const match = new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:[ \\t]*(.*)$`, 'm').exec(yaml);
  const value = match?.[1]?.trim();
  return value ? value : undefined;
}

export interface Radicale {
  /** The server root, e.g. http://127.0.0.1:5232/. */
  url: string;
  username: string;
  password: string;
  /** The address book's collection URL. */
  addressBookUrl: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
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

/**
 * Debian's radicale on a free loopback port, storing in a temporary directory, with one user
 * (htpasswd, plain) and one empty address book `contacts` made with an extended MKCOL, the same
 * layout a Kith account has.
 */
export async function startRadicale(options: { username?: string; password?: string; logLevel?: string } = {}): Promise<Radicale> {
  const username = options.username ?? 'ada';
  const password = options.password ?? 'radicale-password-1234';
  const dir = await mkdtemp(path.join(tmpdir(), 'kith-radicale-'));
  const port = await freePort();
  const config = path.join(dir, 'config');
  await writeFile(path.join(dir, 'users'), `${username}:${password}\n`);
  await writeFile(
    config,
    [
      '[server]',
      `hosts = 127.0.0.1:${port}`,
      '[auth]',
      'type = htpasswd',
      `htpasswd_filename = ${path.join(dir, 'users')}`,
      'htpasswd_encryption = plain',
      '[rights]',
      'type = owner_only',
      '[storage]',
      `filesystem_folder = ${path.join(dir, 'collections')}`,
      '[web]',
      'type = none',
      '[logging]',
      `level = ${options.logLevel ?? 'warning'}`,
      '',
    ].join('\n'),
  );
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, XDG_CONFIG_HOME: dir, LANG: 'C.UTF-8' };
  const child = spawn('radicale', ['--config', config], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}/`;
  const addressBookUrl = `${url}${encodeURIComponent(username)}/contacts/`;
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`radicale exited with ${child.exitCode}:\n${log}`);
      const up = await fetch(url, { method: 'OPTIONS', signal: AbortSignal.timeout(1000) }).then(
        () => true,
        () => false,
      );
      if (up) break;
      if (Date.now() > deadline) throw new Error(`radicale did not answer on ${url}:\n${log}`);
      await sleep(100);
    }
    const made = await fetch(addressBookUrl, {
      method: 'MKCOL',
      headers: { authorization, 'content-type': 'application/xml; charset=utf-8' },
      body:
        '<?xml version="1.0" encoding="utf-8"?>' +
        '<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:set><D:prop>' +
        '<D:resourcetype><D:collection/><C:addressbook/></D:resourcetype><D:displayname>Contacts</D:displayname>' +
        '</D:prop></D:set></D:mkcol>',
    });
    if (made.status !== 201) throw new Error(`MKCOL ${addressBookUrl}: ${made.status} ${await made.text()}\n${log}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, username, password, addressBookUrl, child, stop };
}
