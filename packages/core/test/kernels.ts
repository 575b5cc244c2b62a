import { jsKernels, type Kernels } from '../src/index.js';

/**
 * The kernels core's model-level suites (gradient checks, seeds, training, divergence) run on: `jsKernels` here.
 * `@chainrule/kernels-wasm` reruns these same files on its WebAssembly builds under memory-growth stress by
 * setting `globalThis.chainruleTestKernels` in a setup file (packages/kernels-wasm/vitest.stress.config.ts).
 */
export const kernels: Kernels =
  (globalThis as { chainruleTestKernels?: Kernels }).chainruleTestKernels ?? jsKernels;
