import { readFileSync } from 'node:fs';
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

const PAGE = 65536;

describe(`${kernels.name} under growth stress passes core’s conformance suite`, () => {
  it('is in the stress mode, starting from one page', async () => {
    expect(kernels.growEveryAlloc).toBe(true);
    // The module this variant loads declares one page (64 KiB) of memory…
    const bytes = readFileSync(new URL(`../../build/kernels-${kernels.variant}.wasm`, import.meta.url));
    const bare = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as {
      memory: WebAssembly.Memory;
      heapBase(): number;
      gemmScratchBytes(): number;
    };
    expect(bare.memory.buffer.byteLength).toBe(PAGE);
    // …and creating the kernels allocates their GEMM scratch before any test can see them, which grows that page
    // by exactly the pages the scratch needs (at least one, as every alloc in this mode), no more.
    const fresh = await loadWasmKernels({ variant: kernels.variant, growEveryAlloc: true });
    const align = (n: number) => Math.ceil(n / 64) * 64;
    const end = align(bare.heapBase()) + align(bare.gemmScratchBytes());
    expect(fresh.bytesInUse).toBe(align(bare.gemmScratchBytes()));
    expect(fresh.memoryBytes).toBe(PAGE + Math.max(1, Math.ceil((end - PAGE) / PAGE)) * PAGE);
    // Every alloc grows the memory, by one page for a buffer that fits in it…
    let size = fresh.memoryBytes;
    const first = fresh.alloc(1, 1);
    expect(fresh.memoryBytes).toBe(size + PAGE);
    const second = fresh.alloc(1, 1);
    // …and even for one that reuses a freed block (first's, below second).
    fresh.free(first);
    size = fresh.memoryBytes;
    const reused = fresh.alloc(1, 1);
    expect(fresh.memoryBytes).toBe(size + PAGE);
    for (const m of [second, reused]) fresh.free(m);
    fresh.dispose();
    // The kernels these suites run on (test/stress/setup.ts) grow the same way.
    size = kernels.memoryBytes;
    const k = kernels.alloc(1, 1);
    expect(kernels.memoryBytes).toBe(size + PAGE);
    kernels.free(k);
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

/**
 * This package's `test` task runs core's test files too (vitest.stress.config.ts and vitest.threads.config.ts list
 * them). Turbo replays a cached pass when none of the task's inputs changed, and by
 * default those are this package's own files: turbo.json must list core's tests, or a change to one alone would not
 * rerun them here.
 */
describe("turbo's cache key for this package's test task", () => {
  const here = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
  const inputs: string[] = JSON.parse(here('turbo.json')).tasks?.test?.inputs ?? [];
  /** A turbo input glob (`$TURBO_ROOT$/…`, `*`, `**`) as a test on a path from the repository's root. */
  const matcher = (glob: string) => {
    const body = glob
      .replace(/^\$TURBO_ROOT\$\//, '')
      .split(/(\*\*|\*)/)
      .map((part) =>
        part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('');
    return new RegExp(`^${body}$`);
  };
  const covered = inputs.filter((g) => g.startsWith('$TURBO_ROOT$/')).map(matcher);

  it('lists, from outside the package, every core test file the stress and threads configs run', () => {
    const suites = ['vitest.stress.config.ts', 'vitest.threads.config.ts'].flatMap((config) =>
      [...here(config).matchAll(/'\.\.\/core\/(test\/[^']+)'/g)].map((m) => `packages/core/${m[1]}`),
    );
    expect(suites).toContain('packages/core/test/inspect.test.ts');
    expect(suites.filter((path) => !covered.some((re) => re.test(path)))).toEqual([]);
    // What those files import beside them (packages/core/test/kernels.ts picks the kernels) is covered too.
    expect(covered.some((re) => re.test('packages/core/test/kernels.ts'))).toBe(true);
  });

  it("keeps the package's own files ($TURBO_DEFAULT$) among the inputs", () => {
    expect(inputs).toContain('$TURBO_DEFAULT$');
  });
});
