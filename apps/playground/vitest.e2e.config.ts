import { defineConfig } from 'vitest/config';

/** End-to-end tests: the built site in a real headless Chromium (see e2e/browser.ts for which one), driven by playwright-core. */
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/server.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
