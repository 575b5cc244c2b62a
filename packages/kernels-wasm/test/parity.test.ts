import { describe, expect, it } from 'vitest';
import { loadWasmKernels } from '../src/index.js';
import { parityTests } from './suites/parity.js';

const wasm = await loadWasmKernels({ variant: 'simd' });

describe('the plain-SIMD build', () => {
  it('is the build that loaded', () => expect(wasm.variant).toBe('simd'));
});
parityTests(wasm);
