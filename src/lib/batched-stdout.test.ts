import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs `script` in a child Node process with batchedStdout imported; resolves with its output. */
function run(script: string): Promise<{ code: number | null; lines: string[]; firstAtMs?: number; closedAtMs: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  let firstAtMs: number | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    firstAtMs ??= Date.now() - started;
    output += chunk.toString();
  });
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, lines: output.split('\n').filter(Boolean), firstAtMs, closedAtMs: Date.now() - started })),
  );
}

const prelude = `
import pino from 'pino';
import { batchedStdout } from './src/lib/batched-stdout.ts';
const log = pino(batchedStdout());
`;

describe('batchedStdout', () => {
  it('writes every buffered line, in order, when the process exits at once', async () => {
    // libuv's four threads busy (as on a loaded machine): a write that waited for one of them was
    // overtaken by the exit's flush, and lines 0-100 came out last, or not at all.
    const { code, lines } = await run(`${prelude}
import { pbkdf2 } from 'node:crypto';
for (let t = 0; t < 4; t++) pbkdf2('password', 'salt', 300000, 32, 'sha256', () => {});
for (let i = 0; i < 300; i++) log.info({ i }, 'line');
process.exit(3);`);
    expect(code).toBe(3);
    expect(lines.map((line) => (JSON.parse(line) as { i: number }).i)).toEqual([...Array(300).keys()]);
  });

  it('writes a lone line within about half a second, with the process still running', async () => {
    const { lines, firstAtMs, closedAtMs } = await run(`${prelude}
log.info('alone');
setTimeout(() => process.exit(0), 3000);`);
    expect(lines).toHaveLength(1);
    // The process exits 3 s after the line: it must have come long before that, not with the exit.
    expect(closedAtMs - firstAtMs!).toBeGreaterThan(1500);
  }, 20_000);
});
