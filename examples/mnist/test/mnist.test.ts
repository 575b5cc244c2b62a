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

  it('the same run under growth stress (every alloc grows memory) trains without a stale view', async () => {
    // The crash of issue 8 came on the first step of exactly this model, on fresh kernels.
    const kernels = await loadWasmKernels({ variant: 'simd', growEveryAlloc: true });
    const run = await trainMnist(kernels, data, { target: 0.9, maxEpochs: 2 });
    expect(run.history[0]?.heldOut).toBeGreaterThan(0.85);
  });
});
