import type { WasmVariant } from '../../src/index.js';

// Every test file of the threaded projects gets fresh kernels on CHAINRULE_THREADS threads, with every call split
// (thresholds 0), so the small shapes of core's suites cross every block boundary of the split.
const variant = process.env.CHAINRULE_WASM_VARIANT as WasmVariant;
const threads = Number(process.env.CHAINRULE_THREADS);
const { loadWasmKernels } = await import('../../src/index.js');
const kernels = await loadWasmKernels({
  variant,
  threads,
  threadThresholds: { minProduct: 0, minElements: 0, minUpdate: 0 },
});
if (kernels.threads !== threads)
  throw new Error(`threaded setup: asked for ${threads} threads, got ${kernels.threads}`);
(globalThis as { chainruleTestKernels?: unknown }).chainruleTestKernels = kernels;
