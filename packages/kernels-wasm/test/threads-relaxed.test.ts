import { setFlagsFromString } from 'node:v8';
import { Adam, Dense, Matrix, Rng, Sequential } from '@chainrule/core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWasmKernels, type WasmKernels } from '../src/index.js';

// The build browsers run with threads: relaxed SIMD (fused multiply-add), shared memory. The same bits on 1, 2 and 3
// threads, as test/threads.test.ts shows for plain SIMD. The flag is process-wide, so the pool's workers validate the
// relaxed build too.
setFlagsFromString('--experimental-wasm-relaxed-simd');
const force = { minProduct: 0, minElements: 0, minUpdate: 0 };
const all: WasmKernels[] = [
  await loadWasmKernels({ variant: 'relaxed-simd' }),
  await loadWasmKernels({ variant: 'relaxed-simd', threads: 2, threadThresholds: force }),
  await loadWasmKernels({ variant: 'relaxed-simd', threads: 3, threadThresholds: force }),
];
afterAll(() => {
  for (const k of all) k.dispose();
});

const bits = (m: Matrix) => Array.from(new Uint32Array(Float32Array.from(m.data).buffer));

describe('relaxed SIMD on threads gives the same bits as on one thread', () => {
  it('is the relaxed build on 1, 2 and 3 threads', () => {
    expect(all.map((k) => [k.variant, k.threads])).toEqual([
      ['relaxed-simd', 1],
      ['relaxed-simd', 2],
      ['relaxed-simd', 3],
    ]);
  });

  it('the three products, around the tiles and blocks', () => {
    for (const [M, K, N] of [
      [5, 9, 17],
      [64, 784, 128],
      [130, 257, 33],
      [7, 300, 530],
    ] as const) {
      for (const op of ['matmul', 'matmulTransA', 'matmulTransB'] as const) {
        const out = all.map((k) => {
          const rng = new Rng(M * N + K);
          const a = op === 'matmulTransA' ? k.alloc(K, M) : k.alloc(M, K);
          const b = op === 'matmulTransB' ? k.alloc(N, K) : k.alloc(K, N);
          for (const m of [a, b]) for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal(0, 1);
          const c = k.alloc(M, N);
          k[op](a, b, c);
          const result = bits(c);
          for (const m of [a, b, c]) k.free(m);
          return result;
        });
        expect(out[1], `${op} ${M}×${K}×${N}, 2 threads`).toEqual(out[0]);
        expect(out[2], `${op} ${M}×${K}×${N}, 3 threads`).toEqual(out[0]);
      }
    }
  });

  it('784-128-64-10 (ReLU, softmax), Adam, 3 steps of batch 64: the same losses and weights', () => {
    const rng = new Rng(8);
    const X = new Matrix(64, 784);
    const Y = new Matrix(64, 10);
    for (let i = 0; i < X.data.length; i++) X.data[i] = rng.uniform(0, 1);
    for (let i = 0; i < 64; i++) Y.set(i, i % 10, 1);
    const runs = all.map((k) => {
      const m = new Sequential(
        [
          new Dense(784, 128, { activation: 'relu' }),
          new Dense(128, 64, { activation: 'elu' }),
          new Dense(64, 10, { activation: 'softmax' }),
        ],
        { loss: 'softmaxCrossEntropy', seed: 3, kernels: k },
      );
      const opt = new Adam({ learningRate: 0.001 });
      const losses = [0, 1, 2].map(() => m.trainBatch(X, Y, opt));
      const weights = m.layers.flatMap((l) => l.params().map((p) => bits(p.value)));
      m.dispose();
      return { losses, weights };
    });
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });
});
