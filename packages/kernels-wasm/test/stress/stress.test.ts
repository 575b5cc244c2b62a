import {
  Adam,
  Dense,
  type Kernels,
  Matrix,
  type Optimizer,
  type OptimizerSpec,
  type Param,
  Sequential,
} from '@chainrule/core';
import { kernelConformanceCases } from '@chainrule/core/testing';
import { describe, expect, it } from 'vitest';
import { loadWasmKernels, type WasmKernels } from '../../src/index.js';

const kernels = (globalThis as { chainruleTestKernels?: WasmKernels }).chainruleTestKernels as WasmKernels;

describe(`${kernels.name} under growth stress passes core’s conformance suite`, () => {
  it('is in the stress mode, starting from one page', () => {
    expect(kernels.growEveryAlloc).toBe(true);
    const size = kernels.memoryBytes;
    const m = kernels.alloc(1, 1);
    expect(kernels.memoryBytes).toBeGreaterThan(size);
    kernels.free(m);
  });
  for (const c of kernelConformanceCases(kernels)) it(c.name, c.run);
});

/**
 * The old ordering behind the MNIST crash (issue 8): views of kernel buffers are taken first (there, the divergence
 * guard's backups), then something allocates (there, Adam's state on its first step), then the views are used.
 * This optimizer does the same with the gradients: it caches their views, allocates a state buffer per parameter,
 * and updates from the cached views.
 */
class ViewCachingSgd implements Optimizer {
  readonly name = 'view-caching-sgd';
  learningRate = 0.05;
  private grads: Float32Array[] | null = null;
  private readonly state: Matrix[] = [];

  step(params: readonly Param[], k: Kernels): boolean {
    if (!this.grads) {
      this.grads = params.map((p) => p.grad.data); // the bug: views kept…
      for (const p of params) this.state.push(k.alloc(p.value.rows, p.value.cols)); // …across allocations
    }
    let finite = true;
    params.forEach((p, i) => {
      const grad = new Matrix(p.value.rows, p.value.cols, this.grads?.[i]);
      finite = k.sgdUpdate(p.value, grad, this.learningRate, null) && finite;
    });
    return finite;
  }
  undo(): void {}
  release(): void {}
  dispose(): void {}
  toJSON(): OptimizerSpec {
    return { name: 'sgd', learningRate: this.learningRate };
  }
}

describe('the stress mode catches a view kept across an allocation', () => {
  const X = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ];
  const Y = [[0], [1], [1], [0]];
  const tiny = (k: Kernels) =>
    new Sequential([new Dense(2, 4, { activation: 'tanh' }), new Dense(4, 1)], { loss: 'mse', kernels: k });

  it('a 2-4-1 model with a view-caching optimizer trains on kernels in their normal mode (the bug hides)…', async () => {
    const normal = await loadWasmKernels({ variant: kernels.variant });
    const m = tiny(normal);
    const opt = new ViewCachingSgd();
    const first = m.trainBatch(X, Y, opt);
    let last = first;
    for (let i = 0; i < 50; i++) last = m.trainBatch(X, Y, opt);
    expect(last).toBeLessThan(first);
    m.dispose();
  });

  it('…and fails at its first step under growth stress', () => {
    const m = tiny(kernels);
    // The views detached when the state was allocated: length 0, as `adamUpdate: backup has length 0` on MNIST.
    expect(() => m.trainBatch(X, Y, new ViewCachingSgd())).toThrow(/data of length 0 does not fit shape/);
    m.dispose();
  });

  it('the real optimizers, which hold handles, train the same model under stress', () => {
    const m = tiny(kernels);
    const opt = new Adam({ learningRate: 0.05 });
    const first = m.trainBatch(X, Y, opt);
    let last = first;
    for (let i = 0; i < 200; i++) last = m.trainBatch(X, Y, opt);
    expect(last).toBeLessThan(first);
    m.dispose();
  });

  it('a view taken before any allocation is detached after it, every time', () => {
    const a = kernels.alloc(4, 4);
    const view = a.data;
    const b = kernels.alloc(1, 1);
    expect(view.length).toBe(0); // detached: the memory grew
    expect(a.data.length).toBe(16); // the handle was re-pointed
    kernels.free(a);
    kernels.free(b);
  });
});
