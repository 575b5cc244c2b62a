import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Runs alone (vitest.alloc.config.ts): its measurement needs a process whose shared modules no other test
    // file has exercised with other kernels.
    exclude: ['test/allocation.test.ts'],
    testTimeout: 120_000,
  },
});
