import { describe, expect, it } from 'vitest';
import { loadWasmKernels } from '../src/index.js';
import { propertyTests } from './suites/property.js';

const k = await loadWasmKernels({ variant: 'simd' });

describe('the plain-SIMD build', () => {
  it('is the build that loaded', () => expect(k.variant).toBe('simd'));
});
propertyTests(k);
