/**
 * A small pool of worker threads that run argon2id, one job per thread at a time.
 *
 * @node-rs/argon2's async functions run on libuv's shared thread pool (4 threads), where they
 * compete with file I/O and with each other, and at normal priority. Measured with `npm run bench`
 * on 2 cores, a login storm there held GET /api/users/me at p99 187 ms. Here the hashing is capped
 * at one thread per core, the threads run at a lower priority (argon2.worker.js), and queued jobs
 * wait in this process's memory rather than on a thread.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Options } from '@node-rs/argon2';

type Job = { op: 'hash'; password: string } | { op: 'verify'; password: string; hash: string };
type Reply = { ok: true; value: string | boolean } | { ok: false; message: string };

interface Pending {
  job: Job;
  resolve(value: string | boolean): void;
  reject(error: Error): void;
}

const WORKER_URL = new URL('./argon2.worker.js', import.meta.url);

export interface Argon2PoolOptions {
  argon2: Options;
  /** Threads hashing at once; one per core by default. */
  threads?: number;
  /** Nice value of the hashing threads (Linux): 0 is normal, 19 the lowest priority. */
  nice?: number;
}

export class Argon2Pool {
  private readonly threads: number;
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly running = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];

  constructor(private readonly options: Argon2PoolOptions) {
    this.threads = options.threads ?? os.availableParallelism();
  }

  async hash(password: string): Promise<string> {
    return (await this.run({ op: 'hash', password })) as string;
  }

  /** Throws for a malformed hash; false for a wrong password. */
  async verify(hash: string, password: string): Promise<boolean> {
    return (await this.run({ op: 'verify', password, hash })) as boolean;
  }

  private run(job: Job): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.workers.size < this.threads ? this.spawn() : undefined);
      if (!worker) return;
      const pending = this.queue.shift()!;
      this.running.set(worker, pending);
      // Only a thread with work holds the process open: an idle pool never delays an exit.
      worker.ref();
      worker.postMessage(pending.job);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_URL, { workerData: { options: this.options.argon2, nice: this.options.nice ?? 0 } });
    this.workers.add(worker);
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const pending = this.running.get(worker);
      this.running.delete(worker);
      worker.unref();
      this.idle.push(worker);
      if (pending) {
        if (reply.ok) pending.resolve(reply.value);
        else pending.reject(new Error(reply.message));
      }
      this.dispatch();
    });
    // A thread that dies takes its job with it; the job fails and a fresh thread takes its place.
    // 'error' is followed by 'exit': only the first of them counts.
    const lost = (error: Error) => {
      if (!this.workers.delete(worker)) return;
      const pending = this.running.get(worker);
      this.running.delete(worker);
      const index = this.idle.indexOf(worker);
      if (index >= 0) this.idle.splice(index, 1);
      pending?.reject(error);
      this.dispatch();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`argon2 worker exited with code ${code}`)));
    return worker;
  }
}
