import { setFlagsFromString } from 'node:v8';
import { kernelConformanceCases } from '@chainrule/core/testing';
import { describe, expect, it } from 'vitest';
import { loadWasmKernels } from '../src/index.js';

// Node 20 validates relaxed SIMD only behind this flag; it must be set before the module is compiled. Browsers
// run the relaxed build by default, so it must pass the same suite.
setFlagsFromString('--experimental-wasm-relaxed-simd');
const kernels = await loadWasmKernels();

describe('the relaxed-SIMD build (fused multiply-add) passes core’s conformance suite', () => {
  it('is the build that loaded', () => expect(kernels.variant).toBe('relaxed-simd'));
  for (const c of kernelConformanceCases(kernels)) it(c.name, c.run);
});
