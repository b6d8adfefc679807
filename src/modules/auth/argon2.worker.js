// @ts-check
/**
 * One thread of the password-hashing pool (see argon2-pool.ts). Plain JavaScript so that Node runs
 * it as it is, from src/ under the tests and from dist/ in production.
 *
 * The thread lowers its own scheduling priority first. argon2id is built to use all the CPU it is
 * given; at normal priority a login storm takes the cores from the event loop and from PostgreSQL,
 * and every other request waits behind it. At a lower priority the hashing runs on whatever CPU
 * the rest of the server leaves idle.
 */
import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { hashSync, verifySync } from '@node-rs/argon2';

const { options, nice } = /** @type {{ options: import('@node-rs/argon2').Options, nice: number }} */ (workerData);

try {
  // Linux schedules threads, not processes: /proc/thread-self names this thread's own id, and
  // setpriority() on that id renices this thread alone. Elsewhere the pool runs at normal priority.
  const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
  os.setPriority(threadId, nice);
} catch {
  // No /proc, or not allowed: hashing still works, only without the lower priority.
}

if (!parentPort) throw new Error('argon2.worker.js runs as a worker thread');
const port = parentPort;

port.on('message', (/** @type {{ op: 'hash' | 'verify', password: string, hash?: string }} */ job) => {
  try {
    const value = job.op === 'hash' ? hashSync(job.password, options) : verifySync(job.hash ?? '', job.password);
    port.postMessage({ ok: true, value });
  } catch (error) {
    port.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
