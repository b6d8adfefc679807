/**
 * How many password verifications per second argon2id alone manages on this machine: Kith's
 * parameters, but @node-rs/argon2 called directly on the libuv thread pool (UV_THREADPOOL_SIZE, 4
 * by default) with more jobs in flight than threads, so every core hashes all the time. Kith's own
 * pool is deliberately not used: the reference must not depend on what it measures. Runs in its
 * own process with nothing else competing; prints one JSON line.
 *
 * Usage: argon2-ceiling.ts <seconds> <in-flight>
 */
import { hash as argon2Hash, verify } from '@node-rs/argon2';
import { ARGON2_OPTIONS } from '../src/modules/auth/passwords.js';

const seconds = Number(process.argv[2] ?? 5);
const inFlight = Number(process.argv[3] ?? 8);
const password = 'correct horse battery staple';
const hash = await argon2Hash(password, ARGON2_OPTIONS);

/** Keeps `inFlight` verifications running until `until`; returns how many finished. */
async function verifyUntil(until: number): Promise<number> {
  let done = 0;
  const worker = async () => {
    while (Date.now() < until) {
      if (!(await verify(hash, password))) throw new Error('verification failed');
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
