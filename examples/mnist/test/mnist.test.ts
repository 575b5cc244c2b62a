import { loadWasmKernels } from '@chainrule/kernels-wasm';
import { describe, expect, it } from 'vitest';
import { loadDigits, trainMnist } from '../src/train.js';

// What `pnpm mnist` runs on the chainrule side, in CI: 784-128-10, Adam, on the WebAssembly kernels as an app loads
// them (the built package), on the fixed split. Deterministic, so a bounded number of epochs is a fair bar. (The
// TensorFlow.js comparison stays out of the tests: it is a benchmark.)
const data = loadDigits();

describe('MNIST on the WebAssembly kernels', () => {
  it('784-128-10 with Adam reaches ≥ 94% held-out accuracy within 15 epochs', async () => {
    const kernels = await loadWasmKernels({ variant: 'simd' });
    const before = kernels.bytesInUse;
    const run = await trainMnist(kernels, data, { target: 0.94, maxEpochs: 15 });
    expect(run.reached, JSON.stringify(run.history)).toBe(true);
    expect(run.heldOut).toBeGreaterThanOrEqual(0.94);
    // Learning, not luck: the training loss falls epoch over epoch at the start.
    expect(run.history[1]?.loss).toBeLessThan(run.history[0]?.loss ?? 0);
    expect(kernels.bytesInUse).toBe(before); // the model and the optimizer freed everything they allocated
  });

  it('on 2 threads it is the same run, epoch for epoch, to the last bit of every loss and accuracy', async () => {
    const one = await loadWasmKernels({ variant: 'simd' });
    const two = await loadWasmKernels({ variant: 'simd', threads: 2 });
    try {
      const a = await trainMnist(one, data, { target: 0.94, maxEpochs: 15 });
      const before = two.threadedCalls;
      const b = await trainMnist(two, data, { target: 0.94, maxEpochs: 15 });
      expect(b.history).toEqual(a.history);
      expect(two.threadedCalls - before).toBeGreaterThan(1000); // the first layer's products ran on the pool
    } finally {
      two.dispose();
    }
  });

  it('the same run under growth stress (every alloc grows memory) trains without a stale view', async () => {
    // The crash of issue 8 came on the first step of exactly this model, on fresh kernels.
    const kernels = await loadWasmKernels({ variant: 'simd', growEveryAlloc: true });
    const run = await trainMnist(kernels, data, { target: 0.9, maxEpochs: 2 });
    expect(run.history[0]?.heldOut).toBeGreaterThan(0.85);
  });
});
