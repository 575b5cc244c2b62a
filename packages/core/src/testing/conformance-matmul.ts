import type { Kernels } from '../kernels.js';
import { Rng } from '../rng.js';
import { type AddCase, alloc, expectClose, F32, fail, MATMUL_SHAPES } from './conformance-support.js';
import { refMatmul } from './reference.js';

/** The three matmul forms, swept past every tile and blocking boundary, and IEEE through zeros. */
export function casesMatmul(k: Kernels, seed: number, add: AddCase): void {
  for (const [M, K, N] of MATMUL_SHAPES) {
    for (const form of ['matmul', 'matmulTransA', 'matmulTransB'] as const) {
      add(`${form} ${M}×${K}·${K}×${N}`, () => {
        const rng = new Rng(seed + M * 7919 + K * 31 + N);
        const transA = form === 'matmulTransA';
        const transB = form === 'matmulTransB';
        const a = alloc(k, transA ? K : M, transA ? M : K, () => rng.uniform(-1, 1));
        const b = alloc(k, transB ? N : K, transB ? K : N, () => rng.uniform(-1, 1));
        // NaN-filled output: an element the kernel forgets to write fails the comparison.
        const out = alloc(k, M, N, () => Number.NaN);
        k[form](a, b, out);
        const ref = refMatmul(a.data, b.data, M, K, N, transA, transB);
        expectClose(
          `${form} ${M}×${K}×${N}`,
          out.data,
          ref.value,
          (i) => 2 * (K + 2) * F32 * (ref.magnitude[i] as number) + 1e-30,
        );
        for (const m of [a, b, out]) k.free(m);
      });
    }
  }

  add('matmul reads its inputs in place and leaves them untouched', () => {
    const rng = new Rng(seed);
    const a = alloc(k, 9, 13, () => rng.uniform(-2, 2));
    const b = alloc(k, 13, 11, () => rng.uniform(-2, 2));
    const [ca, cb] = [Float32Array.from(a.data), Float32Array.from(b.data)];
    const out = alloc(k, 9, 11, () => 0);
    k.matmul(a, b, out);
    expectClose('a after matmul', a.data, ca, () => 0);
    expectClose('b after matmul', b.data, cb, () => 0);
  });

  add('matmul forms follow IEEE: 0·NaN is NaN and 0·∞ is NaN (no skipped zeros)', () => {
    for (const form of ['matmul', 'matmulTransA', 'matmulTransB'] as const) {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
        // a is all zeros; one element of b is bad. Every output that reads it must be NaN, the rest 0.
        const [M, K, N] = [6, 9, 10];
        const transA = form === 'matmulTransA';
        const transB = form === 'matmulTransB';
        const a = alloc(k, transA ? K : M, transA ? M : K, () => 0);
        const b = alloc(k, transB ? N : K, transB ? K : N, () => 1);
        const [kBad, nBad] = [4, 7];
        b.data[transB ? nBad * K + kBad : kBad * N + nBad] = bad;
        const out = alloc(k, M, N, () => 5);
        k[form](a, b, out);
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < N; j++) {
            const got = out.data[i * N + j] as number;
            const ok = j === nBad ? Number.isNaN(got) : got === 0;
            if (!ok)
              fail(`${form} with 0·${bad}: out[${i}][${j}] is ${got}, expected ${j === nBad ? 'NaN' : 0}`);
          }
        }
        for (const m of [a, b, out]) k.free(m);
      }
    }
  });
}
