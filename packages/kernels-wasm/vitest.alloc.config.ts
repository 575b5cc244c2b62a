import { defineConfig } from 'vitest/config';

/**
 * The JS-heap allocation test, in a process of its own: @chainrule/core is loaded once per process, so test files
 * that ran before with other kernels would leave its call sites polymorphic, which changes what V8 boxes — as no
 * app with one kernels instance sees.
 */
export default defineConfig({
  test: {
    include: ['test/allocation.test.ts'],
    testTimeout: 60_000,
  },
});
