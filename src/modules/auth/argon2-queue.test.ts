import { describe, expect, it } from 'vitest';
import { Argon2Queue, defaultConcurrency } from './argon2-queue.js';

const argon2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

describe('argon2 queue', () => {
  it('runs more jobs than its concurrency, each answer going to its own caller', async () => {
    const queue = new Argon2Queue({ argon2, concurrency: 2 });
    const passwords = Array.from({ length: 7 }, (_, i) => `password number ${i}`);
    const hashes = await Promise.all(passwords.map((password) => queue.hash(password)));
    expect(new Set(hashes).size).toBe(7);
    const checks = await Promise.all(
      hashes.flatMap((hash, i) => [queue.verify(hash, passwords[i]!), queue.verify(hash, `${passwords[i]!}!`)]),
    );
    expect(checks).toEqual(passwords.flatMap(() => [true, false]));
    expect(queue.load).toEqual({ running: 0, waiting: 0 });
  });

  it('never runs more than its concurrency at once', async () => {
    const queue = new Argon2Queue({ argon2, concurrency: 2 });
    const loads: Array<{ running: number; waiting: number }> = [];
    const jobs = Array.from({ length: 6 }, (_, i) => queue.hash(`password ${i}`).then(() => loads.push(queue.load)));
    expect(queue.load).toEqual({ running: 2, waiting: 4 });
    await Promise.all(jobs);
    expect(loads.every(({ running }) => running <= 2)).toBe(true);
    expect(queue.load).toEqual({ running: 0, waiting: 0 });
  });

  it('takes the waiting jobs in the order they came', async () => {
    // One at a time, the order they finish in is the order they were taken in.
    const queue = new Argon2Queue({ argon2, concurrency: 1 });
    const finished: number[] = [];
    await Promise.all(Array.from({ length: 5 }, (_, i) => queue.hash(`password ${i}`).then(() => finished.push(i))));
    expect(finished).toEqual([0, 1, 2, 3, 4]);
  });

  it('fails the job, not the queue, on a malformed hash', async () => {
    const queue = new Argon2Queue({ argon2, concurrency: 1 });
    const [malformed, fine] = await Promise.allSettled([queue.verify('not a hash', 'x'), queue.hash('still working')]);
    expect(malformed.status).toBe('rejected');
    expect(fine.status).toBe('fulfilled');
    expect(await queue.verify((fine as PromiseFulfilledResult<string>).value, 'still working')).toBe(true);
    expect(queue.load).toEqual({ running: 0, waiting: 0 });
  });

  it("defaults to one hash per core, leaving one of libuv's threads free", () => {
    expect(defaultConcurrency(2, 4)).toBe(2);
    expect(defaultConcurrency(8, 4)).toBe(3);
    expect(defaultConcurrency(8, 16)).toBe(8);
    expect(defaultConcurrency(1, 1)).toBe(1);
  });
});
