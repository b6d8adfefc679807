/**
 * How many password verifications per second argon2id alone manages on this machine, with the
 * concurrency Kith's server has: @node-rs/argon2 runs on the libuv thread pool (UV_THREADPOOL_SIZE,
 * 4 by default), and under a login storm that pool is never idle. Run in its own process so
 * nothing else competes; prints one JSON line.
 *
 * Usage: argon2-ceiling.ts <seconds> <in-flight>
 */
import { hashPassword, verifyPassword } from '../src/modules/auth/passwords.js';

const seconds = Number(process.argv[2] ?? 5);
const inFlight = Number(process.argv[3] ?? 8);
const password = 'correct horse battery staple';
const hash = await hashPassword(password);

/** Keeps `inFlight` verifications running until `until`; returns how many finished. */
async function verifyUntil(until: number): Promise<number> {
  let done = 0;
  const worker = async () => {
    while (Date.now() < until) {
      if (!(await verifyPassword(hash, password))) throw new Error('verification failed');
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return done;
}

await verifyUntil(Date.now() + 1000); // warm-up
const start = performance.now();
const done = await verifyUntil(Date.now() + seconds * 1000);
const elapsed = (performance.now() - start) / 1000;
console.log(
  JSON.stringify({
    verifiesPerSecond: done / elapsed,
    msPerVerify: (elapsed * 1000 * Math.min(inFlight, Number(process.env.UV_THREADPOOL_SIZE ?? 4))) / done,
    threadPool: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
    inFlight,
  }),
);
