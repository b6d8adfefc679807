import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Argon2Pool } from './argon2-pool.js';

const argon2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** The nice value of each of this process's threads, from /proc (Linux). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the parenthesised command name; nice is field 19 of stat(5).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[16]);
  });
}

describe('argon2 pool', () => {
  it('runs more jobs than threads, each answer going to its own caller', async () => {
    const pool = new Argon2Pool({ argon2, threads: 2 });
    const passwords = Array.from({ length: 7 }, (_, i) => `password number ${i}`);
    const hashes = await Promise.all(passwords.map((password) => pool.hash(password)));
    expect(new Set(hashes).size).toBe(7);
    const checks = await Promise.all(
      hashes.flatMap((hash, i) => [pool.verify(hash, passwords[i]!), pool.verify(hash, `${passwords[i]!}!`)]),
    );
    expect(checks).toEqual(passwords.flatMap(() => [true, false]));
  });

  it('fails the job, not the pool, on a malformed hash', async () => {
    const pool = new Argon2Pool({ argon2, threads: 1 });
    await expect(pool.verify('not a hash', 'x')).rejects.toThrow();
    expect(await pool.verify(await pool.hash('still working'), 'still working')).toBe(true);
  });

  it.runIf(existsSync('/proc/thread-self'))('hashes on threads with the lower priority it was given', async () => {
    const before = threadNiceValues().filter((nice) => nice === 7).length;
    const pool = new Argon2Pool({ argon2, threads: 2, nice: 7 });
    await Promise.all([pool.hash('one password'), pool.hash('another password')]);
    expect(threadNiceValues().filter((nice) => nice === 7).length).toBe(before + 2);
  });

  it('lets the process exit once the work is done', async () => {
    // An idle worker thread must not hold the event loop open, or every script that hashes once
    // (the benchmark's seeding, say) would hang at the end.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kith-argon2-'));
    const script = path.join(dir, 'hash-once.mts');
    await writeFile(
      script,
      `import { Argon2Pool } from ${JSON.stringify(fileURLToPath(new URL('./argon2-pool.ts', import.meta.url)))};
      const pool = new Argon2Pool({ argon2: ${JSON.stringify(argon2)}, threads: 2 });
      console.log(await pool.verify(await pool.hash('exit test'), 'exit test'));`,
    );
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { timeout: 20_000 });
      expect(stdout.trim()).toBe('true');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
