import type { Activation } from '@chainrule/core';
import { refActivation, refMatmul } from '@chainrule/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadWasmKernels } from '../src/index.js';

const k = await loadWasmKernels({ variant: 'simd' });
const F32 = 2 ** -23;

// Sizes drawn near the tiles (4 rows, 8 columns, 256 deep) as well as anywhere: below, equal, multiples, above.
const dim = fc.oneof(
  fc.integer({ min: 0, max: 70 }),
  fc.constantFrom(1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 31, 32, 33, 64, 65),
  fc.integer({ min: 250, max: 262 }),
);

describe('property tests over random shapes', () => {
  it('the three matmul forms equal a float64 reference for any M, K, N', () => {
    fc.assert(
      fc.property(
        dim,
        fc.integer({ min: 0, max: 40 }),
        dim,
        fc.constantFrom('matmul', 'matmulTransA', 'matmulTransB'),
        fc.integer(),
        (M, K, N, form, seed) => {
          if (M * K * N > 400_000) return;
          let s = seed >>> 0;
          const rand = () => {
            s = (s * 1664525 + 1013904223) >>> 0;
            return (s / 2 ** 32) * 2 - 1;
          };
          const transA = form === 'matmulTransA';
          const transB = form === 'matmulTransB';
          const a = k.alloc(transA ? K : M, transA ? M : K);
          const b = k.alloc(transB ? N : K, transB ? K : N);
          const out = k.alloc(M, N);
          for (let i = 0; i < a.data.length; i++) a.data[i] = rand();
          for (let i = 0; i < b.data.length; i++) b.data[i] = rand();
          out.data.fill(Number.NaN);
          k[form](a, b, out);
          const ref = refMatmul(a.data, b.data, M, K, N, transA, transB);
          for (let i = 0; i < M * N; i++) {
            const tol = 2 * (K + 2) * F32 * (ref.magnitude[i] as number) + 1e-30;
            if (!(Math.abs((out.data[i] as number) - (ref.value[i] as number)) <= tol)) {
              throw new Error(
                `${form} ${M}×${K}×${N}: element ${i} is ${out.data[i]}, expected ${ref.value[i]}`,
              );
            }
          }
          k.free(a);
          k.free(b);
          k.free(out);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('bias + activation equals the reference for any shape and elementwise activation', () => {
    const acts: Activation[] = [
      { name: 'linear', alpha: 0 },
      { name: 'sigmoid', alpha: 0 },
      { name: 'tanh', alpha: 0 },
      { name: 'relu', alpha: 0 },
      { name: 'leakyRelu', alpha: 0.05 },
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(...acts),
        fc.float({ min: -50, max: 50, noNaN: true }),
        (rows, cols, act, shift) => {
          const z = k.alloc(rows, cols);
          const bias = k.alloc(1, cols);
          const a = k.alloc(rows, cols);
          for (let i = 0; i < z.data.length; i++) z.data[i] = Math.sin(i) * 4 + shift;
          for (let j = 0; j < cols; j++) bias.data[j] = Math.cos(j);
          const z0 = Float32Array.from(z.data);
          k.biasActivation(z, bias, act, a);
          for (let i = 0; i < rows * cols; i++) {
            const zi = Math.fround((z0[i] as number) + (bias.data[i % cols] as number));
            expect(z.data[i]).toBe(zi);
            const want = refActivation(act.name, zi, act.alpha);
            expect(Math.abs((a.data[i] as number) - want)).toBeLessThanOrEqual(
              1e-7 + 8 * F32 * Math.abs(want),
            );
          }
          k.free(z);
          k.free(bias);
          k.free(a);
        },
      ),
      { numRuns: 200 },
    );
  });
});
