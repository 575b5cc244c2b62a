// Threads (`loadWasmKernels({ threads })`): every kernel gives the same bits on 1, 2 and 3 threads, the split really
// happens, a model trains to the same weights, the fallbacks say why, and the workers end with `dispose()` or with
// the process.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  Adam,
  activationNames,
  activationTable,
  Dense,
  Matrix,
  Momentum,
  type ResolvedActivation,
  Rng,
  Sequential,
} from '@chainrule/core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWasmKernels, type WasmKernels } from '../src/index.js';
import { threadSupport } from '../src/threads.js';

const one = await loadWasmKernels({ variant: 'simd' });
// Thresholds of 0: every call is split, however small, so the small shapes below exercise every block boundary.
const force = { minProduct: 0, minElements: 0, minUpdate: 0 };
const two = await loadWasmKernels({ variant: 'simd', threads: 2, threadThresholds: force });
const three = await loadWasmKernels({ variant: 'simd', threads: 3, threadThresholds: force });
const all = [one, two, three];
afterAll(() => {
  for (const k of all) k.dispose();
});

/** The bits of a float32 array, so -0 ≠ 0 and NaN payloads count. */
const bits = (m: Matrix | Float32Array) =>
  Array.from(new Uint32Array(Float32Array.from(m instanceof Matrix ? m.data : m).buffer));

/** Runs `op` on each kernels with the same inputs (filled by `fill` in each one's memory); returns the outputs' bits. */
function onEach(
  shapes: [number, number][],
  fill: (ms: Matrix[], rng: Rng) => void,
  op: (k: WasmKernels, ms: Matrix[]) => unknown,
): { results: unknown[]; outputs: number[][][] } {
  const results: unknown[] = [];
  const outputs: number[][][] = [];
  for (const k of all) {
    const ms = shapes.map(([r, c]) => k.alloc(r, c));
    fill(ms, new Rng(11));
    results.push(op(k, ms));
    outputs.push(ms.map(bits));
    for (const m of ms) k.free(m);
  }
  return { results, outputs };
}

function expectSameBits({ results, outputs }: { results: unknown[]; outputs: number[][][] }) {
  expect(results[1]).toEqual(results[0]);
  expect(results[2]).toEqual(results[0]);
  // toEqual on the bit arrays, buffer by buffer, so a failure names which buffer differs.
  for (let b = 0; b < (outputs[0] as number[][]).length; b++) {
    expect(outputs[1]?.[b], `buffer ${b}, 2 threads`).toEqual(outputs[0]?.[b]);
    expect(outputs[2]?.[b], `buffer ${b}, 3 threads`).toEqual(outputs[0]?.[b]);
  }
}

const randomFill =
  (scale = 1) =>
  (ms: Matrix[], rng: Rng) => {
    for (const m of ms) for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal(0, scale);
  };

/** Shapes around the 4-row and 8-column tiles, the 256-deep K blocks and the 128-row / 512-column cache blocks. */
const productShapes: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 8, 8],
  [5, 9, 17],
  [13, 300, 9],
  [64, 784, 128],
  [130, 257, 33],
  [7, 64, 530],
  [257, 19, 3],
];

describe('threads give the same bits as one thread, kernel by kernel', () => {
  it('the three products, for shapes around every tile and block boundary', () => {
    for (const [M, K, N] of productShapes) {
      expectSameBits(
        onEach(
          [
            [M, K],
            [K, N],
            [M, N],
          ],
          randomFill(),
          (k, [a, b, c]) => k.matmul(a as Matrix, b as Matrix, c as Matrix),
        ),
      );
      expectSameBits(
        onEach(
          [
            [K, M],
            [K, N],
            [M, N],
          ],
          randomFill(),
          (k, [a, b, c]) => k.matmulTransA(a as Matrix, b as Matrix, c as Matrix),
        ),
      );
      expectSameBits(
        onEach(
          [
            [M, K],
            [N, K],
            [M, N],
          ],
          randomFill(),
          (k, [a, b, c]) => k.matmulTransB(a as Matrix, b as Matrix, c as Matrix),
        ),
      );
    }
  });

  it('bias + activation and the activation backward pass, for every activation', () => {
    for (const name of activationNames) {
      const act: ResolvedActivation = { name, alpha: activationTable[name].alpha?.default ?? 0 };
      for (const [r, c] of [
        [1, 3],
        [9, 10],
        [67, 33],
      ] as [number, number][]) {
        expectSameBits(
          onEach(
            [
              [r, c],
              [1, c],
              [r, c],
            ],
            randomFill(2),
            (k, [z, b, a]) => k.biasActivation(z as Matrix, b as Matrix, act, a as Matrix),
          ),
        );
        expectSameBits(
          onEach(
            [
              [r, c],
              [r, c],
              [r, c],
              [r, c],
            ],
            randomFill(2),
            (k, [z, a, dA, dZ]) => {
              k.biasActivation(z as Matrix, k.alloc(1, c), act, a as Matrix);
              k.activationBackward(act, z as Matrix, a as Matrix, dA as Matrix, dZ as Matrix);
            },
          ),
        );
      }
    }
  });

  it('a dense layer forward and backward, every activation (units split by columns or, for softmax and widths not a multiple of 4, rows)', () => {
    const layers: [number, number, number][] = [
      [1, 3, 2],
      [10, 8, 8],
      [64, 784, 128],
      [33, 17, 65],
      [20, 9, 36],
    ];
    for (const name of activationNames)
      for (const [N, K, U] of name === 'tanh' ? layers : layers.filter(([, K]) => K < 100)) {
        const act: ResolvedActivation = { name, alpha: activationTable[name].alpha?.default ?? 0 };
        expectSameBits(
          onEach(
            [
              [N, K],
              [K, U],
              [1, U],
              [N, U],
              [N, U],
            ],
            randomFill(),
            (k, [x, W, b, z, a]) =>
              k.denseForward(x as Matrix, W as Matrix, b as Matrix, act, z as Matrix, a as Matrix),
          ),
        );
        for (const [withDX, dZReady] of [
          [true, false],
          [false, false],
          [true, true],
        ]) {
          expectSameBits(
            onEach(
              [
                [N, K],
                [K, U],
                [N, U],
                [N, U],
                [N, U],
                [N, U],
                [K, U],
                [1, U],
                [N, K],
              ],
              randomFill(),
              (k, [x, W, z, a, dA, dZ, dW, db, dX]) =>
                k.denseBackward(
                  act,
                  x as Matrix,
                  W as Matrix,
                  z as Matrix,
                  a as Matrix,
                  dA as Matrix,
                  dZ as Matrix,
                  dW as Matrix,
                  db as Matrix,
                  withDX ? (dX as Matrix) : null,
                  dZReady as boolean,
                ),
            ),
          );
        }
      }
  });

  it('column sums and the finiteness check (with a NaN or an Infinity anywhere)', () => {
    for (const [r, c] of [
      [1, 1],
      [5, 3],
      [64, 130],
      [300, 7],
    ] as [number, number][]) {
      expectSameBits(
        onEach(
          [
            [r, c],
            [1, c],
          ],
          randomFill(),
          (k, [m, out]) => k.columnSums(m as Matrix, out as Matrix),
        ),
      );
    }
    for (const n of [1, 15, 17, 1000]) {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
        for (const at of [0, n >> 1, n - 1]) {
          const { results } = onEach(
            [[1, n]],
            (ms, rng) => {
              randomFill()(ms, rng);
              (ms[0] as Matrix).data[at] = bad;
            },
            (k, [m]) => k.allFinite(m as Matrix),
          );
          expect(results).toEqual([false, false, false]);
        }
      }
      expect(onEach([[1, n]], randomFill(), (k, [m]) => k.allFinite(m as Matrix)).results).toEqual([
        true,
        true,
        true,
      ]);
    }
  });

  it('SGD, momentum and Adam updates with their backups, and the non-finite flag', () => {
    for (const n of [1, 7, 16, 33, 1001]) {
      for (const withBackup of [false, true]) {
        expectSameBits(
          onEach(
            [
              [1, n],
              [1, n],
              [1, n],
            ],
            randomFill(),
            (k, [p, g, bk]) => k.sgdUpdate(p as Matrix, g as Matrix, 0.1, withBackup ? (bk as Matrix) : null),
          ),
        );
        expectSameBits(
          onEach(
            [
              [1, n],
              [1, n],
              [1, n],
              [1, 2 * n],
            ],
            randomFill(),
            (k, [p, g, v, bk]) =>
              k.momentumUpdate(
                p as Matrix,
                g as Matrix,
                v as Matrix,
                0.1,
                0.9,
                withBackup ? (bk as Matrix) : null,
              ),
          ),
        );
        expectSameBits(
          onEach(
            [
              [1, n],
              [1, n],
              [1, n],
              [1, n],
              [1, 3 * n],
            ],
            (ms, rng) => {
              randomFill()(ms, rng);
              for (let i = 0; i < n; i++)
                (ms[3] as Matrix).data[i] = Math.abs((ms[3] as Matrix).data[i] as number);
            },
            (k, [p, g, m, v, bk]) =>
              k.adamUpdate(
                p as Matrix,
                g as Matrix,
                m as Matrix,
                v as Matrix,
                0.01,
                0.9,
                0.999,
                1e-7,
                3,
                withBackup ? (bk as Matrix) : null,
              ),
          ),
        );
      }
      // A gradient that overflows the last element: every thread count reports it.
      const { results } = onEach(
        [
          [1, n],
          [1, n],
        ],
        (ms, rng) => {
          randomFill()(ms, rng);
          (ms[1] as Matrix).data[n - 1] = 3e38;
        },
        (k, [p, g]) => k.sgdUpdate(p as Matrix, g as Matrix, -10, null),
      );
      expect(results).toEqual([false, false, false]);
    }
  });

  it('the splits above are real: each split call ran as a job on the pool', () => {
    expect(one.threadedCalls).toBe(0);
    expect(two.threadedCalls).toBeGreaterThan(100);
    expect(three.threadedCalls).toBeGreaterThan(100);
  });

  it('the comparison can see a change of summation order: a product split over K (two partial sums) differs', () => {
    // What the pool must never do: give threads blocks of K and add their partial products.
    // K = 200 is one block of the driver's (≤ 256): one sum per element, against two halves added.
    const M = 16;
    const K = 200;
    const N = 16;
    const rng = new Rng(3);
    const a = one.alloc(M, K);
    const b = one.alloc(K, N);
    for (const m of [a, b]) for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal(0, 1);
    const whole = one.alloc(M, N);
    one.matmul(a, b, whole);
    const halves = [0, K / 2].map((k0) => {
      const a2 = one.alloc(M, K / 2);
      const b2 = one.alloc(K / 2, N);
      for (let i = 0; i < M; i++) a2.data.set(a.data.subarray(i * K + k0, i * K + k0 + K / 2), i * (K / 2));
      b2.data.set(b.data.subarray(k0 * N, (k0 + K / 2) * N));
      const c = one.alloc(M, N);
      one.matmul(a2, b2, c);
      return c;
    });
    const summed = Float32Array.from(
      whole.data,
      (_, i) => (halves[0]?.data[i] as number) + (halves[1]?.data[i] as number),
    );
    expect(bits(summed)).not.toEqual(bits(whole));
  });
});

describe('a model trains to the same bits on any number of threads', () => {
  it('784-128-64-10, Adam, 5 steps of batch 64, default thresholds: identical weights and losses', async () => {
    const rng = new Rng(5);
    const X = new Matrix(64, 784);
    const Y = new Matrix(64, 10);
    for (let i = 0; i < X.data.length; i++) X.data[i] = rng.uniform(0, 1);
    for (let i = 0; i < 64; i++) Y.set(i, i % 10, 1);
    const auto = await loadWasmKernels({ variant: 'simd', threads: 2 });
    try {
      const runs = [one, auto, three].map((k) => {
        const before = k.threadedCalls;
        const m = new Sequential(
          [
            new Dense(784, 128, { activation: 'relu' }),
            new Dense(128, 64, { activation: 'relu' }),
            new Dense(64, 10, { activation: 'softmax' }),
          ],
          { loss: 'softmaxCrossEntropy', seed: 9, kernels: k },
        );
        const opt = new Adam({ learningRate: 0.001 });
        const losses = Array.from({ length: 5 }, () => m.trainBatch(X, Y, opt));
        const weights = m.layers.flatMap((l) => l.params().map((p) => bits(p.value)));
        const calls = k.threadedCalls - before;
        m.dispose();
        return { losses, weights, calls };
      });
      expect(runs[1]?.losses).toEqual(runs[0]?.losses);
      expect(runs[2]?.losses).toEqual(runs[0]?.losses);
      expect(runs[1]?.weights).toEqual(runs[0]?.weights);
      expect(runs[2]?.weights).toEqual(runs[0]?.weights);
      // With default thresholds the two hidden layers are split — forward (1 job each), ∂J/∂Z with ∂J/∂W and
      // ∂J/∂b (1 each), the second's ∂J/∂X (1) — and Adam on the first W (1); the 64×64×10 output layer and the
      // small updates are not: 6 jobs per step (5 for a step the caller ran alone on a busy machine).
      expect(runs[1]?.calls).toBeGreaterThanOrEqual(5 * 5);
      expect(runs[1]?.calls).toBeLessThanOrEqual(5 * 6);
    } finally {
      auto.dispose();
    }
  });

  it('momentum with a divergence on 2 threads restores the same bits as on 1', async () => {
    const results = all.map((k) => {
      const m = new Sequential([new Dense(20, 40, { activation: 'tanh' }), new Dense(40, 1)], {
        loss: 'mse',
        seed: 2,
        kernels: k,
      });
      const X = Array.from({ length: 32 }, (_, i) =>
        Array.from({ length: 20 }, (_, j) => Math.sin(i * 20 + j)),
      );
      const Y = X.map((r) => [r.reduce((s, v) => s + v, 0)]);
      const opt = new Momentum({ learningRate: 0.01, momentum: 0.9 });
      m.trainBatch(X, Y, opt);
      opt.learningRate = 1e300; // far past float32: the update overflows
      let diverged = false;
      try {
        m.trainBatch(X, Y, opt);
      } catch (e) {
        diverged = (e as { code?: string }).code === 'DIVERGED';
      }
      const w = m.layers.flatMap((l) => l.params().map((p) => bits(p.value)));
      m.dispose();
      return { diverged, w };
    });
    expect(results.map((r) => r.diverged)).toEqual([true, true, true]);
    expect(results[1]?.w).toEqual(results[0]?.w);
    expect(results[2]?.w).toEqual(results[0]?.w);
  });
});

describe('choosing the number of threads', () => {
  it('says how many threads run, and names them', () => {
    expect([one.threads, two.threads, three.threads]).toEqual([1, 2, 3]);
    expect(two.name).toBe('wasm-simd, 2 threads');
    expect(one.name).toBe('wasm-simd');
    expect(two.threadsNote).toBeNull();
  });

  it("'auto' uses the machine's cores (at most 8)", async () => {
    const os = await import('node:os');
    const k = await loadWasmKernels({ variant: 'simd', threads: 'auto' });
    expect(k.threads).toBe(Math.min(8, os.availableParallelism()));
    k.dispose();
  });

  it('refuses a number of threads that is not a positive integer', async () => {
    for (const threads of [0, -1, 1.5, Number.NaN, 49, 100])
      await expect(loadWasmKernels({ threads })).rejects.toThrow(
        /threads must be 'auto' or an integer from 1 to 48, got/,
      );
  });

  it('falls back to one thread where threads cannot run, and says why', () => {
    expect(threadSupport({ process: { versions: { node: '20.20.0' } }, SharedArrayBuffer, Atomics })).toEqual(
      { ok: true },
    );
    const noSab = threadSupport({ window: {}, document: {}, crossOriginIsolated: false, Atomics });
    expect(noSab).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /SharedArrayBuffer is unavailable: the page is not cross-origin isolated.*Cross-Origin-Embedder-Policy: require-corp/,
      ),
    });
    const mainThread = threadSupport({
      window: {},
      document: {},
      crossOriginIsolated: true,
      SharedArrayBuffer,
      Atomics,
    });
    expect(mainThread).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/main thread may not block.*Web Worker/),
    });
    // A cross-origin isolated Web Worker: no window, no document.
    expect(threadSupport({ crossOriginIsolated: true, SharedArrayBuffer, Atomics })).toEqual({ ok: true });
  });

  it('without SharedArrayBuffer, loadWasmKernels runs on one thread and threadsNote says why', async () => {
    const saved = globalThis.SharedArrayBuffer;
    // @ts-expect-error: removed for this test, as in a page that is not cross-origin isolated
    delete globalThis.SharedArrayBuffer;
    try {
      const k = await loadWasmKernels({ variant: 'simd', threads: 4 });
      expect(k.threads).toBe(1);
      expect(k.threadsNote).toMatch(
        /^4 threads were asked for; running on one because SharedArrayBuffer is unavailable/,
      );
    } finally {
      globalThis.SharedArrayBuffer = saved;
    }
  });
});

describe('bad calls', () => {
  it('an output over an input is refused (a product reads while it writes: each run would differ)', () => {
    for (const k of all) {
      const [a, b] = [k.alloc(8, 8), k.alloc(8, 8)];
      expect(() => k.matmul(a, b, a)).toThrow(
        /matmul: out overlaps a \(an output must be a buffer of its own/,
      );
      expect(() => k.matmulTransA(a, b, b)).toThrow(/matmulTransA: out overlaps b/);
      const [x, W, z, act, dZ, dW, db] = [
        k.alloc(8, 8),
        k.alloc(8, 8),
        k.alloc(8, 8),
        k.alloc(8, 8),
        k.alloc(8, 8),
        k.alloc(8, 8),
        k.alloc(1, 8),
      ];
      const tanh: ResolvedActivation = { name: 'tanh', alpha: 0 };
      expect(() => k.denseBackward(tanh, x, W, z, act, dZ, dZ, dW, db, x, false)).toThrow(
        /denseBackward: dX overlaps x/,
      );
      for (const m of [a, b, x, W, z, act, dZ, dW, db]) k.free(m);
    }
  });

  it('thresholds that are not numbers ≥ 0 are refused before any thread starts', async () => {
    for (const bad of [
      { minProduct: -1 },
      { minElements: Number.NaN },
      { minUpdate: '5' },
      { minProducts: 0 },
    ])
      await expect(loadWasmKernels({ threads: 2, threadThresholds: bad as never })).rejects.toThrow(
        /threadThresholds\.\w+ must be a number ≥ 0/,
      );
  });

  it('a chunk that throws on the calling thread: the call throws after every chunk is done, and the next call is whole', async () => {
    const k = await loadWasmKernels({ variant: 'simd', threads: 2, threadThresholds: force });
    try {
      const pool = (k as unknown as { pool: { x: Record<string, unknown> } }).pool;
      const real = pool.x;
      // The exports object is frozen: a copy whose gemmStrided throws once, then calls the real one.
      let calls = 0;
      const planted = Object.create(real) as Record<string, unknown>;
      Object.defineProperty(planted, 'gemmStrided', {
        value: (...args: number[]) => {
          if (calls++ === 0) throw new Error('planted failure in a chunk');
          return (real.gemmStrided as (...a: number[]) => void)(...args);
        },
      });
      pool.x = planted;
      const rng = new Rng(4);
      const [a, b, c] = [k.alloc(256, 256), k.alloc(256, 256), k.alloc(256, 256)];
      for (const m of [a, b]) for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal(0, 1);
      // The caller runs chunks of its own queue first, but on a loaded machine the worker can take them all: try
      // until the caller has run one (and so met the planted failure).
      let error: unknown = null;
      for (let attempt = 0; attempt < 200 && calls === 0; attempt++) {
        try {
          k.matmul(a, b, c);
        } catch (e) {
          error = e;
        }
      }
      expect(String(error)).toContain('planted failure in a chunk');
      pool.x = real;
      c.data.fill(Number.NaN);
      k.matmul(a, b, c);
      const ref = one.alloc(256, 256);
      const [a1, b1] = [one.alloc(256, 256), one.alloc(256, 256)];
      a1.data.set(a.data);
      b1.data.set(b.data);
      one.matmul(a1, b1, ref);
      expect(bits(c)).toEqual(bits(ref));
      for (const m of [ref, a1, b1]) one.free(m);
    } finally {
      k.dispose();
    }
  });

  /** C = A·B on 256² random matrices with these kernels, and the same on one thread: bit for bit. */
  function expectWholeMatmul(k: WasmKernels): void {
    const rng = new Rng(8);
    const [a, b, c] = [k.alloc(256, 256), k.alloc(256, 256), k.alloc(256, 256)];
    for (const m of [a, b]) for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal(0, 1);
    k.matmul(a, b, c);
    const [a1, b1, ref] = [one.alloc(256, 256), one.alloc(256, 256), one.alloc(256, 256)];
    a1.data.set(a.data);
    b1.data.set(b.data);
    one.matmul(a1, b1, ref);
    expect(bits(c)).toEqual(bits(ref));
    for (const m of [ref, a1, b1]) one.free(m);
    for (const m of [a, b, c]) k.free(m);
  }

  it('chunks that throw on a worker fail their job only: the next call is whole', async () => {
    const k = await loadWasmKernels({ variant: 'simd', threads: 2, threadThresholds: force });
    try {
      const pool = (k as unknown as { pool: { job(op: number): number } }).pool;
      // A job code no thread knows: every chunk throws, the worker's too (it takes some of the 8 chunks).
      for (let i = 0; i < 20; i++) expect(() => pool.job(99)).toThrow(/unknown job 99/);
      expectWholeMatmul(k);
    } finally {
      k.dispose();
    }
  });

  it('a worker that has ended: later calls run on the caller alone, whole, and dispose ends the rest', async () => {
    const k = await loadWasmKernels({ variant: 'simd', threads: 3, threadThresholds: force });
    const pool = (k as unknown as { pool: { workers: { terminate(): unknown }[] } }).pool;
    await pool.workers[0]?.terminate();
    // Its end is reported through the event loop, between calls.
    await new Promise((r) => setTimeout(r, 100));
    const before = k.threadedCalls;
    expectWholeMatmul(k);
    expect(k.threadedCalls).toBe(before);
    expect(() => k.dispose()).not.toThrow();
  });
});

describe('memory', () => {
  it('a buffer past the shared memory’s 1 GiB is refused with a clear error, and the kernels keep working', () => {
    const before = two.bytesInUse;
    expect(() => two.alloc(16384, 20000)).toThrow(
      /alloc: WebAssembly memory cannot grow .* limited to 1 GiB/,
    );
    expect(two.bytesInUse).toBe(before);
    const [a, b, c] = [two.alloc(64, 64), two.alloc(64, 64), two.alloc(64, 64)];
    two.matmul(a, b, c);
    for (const m of [a, b, c]) two.free(m);
  });
});

describe('ending the threads', () => {
  it('dispose() ends the workers; the kernels then refuse work with a clear error', async () => {
    const k = await loadWasmKernels({ variant: 'simd', threads: 2 });
    const m = k.alloc(2, 2);
    k.dispose();
    expect(() => k.matmul(m, m, m)).toThrow(/matmul: these kernels were disposed/);
    expect(() => k.alloc(1, 1)).toThrow(/alloc: these kernels were disposed/);
    k.dispose(); // twice is harmless
  });

  it('a Node process that trains on 2 threads and never calls dispose() exits by itself', async () => {
    const dist = new URL('../dist/index.js', import.meta.url).href;
    const core = import.meta.resolve('@chainrule/core');
    const script = `
      const { Adam, Dense, Sequential } = await import(${JSON.stringify(core)});
      const { loadWasmKernels } = await import(${JSON.stringify(dist)});
      const kernels = await loadWasmKernels({ threads: 2, threadThresholds: { minProduct: 0, minElements: 0, minUpdate: 0 } });
      const m = new Sequential([new Dense(2, 8, { activation: 'tanh' }), new Dense(8, 1, { activation: 'sigmoid' })], { loss: 'binaryCrossEntropy', seed: 1, kernels });
      const h = await m.fit([[0,0],[0,1],[1,0],[1,1]], [[0],[1],[1],[0]], { epochs: 300, batchSize: 4, optimizer: new Adam({ learningRate: 0.05 }) });
      console.log(kernels.threads, kernels.threadedCalls > 0, h.epochs.at(-1).loss < 0.1);
    `;
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 60_000,
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    expect(stdout.trim()).toBe('2 true true');
    // It ended on its own: well before the 60 s timeout that would kill a process kept alive by its workers.
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
