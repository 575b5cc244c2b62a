import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Threads: core's model-level suites (gradient checks, seeds, training, divergence) and the conformance suite, rerun
 * on the shared-memory build with 2 and 3 threads and every call split across them (`test/threaded/setup.ts`).
 * test/threads.test.ts compares the threaded results with one thread's bit for bit; these hold them to the same
 * assertions as every other backend. Core is aliased to its sources, as in vitest.stress.config.ts.
 */
const core = (path: string) => fileURLToPath(new URL(`../core/${path}`, import.meta.url));

const suites = [
  '../core/test/gradcheck.test.ts',
  '../core/test/seeds.test.ts',
  '../core/test/training.test.ts',
  '../core/test/divergence.test.ts',
  'test/threaded/*.test.ts',
];

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@chainrule\/core\/testing$/, replacement: core('src/testing/index.ts') },
      { find: /^@chainrule\/core$/, replacement: core('src/index.ts') },
    ],
  },
  test: {
    testTimeout: 120_000,
    // One file at a time: each has its own workers, and this machine's cores are the point.
    fileParallelism: false,
    projects: [2, 3].map((threads) => ({
      extends: true,
      test: {
        name: `wasm-simd, ${threads} threads, every call split`,
        include: suites,
        setupFiles: ['test/threaded/setup.ts'],
        env: { CHAINRULE_WASM_VARIANT: 'simd', CHAINRULE_THREADS: String(threads) },
      },
    })),
  },
});
