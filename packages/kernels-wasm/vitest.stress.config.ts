import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The growth stress mode: core's model-level suites (gradient checks, seeds, training, divergence, constructor
 * cleanup, the layers beyond Dense) and the conformance suite, rerun on each WebAssembly build with `growEveryAlloc` — memory starts at one
 * page and every `alloc` grows it, so any view kept across an allocation fails at once. `test/stress/setup.ts`
 * puts the kernels where core's tests look for them (packages/core/test/kernels.ts).
 *
 * Core is aliased to its sources so the tests and these kernels share one copy of it (one `Matrix`, one
 * `ChainruleError`).
 */
const core = (path: string) => fileURLToPath(new URL(`../core/${path}`, import.meta.url));

const suites = [
  '../core/test/gradcheck.test.ts',
  '../core/test/seeds.test.ts',
  '../core/test/training.test.ts',
  '../core/test/divergence.test.ts',
  '../core/test/layers.test.ts',
  '../core/test/custom-layer.test.ts',
  '../core/test/inspect.test.ts',
  '../core/test/tables.test.ts',
  '../core/test/normalization.test.ts',
  '../core/test/conveniences.test.ts',
  'test/stress/*.test.ts',
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
    projects: (['simd', 'relaxed-simd'] as const).map((variant) => ({
      extends: true,
      test: {
        name: `wasm-${variant}, grow every alloc`,
        include: suites,
        setupFiles: ['test/stress/setup.ts'],
        env: { CHAINRULE_WASM_VARIANT: variant },
      },
    })),
  },
});
