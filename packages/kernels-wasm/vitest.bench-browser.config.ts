import { defineConfig } from 'vitest/config';

/**
 * The smoke run of `pnpm bench:browser` (test/bench-browser.e2e.ts), after the other suites: it drives headless
 * Chromium with five workers and our kernels' thread pool, which should not share this machine's cores with other
 * test files. Needs the built dist/ and build/ (turbo's test task builds first).
 */
export default defineConfig({
  test: {
    include: ['test/bench-browser.e2e.ts'],
    testTimeout: 60_000,
  },
});
