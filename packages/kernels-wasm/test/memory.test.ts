import { Adam, Dense, Matrix, Sequential, SGD } from '@chainrule/core';
import { describe, expect, it } from 'vitest';
// The built package, as apps get it (the allocation check measures the shipped code, not a test transform).
import { loadWasmKernels } from '../dist/index.js';

const kernels = await loadWasmKernels({ variant: 'simd' });

const playgroundNet = (seed = 1) =>
  new Sequential(
    [
      new Dense(2, 8, { activation: 'tanh' }),
      new Dense(8, 8, { activation: 'tanh' }),
      new Dense(8, 1, { activation: 'tanh' }),
    ],
    { loss: 'mse', kernels, seed },
  );

const batch = (rows: number, cols: number, f: (i: number) => number) => {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = f(i);
  return m;
};
const X = batch(10, 2, (i) => Math.sin(i));
const Y = batch(10, 1, (i) => 0.5 * Math.cos(i));

describe('WebAssembly memory', () => {
  it('100,000 training steps leave the memory size and the bytes in use flat', () => {
    const model = playgroundNet();
    const opt = new Adam({ learningRate: 0.001 });
    model.trainBatch(X, Y, opt);
    const size = kernels.memoryBytes;
    const inUse = kernels.bytesInUse;
    let first = 0;
    let last = 0;
    for (let i = 0; i < 100_000; i++) {
      last = model.trainBatch(X, Y, opt);
      if (i === 0) first = last;
    }
    expect(kernels.memoryBytes).toBe(size);
    expect(kernels.bytesInUse).toBe(inUse);
    // The steps did train (this is not 100,000 no-ops).
    expect(last).toBeLessThan(first / 2);
    model.dispose();
  });

  it('disposing a model frees everything it allocated; building and disposing again reuses the memory', () => {
    const baseline = kernels.bytesInUse;
    const model = playgroundNet();
    model.trainBatch(X, Y, new Adam());
    model.predict(batch(37, 2, (i) => i / 10));
    expect(kernels.bytesInUse).toBeGreaterThan(baseline);
    model.dispose();
    expect(kernels.bytesInUse).toBe(baseline);
    const size = kernels.memoryBytes;
    for (let i = 0; i < 300; i++) {
      const m = playgroundNet(i);
      const opt = new Adam();
      for (let s = 0; s < 20; s++) m.trainBatch(X, Y, opt);
      m.predict(batch(1 + (i % 50), 2, (j) => j));
      opt.dispose();
      m.dispose();
    }
    expect(kernels.bytesInUse).toBe(baseline);
    expect(kernels.memoryBytes).toBe(size);
  });

  it('views stay valid when the memory grows: a model keeps its weights and keeps training', async () => {
    const k = await loadWasmKernels({ variant: 'simd' });
    const model = new Sequential([new Dense(2, 8, { activation: 'tanh' }), new Dense(8, 1)], {
      loss: 'mse',
      kernels: k,
    });
    const opt = new SGD({ learningRate: 0.05 });
    for (let i = 0; i < 10; i++) model.trainBatch(X, Y, opt);
    const before = model.getWeights();
    const size = k.memoryBytes;
    // Force growth: a large allocation after the model's buffers exist.
    const big = k.alloc(2048, 2048);
    expect(k.memoryBytes).toBeGreaterThan(size);
    expect(model.getWeights()).toEqual(before);
    const lossBefore = model.evaluate(X, Y).loss;
    for (let i = 0; i < 200; i++) model.trainBatch(X, Y, opt);
    expect(model.evaluate(X, Y).loss).toBeLessThan(lossBefore);
    k.free(big);
  });

  it('a stale or foreign array is refused with a clear error instead of reading the wrong memory', () => {
    const m = kernels.alloc(2, 2);
    const foreign = new Matrix(2, 2);
    expect(() => kernels.matmul(m, foreign, m)).toThrow(/matmul: b is not in this WebAssembly memory/);
    kernels.free(m);
    expect(() => kernels.free(m)).toThrow(/not allocated here, or was freed already/);
  });
});
