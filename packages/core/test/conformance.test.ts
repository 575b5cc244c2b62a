import { describe, expect, it } from 'vitest';
import { jsKernels, Matrix } from '../src/index.js';
import type { Kernels } from '../src/kernels.js';
import { kernelConformanceCases } from '../src/testing/index.js';

describe('jsKernels pass the conformance suite', () => {
  for (const c of kernelConformanceCases(jsKernels)) it(c.name, c.run);
});

describe('the conformance suite catches broken kernels', () => {
  const broken = (patch: Partial<Kernels>): Kernels => ({ ...jsKernels, ...patch, name: 'broken' });
  const failures = (k: Kernels, filter: string) =>
    kernelConformanceCases(k)
      .filter((c) => c.name.includes(filter))
      .filter((c) => {
        try {
          c.run();
          return false;
        } catch {
          return true;
        }
      }).length;

  it('a matmul that drops the last k (a remainder bug) fails', () => {
    const dropLastK: Kernels['matmul'] = (a, b, out) => {
      const shortA = new Matrix(a.rows, Math.max(0, a.cols - 1));
      for (let i = 0; i < a.rows; i++) for (let k = 0; k < shortA.cols; k++) shortA.set(i, k, a.get(i, k));
      const shortB = new Matrix(shortA.cols, b.cols, b.data.slice(0, shortA.cols * b.cols));
      jsKernels.matmul(shortA, shortB, out);
    };
    expect(failures(broken({ matmul: dropLastK }), 'matmul ')).toBeGreaterThan(10);
  });

  it('a blocked matmul whose later 512-column blocks start one column off fails, only on shapes past the block', () => {
    // The column blocking of a cache-blocked kernel (NC = 512 in kernels-wasm), written out in JS. With the
    // offset right it passes every case; one column off after the first block, the sweep's wide shapes catch it.
    const NC = 512;
    const blocked =
      (offsetBug: number): Kernels['matmul'] =>
      (a, b, out) => {
        const [M, K, N] = [a.rows, a.cols, b.cols];
        for (let j0 = 0; j0 < N; j0 += NC) {
          const from = j0 === 0 ? 0 : j0 + offsetBug;
          for (let i = 0; i < M; i++) {
            for (let j = 0; j < Math.min(NC, N - j0); j++) {
              let s = 0;
              for (let k = 0; k < K; k++)
                s += a.data[i * K + k]! * b.data[k * N + Math.min(from + j, N - 1)]!;
              out.data[i * N + j0 + j] = s;
            }
          }
        }
      };
    const failing = (k: Kernels) =>
      kernelConformanceCases(k)
        .filter((c) => /: matmul \d/.test(c.name))
        .filter((c) => {
          try {
            c.run();
            return false;
          } catch {
            return true;
          }
        })
        .map((c) => c.name);
    expect(failing(broken({ matmul: blocked(0) }))).toEqual([]);
    const caught = failing(broken({ matmul: blocked(-1) }));
    expect(caught.length).toBeGreaterThan(0);
    for (const name of caught) expect(Number(name.split('×').at(-1))).toBeGreaterThan(NC);
  });

  it('a matmul that leaves out untouched when K = 0 fails', () => {
    const lazy: Kernels['matmul'] = (a, b, out) => {
      if (a.cols > 0) jsKernels.matmul(a, b, out);
    };
    expect(failures(broken({ matmul: lazy }), 'matmul 3×0')).toBe(1);
  });

  it('a sigmoid derivative of a instead of a(1−a) fails', () => {
    const wrong: Kernels['activationBackward'] = (act, z, a, dA, dZ) => {
      if (act.name !== 'sigmoid') return jsKernels.activationBackward(act, z, a, dA, dZ);
      for (let i = 0; i < dZ.data.length; i++) dZ.data[i] = (dA.data[i] as number) * (a.data[i] as number);
    };
    expect(failures(broken({ activationBackward: wrong }), 'activationBackward sigmoid')).toBeGreaterThan(5);
  });

  it('an unstable sigmoid cross-entropy (log of σ) fails on saturated logits', () => {
    const naive: Kernels['loss'] = (kind, pred, target, grad, scale) => {
      if (kind !== 'sigmoidCrossEntropy') return jsKernels.loss(kind, pred, target, grad, scale);
      jsKernels.loss(kind, pred, target, grad, scale);
      let s = 0;
      for (let i = 0; i < pred.data.length; i++) {
        const p = Math.fround(1 / (1 + Math.exp(-(pred.data[i] as number))));
        const y = target.data[i] as number;
        s -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
      }
      return scale * s;
    };
    expect(failures(broken({ loss: naive }), 'loss sigmoidCrossEntropy')).toBeGreaterThan(3);
  });
});
