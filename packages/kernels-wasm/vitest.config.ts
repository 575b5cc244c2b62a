import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Runs alone (vitest.alloc.config.ts): its measurement needs a process whose shared modules no other test
    // file has exercised with other kernels.
    // The stress suites run under vitest.stress.config.ts, whose setup loads the kernels they need.
    exclude: ['test/allocation.test.ts', 'test/stress/**', 'test/threaded/**'],
    testTimeout: 120_000,
  },
});
