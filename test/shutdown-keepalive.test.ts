/**
 * SIGTERM under keep-alive load, on the real process (src/server.ts): 32 clients keep sending on
 * their kept-alive sockets; after the signal every request that reached an open socket is
 * answered (with `Connection: close`), none is reset, new connections are refused, and the process
 * exits 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';

let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
});

it('answers every request on kept-alive sockets after SIGTERM: zero resets, exit 0', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kith-drain-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, NODE_ENV: 'development', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while ((await fetch(`${base}/api/ready`).catch(() => undefined))?.status !== 200) {
    if (Date.now() > deadline) throw new Error(`server did not become ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const counts = { answered: 0, answeredAfterSignal: 0, closeHeaders: 0, resets: 0, refused: 0, other: [] as string[] };
  let signalled = false;
  let running = true;
  const once = () =>
    new Promise<void>((resolve) => {
      const request = http.get(`${base}/api/health`, { agent }, (response) => {
        response.resume();
        response.on('end', () => {
          counts.answered += 1;
          if (signalled) counts.answeredAfterSignal += 1;
          if (response.headers.connection === 'close') counts.closeHeaders += 1;
          resolve();
        });
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED') counts.refused += 1;
        else if (error.code === 'ECONNRESET' || /socket hang up/.test(error.message)) counts.resets += 1;
        else counts.other.push(error.code ?? error.message);
        resolve();
      });
    });
  const clients = Array.from({ length: 32 }, async () => {
    while (running) {
      await once();
      if (counts.refused > 0 && signalled) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(counts.answered).toBeGreaterThan(100);
  signalled = true;
  child.kill('SIGTERM');
  const code = await exited;
  running = false;
  await Promise.all(clients);
  agent.destroy();

  expect(code, output).toBe(0);
  expect(counts.resets).toBe(0);
  expect(counts.other).toEqual([]);
  expect(counts.answeredAfterSignal).toBeGreaterThan(0);
  expect(counts.closeHeaders).toBeGreaterThan(0);
  expect(counts.refused).toBeGreaterThan(0);
}, 90_000);
