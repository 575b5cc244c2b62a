import v8 from 'node:v8';
import vm from 'node:vm';
import { Adam, Dense, Matrix, type Optimizer, Sequential, SGD } from '@chainrule/core';
import { describe, expect, it } from 'vitest';
// The built package, as apps get it: the check measures the shipped code, not a test transform. Its own process
// (vitest.alloc.config.ts), so it has one kernels instance, as an app does.
import { loadWasmKernels } from '../dist/index.js';

const kernels = await loadWasmKernels({ variant: 'simd' });

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const newSpaceUsed = () =>
  v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_used_size ?? Number.NaN;

const X = new Matrix(
  10,
  2,
  Float32Array.from({ length: 20 }, (_, i) => Math.sin(i)),
);
const Y = new Matrix(
  10,
  1,
  Float32Array.from({ length: 10 }, (_, i) => 0.5 * Math.cos(i)),
);

/** Bytes allocated per training step, in the steady state of one fresh model and optimizer. */
function bytesPerStep(makeOptimizer: () => Optimizer): number {
  const model = new Sequential(
    [
      new Dense(2, 8, { activation: 'tanh' }),
      new Dense(8, 8, { activation: 'tanh' }),
      new Dense(8, 1, { activation: 'tanh' }),
    ],
    { loss: 'mse', kernels },
  );
  const opt = makeOptimizer();
  for (let i = 0; i < 50_000; i++) model.trainBatch(X, Y, opt); // let the code reach its optimized tier
  let least = Number.POSITIVE_INFINITY;
  for (let w = 0; w < 4; w++) {
    gc();
    const before = newSpaceUsed();
    for (let i = 0; i < 2000; i++) model.trainBatch(X, Y, opt);
    least = Math.min(least, (newSpaceUsed() - before) / 2000);
  }
  model.dispose();
  return least;
}

describe('the JS heap', () => {
  it('a training step allocates (next to) nothing on the JS heap', () => {
    for (const make of [() => new SGD({ learningRate: 0.01 }), () => new Adam({ learningRate: 0.001 })]) {
      // What remains is V8 boxing returned doubles: 73 bytes a step in its best optimized state here, up to ~200
      // in others it settles in run to run. One typed-array view per step adds over 200 more.
      expect(bytesPerStep(make)).toBeLessThan(256);
    }
  });
});
