import v8 from 'node:v8';
import vm from 'node:vm';
import { Adam, Dense, Matrix, Sequential, SGD } from '@chainrule/core';
import { describe, expect, it } from 'vitest';
// The built package, as apps get it: the check measures the shipped code, not a test transform. Its own file,
// so its process has one kernels instance, as an app does.
import { loadWasmKernels } from '../dist/index.js';

const kernels = await loadWasmKernels({ variant: 'simd' });

describe('the JS heap', () => {
  it('a training step allocates (next to) nothing on the JS heap', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const newSpaceUsed = () =>
      v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_used_size ?? Number.NaN;
    const model = new Sequential(
      [
        new Dense(2, 8, { activation: 'tanh' }),
        new Dense(8, 8, { activation: 'tanh' }),
        new Dense(8, 1, { activation: 'tanh' }),
      ],
      { loss: 'mse', kernels },
    );
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
    for (const opt of [new SGD({ learningRate: 0.01 }), new Adam({ learningRate: 0.001 })]) {
      for (let i = 0; i < 100_000; i++) model.trainBatch(X, Y, opt); // let the code reach its optimized tier
      // The least of several windows: the steady state, after any background compilation has landed (on a
      // loaded machine, V8's optimizing compiler can lag, and unoptimized code boxes more numbers).
      let perStep = Number.POSITIVE_INFINITY;
      for (let w = 0; w < 20 && perStep >= 128; w++) {
        gc();
        const before = newSpaceUsed();
        const steps = 2000;
        for (let i = 0; i < steps; i++) model.trainBatch(X, Y, opt);
        perStep = Math.min(perStep, (newSpaceUsed() - before) / steps);
      }
      // No arrays, views or objects per step (one Float32Array view alone is over 100 bytes); what remains is
      // V8 boxing a few returned doubles.
      expect(perStep).toBeLessThan(128);
    }
  });
});
