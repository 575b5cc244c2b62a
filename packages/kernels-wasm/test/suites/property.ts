// The property suite: the kernels equal float64 references over random shapes. Shared by property.test.ts (plain
// SIMD) and property-relaxed.test.ts (relaxed SIMD, fused multiply-add), so both builds are held to the same
// assertions and tolerances.
import { activationNames, activationTable, type ResolvedActivation } from '@chainrule/core';
import { refActivation, refMatmul } from '@chainrule/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WasmKernels } from '../../src/index.js';

const F32 = 2 ** -23;

// Sizes drawn near the tiles (4 rows, 8 columns, 256 deep) as well as anywhere: below, equal, multiples, above.
const dim = fc.oneof(
  fc.integer({ min: 0, max: 70 }),
  fc.constantFrom(1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 31, 32, 33, 64, 65),
  fc.integer({ min: 250, max: 262 }),
);

// Sizes past the driver's cache blocking (assembly/matmul.ts): MC = 128 rows, K split into equal blocks of at most
// KC = 256, NC = 512 columns. Row-major B is read in place only while N ≤ 256, and packed past that.
/** M past one and two MC blocks, mostly with a last row block of < 4 rows (the packed-A path). */
const tallM = fc.oneof(
  fc.integer({ min: 129, max: 270 }).filter((m) => m % 4 !== 0),
  fc.constantFrom(127, 128, 129, 130, 131, 133, 255, 256, 257, 259),
);
/** K over two to five KC blocks, split unevenly: 257 → 129 + 128, 513 → 3 × 171, 784 → 4 × 196, 1100 → 5 × 220. */
const deepK = fc.oneof(
  fc.integer({ min: 250, max: 1100 }),
  fc.constantFrom(255, 256, 257, 511, 512, 513, 767, 768, 769, 784, 1024, 1025, 1100),
);
/** N past one and two NC blocks, with and without a partial 8-column panel at the end. */
const wideN = fc.oneof(
  fc.integer({ min: 500, max: 1100 }),
  fc.constantFrom(511, 512, 513, 519, 520, 1023, 1024, 1025, 1031, 1100),
);
/** Mostly the small sizes (cheap, near the micro-tile); one draw in four past the blocking. */
const mostlySmall = (small: fc.Arbitrary<number>, large: fc.Arbitrary<number>) =>
  fc.oneof({ arbitrary: small, weight: 3 }, { arbitrary: large, weight: 1 });
/** Multiply-adds per case at most: the float64 reference is the cost (~5 ns each), so the file stays fast. */
const MAX_WORK = 24_000_000;
const shape = fc.oneof(
  {
    arbitrary: fc
      .tuple(
        mostlySmall(dim, tallM),
        mostlySmall(fc.integer({ min: 0, max: 40 }), deepK),
        mostlySmall(dim, wideN),
      )
      .filter(([M, K, N]) => M * K * N <= MAX_WORK),
    weight: 12,
  },
  // All three blockings crossed at once: M > MC with a row remainder, K in two or three blocks, N past NC.
  {
    arbitrary: fc.tuple(
      fc.constantFrom(129, 130, 131, 133),
      fc.constantFrom(257, 300, 345),
      fc.integer({ min: 513, max: 530 }),
    ),
    weight: 1,
  },
);

/** Registers the property tests for one loaded build of the WebAssembly kernels. */
export function propertyTests(k: WasmKernels): void {
  describe(`property tests over random shapes (${k.variant})`, () => {
    it('the three matmul forms equal a float64 reference for any M, K, N', () => {
      // How many cases crossed each blocking boundary, so a change to the arbitraries cannot quietly drop them.
      const crossed = { M: 0, K: 0, N: 0, all: 0 };
      fc.assert(
        fc.property(
          shape,
          fc.constantFrom('matmul', 'matmulTransA', 'matmulTransB'),
          fc.integer(),
          ([M, K, N], form, seed) => {
            if (M > 128) crossed.M++;
            if (K > 256) crossed.K++;
            if (N > 512) crossed.N++;
            if (M > 128 && K > 256 && N > 512) crossed.all++;
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
            try {
              for (let i = 0; i < a.data.length; i++) a.data[i] = rand();
              for (let i = 0; i < b.data.length; i++) b.data[i] = rand();
              out.data.fill(Number.NaN);
              k[form](a, b, out);
              const ref = refMatmul(a.data, b.data, M, K, N, transA, transB);
              for (let i = 0; i < M * N; i++) {
                const tol = 2 * (K + 2) * F32 * (ref.magnitude[i] as number) + 1e-30;
                if (!(Math.abs((out.data[i] as number) - (ref.value[i] as number)) <= tol)) {
                  throw new Error(
                    `${form} ${M}×${K}×${N}: element ${i} (row ${Math.floor(i / N)}, column ${i % N}) is ${out.data[i]}, expected ${ref.value[i]}`,
                  );
                }
              }
            } finally {
              k.free(a);
              k.free(b);
              k.free(out);
            }
          },
        ),
        { numRuns: 300 },
      );
      expect(crossed.M).toBeGreaterThan(0);
      expect(crossed.K).toBeGreaterThan(0);
      expect(crossed.N).toBeGreaterThan(0);
      expect(crossed.all).toBeGreaterThan(0);
    });

    it('bias + activation equals the reference for any shape and elementwise activation', () => {
      // Every elementwise activation in the table; a parameter at half its default (leaky ReLU 0.005, ELU 0.5).
      const acts: ResolvedActivation[] = activationNames
        .filter((name) => activationTable[name].kind === 'elementwise')
        .map((name) => ({ name, alpha: (activationTable[name].alpha?.default ?? 0) / 2 }));
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
}
