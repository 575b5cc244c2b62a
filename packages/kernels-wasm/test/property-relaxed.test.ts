import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { loadWasmKernels } from '../src/index.js';
import { propertyTests } from './suites/property.js';

// Node 20 validates relaxed SIMD only behind this flag, and it must be set before the module is compiled (each test
// file runs in its own worker, so this file sets it for itself).
setFlagsFromString('--experimental-wasm-relaxed-simd');
const k = await loadWasmKernels({ variant: 'relaxed-simd' });

describe('the relaxed-SIMD build (fused multiply-add)', () => {
  it('is the build that loaded', () => expect(k.variant).toBe('relaxed-simd'));
});
propertyTests(k);
