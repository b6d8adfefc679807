import pino from 'pino';

/**
 * Standard output for the log, written in batches: lines gather up to 8 KiB, or for at most half a
 * second, and go out in one write, so a busy server makes one system call for dozens of access
 * lines rather than one for each. Lines still buffered are written when the process exits.
 *
 * The writes are synchronous, as pino's own stdout is: each batch is one short blocking write, and
 * the lines stay in order. Asynchronous ones (sync: false) were reordered at exit: pino's exit
 * flush wrote what was buffered at once, ahead of a batch still on its way through libuv's thread
 * pool (seen in CI on a busy machine: lines 101–299 of 300 came out before 0–100).
 */
export function batchedStdout(flushEveryMs = 500) {
  const destination = pino.destination({ dest: 1, sync: true, minLength: 8192 });
  setInterval(() => destination.flush(), flushEveryMs).unref();
  // pino flushes only asynchronous destinations when the process exits; this one holds up to 8 KiB.
  process.once('exit', () => {
    try {
      destination.flushSync();
    } catch {
      // Standard output closed (EPIPE): nobody is left to read the lines.
    }
  });
  return destination;
}
