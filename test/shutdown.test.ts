import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The real process entry (src/server.ts) on embedded defaults: start, serve, and stop on SIGTERM.
describe('server process', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('starts on embedded defaults, finishes in-flight requests on SIGTERM, and exits cleanly', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kith-server-'));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, NODE_ENV: 'development', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));

    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ready = await fetch(`${base}/api/ready`).catch(() => undefined);
      if (ready?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`server did not become ready:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    // A sign-up hashes a password (tens of milliseconds): signal once the server has logged its
    // arrival (at debug level), while it is in flight. A fixed delay instead raced the request on a busy machine.
    const inFlight = fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'late@example.com', password: 'a fine long password', name: 'Late' }),
    });
    const arrived = () =>
      output.split('\n').some((line) => line.includes('"incoming request"') && line.includes('"path":"/api/auth/register"'));
    while (!arrived()) {
      if (Date.now() > deadline) throw new Error(`the sign-up never reached the server:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    child.kill('SIGTERM');

    expect((await inFlight).status).toBe(201);
    expect(await exited, output).toBe(0);
    expect(output).toContain('"signal":"SIGTERM"');
    expect(output).toMatch(/mail written to file/);
  }, 90_000);
});
