/**
 * The queue in front of argon2id: at most `concurrency` hashes run at once, on libuv's thread pool
 * (@node-rs/argon2's async functions), and the rest wait here, in this process's memory.
 *
 * Each running hash holds its 19 MiB, and libuv's pool (4 threads unless UV_THREADPOOL_SIZE says
 * otherwise) also does file I/O and DNS. Unqueued, a login storm put 4 hashes on 2 cores: more
 * memory, GET /api/users/me at p99 187 ms, and no thread left for a file read. The queue keeps to
 * one hash per core, and always leaves one of libuv's threads free.
 *
 * Hashing used to run on worker threads at a lowered priority instead. Each worker thread is a
 * V8 isolate of its own (+17 MB of RSS apiece, measured with two), which kept the server over its
 * 200 MB goal during logins. Without their lowered priority, /me during a login storm read p99
 * 16–37 ms in five runs of `npm run bench` on 2 cores (the workers: 11–23 ms).
 */
import os from 'node:os';
import { hash, type Options, verify } from '@node-rs/argon2';

export interface Argon2QueueOptions {
  argon2: Options;
  /** Hashes running at once; by default one per core, leaving one of libuv's threads free. */
  concurrency?: number;
}

/** One per core, but never every thread of libuv's pool, which file I/O and DNS need as well. */
export function defaultConcurrency(cores = os.availableParallelism(), threadPoolSize = Number(process.env.UV_THREADPOOL_SIZE) || 4): number {
  return Math.max(1, Math.min(cores, threadPoolSize - 1));
}

export class Argon2Queue {
  private readonly concurrency: number;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: Argon2QueueOptions) {
    this.concurrency = options.concurrency ?? defaultConcurrency();
  }

  hash(password: string): Promise<string> {
    return this.run(() => hash(password, this.options.argon2));
  }

  /** Throws for a malformed hash; false for a wrong password. */
  verify(passwordHash: string, password: string): Promise<boolean> {
    return this.run(() => verify(passwordHash, password));
  }

  /** Hashes running now, and waiting for their turn. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await job();
    } finally {
      // The turn passes straight to the next job in line, so `running` never dips below while some wait.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
