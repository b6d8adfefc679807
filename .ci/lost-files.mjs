// @ts-check
// Prints, one per line, the test files that a vitest worker left unfinished when it died: files in
// the JSON report (argv[2]) with tests still "pending" (queued or running, never done). Prints
// nothing when any test failed or any file failed otherwise, so a real failure is never retried.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';

/** @typedef {{ numFailedTests: number, testResults: Array<{ name: string, status: string, assertionResults: Array<{ status: string }> }> }} Report */
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- vitest's own JSON report, of the shape above
const report = /** @type {Report} */ (JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')));
const failed = report.numFailedTests > 0 || report.testResults.some((file) => file.status === 'failed');
if (!failed) {
  for (const file of report.testResults) {
    if (file.assertionResults.some((test) => test.status === 'pending')) process.stdout.write(`${path.relative(process.cwd(), file.name)}\n`);
  }
}
