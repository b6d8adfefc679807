import pino from 'pino';

/**
 * Standard output for the log, written in batches: lines gather up to 8 KiB, or for at most half a
 * second, and go out in one write, so a busy server makes one system call for dozens of access
 * lines rather than a blocking one for each. Lines still buffered are written when the process
 * exits (pino flushes its asynchronous destinations on exit).
 */
export function batchedStdout(flushEveryMs = 500) {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 8192 });
  setInterval(() => destination.flush(), flushEveryMs).unref();
  return destination;
}
