import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default is one file at a time on two cores (cores - 1). Most files wait on servers,
    // sockets and timers rather than the CPU: on 2 cores, two at a time took the PGlite suite from
    // about 12 minutes to 4.3 and the PostgreSQL one from about 7 to 2.5, every test passing.
    maxWorkers: Math.max(2, os.availableParallelism()),
  },
});
