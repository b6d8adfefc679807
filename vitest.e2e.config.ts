import { defineConfig } from 'vitest/config';

// Browser tests: a real Kith on a real port, driven through Debian's Chromium. They expect the
// built app in web/dist (`npm run test:e2e` builds it first).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts', 'test/e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Each file runs its own server and browser; two at a time keeps a small CI machine responsive.
    maxWorkers: 2,
  },
});
