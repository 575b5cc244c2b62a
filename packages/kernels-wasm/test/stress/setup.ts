import { setFlagsFromString } from 'node:v8';
import type { WasmVariant } from '../../src/index.js';

// Every test file of the stress projects gets a fresh instance of the kernels, in growth stress mode.
const variant = process.env.CHAINRULE_WASM_VARIANT as WasmVariant;
// Node 20 validates relaxed SIMD only behind this flag, set before the module is compiled.
if (variant === 'relaxed-simd') setFlagsFromString('--experimental-wasm-relaxed-simd');
const { loadWasmKernels } = await import('../../src/index.js');
const kernels = await loadWasmKernels({ variant, growEveryAlloc: true });
if (kernels.variant !== variant)
  throw new Error(`stress setup: asked for ${variant}, loaded ${kernels.variant}`);
(globalThis as { chainruleTestKernels?: unknown }).chainruleTestKernels = kernels;
