import type { Kernels } from '../kernels.js';
import { lossKinds } from '../losses.js';
import { Rng } from '../rng.js';
import {
  type AddCase,
  alloc,
  ELEMENTWISE_SHAPES,
  expectClose,
  F32,
  fail,
  relTol,
  vector,
} from './conformance-support.js';
import { refSigmoid, refSoftmax } from './reference.js';

/** Column sums, the finiteness check, every loss kind and the regularization penalty. */
export function casesReductions(k: Kernels, seed: number, add: AddCase): void {
  for (const [rows, cols] of ELEMENTWISE_SHAPES) {
    add(`columnSums ${rows}×${cols}`, () => {
      const rng = new Rng(seed + rows + cols * 1000);
      const m = alloc(k, rows, cols, () => rng.uniform(-1, 1));
      const outM = vector(k, cols, () => Number.NaN);
      k.columnSums(m, outM);
      const out = outM.data;
      const want = new Float64Array(cols);
      const mag = new Float64Array(cols);
      for (let i = 0; i < rows * cols; i++) {
        want[i % cols] = (want[i % cols] as number) + (m.data[i] as number);
        mag[i % cols] = (mag[i % cols] as number) + Math.abs(m.data[i] as number);
      }
      expectClose(
        `columnSums ${rows}×${cols}`,
        out,
        want,
        (j) => 2 * (rows + 2) * F32 * (mag[j] as number) + 1e-30,
      );
    });
  }

  for (const n of [0, 1, 3, 4, 5, 8, 9, 17, 64, 1001]) {
    add(`allFinite length ${n}`, () => {
      const rng = new Rng(seed + n * 5);
      // Large finite values too: their sum would overflow, and they are still finite.
      const v = vector(k, n, (i) => (i % 3 === 0 ? 3e38 : rng.uniform(-1, 1)));
      if (k.allFinite(v) !== true) fail(`allFinite of ${n} finite values is not true`);
      if (n === 0) return;
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        // Every position, so a kernel that skips its remainder or its first vector fails.
        for (let at = 0; at < Math.min(n, 40); at++) {
          const keep = v.data[at] as number;
          v.data[at] = bad;
          if (k.allFinite(v) !== false) fail(`allFinite of ${n} values with ${bad} at ${at} is not false`);
          v.data[at] = keep;
        }
      }
    });
  }

  // Every kind of core's lossKindTable, each against the float64 reference below; a kind added to the table
  // without a case there fails the type check (the switch is exhaustive).
  for (const kind of lossKinds) {
    for (const [rows, cols] of [
      [1, 1],
      [1, 3],
      [4, 1],
      [5, 3],
      [8, 4],
      [10, 10],
      [33, 7],
      [64, 10],
    ] as const) {
      add(`loss ${kind} ${rows}×${cols}`, () => {
        const rng = new Rng(seed + rows * 7 + cols);
        const extremes = [-200, -40, 40, 200];
        const pred = alloc(k, rows, cols, (i) =>
          i % 7 === 3 ? (extremes[i % 4] as number) : rng.uniform(-3, 3),
        );
        const target = alloc(k, rows, cols, () => 0);
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < cols; j++) {
            const i = r * cols + j;
            if (kind === 'squaredError') target.data[i] = rng.uniform(-2, 2);
            else if (kind === 'sigmoidCrossEntropy') target.data[i] = rng.next() < 0.5 ? 0 : 1;
          }
          if (kind === 'softmaxCrossEntropy') target.data[r * cols + rng.int(cols)] = 1;
        }
        const scale = 1 / (rows * cols) + 0.25;
        const grad = alloc(k, rows, cols, () => Number.NaN);
        const value = k.loss(kind, pred, target, grad, scale);
        let want = 0;
        const wantGrad = new Float64Array(rows * cols);
        for (let r = 0; r < rows; r++) {
          const o = r * cols;
          const s = kind === 'softmaxCrossEntropy' ? refSoftmax(pred.data, o, cols) : [];
          for (let j = 0; j < cols; j++) {
            const p = pred.data[o + j] as number;
            const y = target.data[o + j] as number;
            switch (kind) {
              case 'squaredError':
                want += (p - y) ** 2;
                wantGrad[o + j] = 2 * scale * (p - y);
                break;
              case 'sigmoidCrossEntropy': {
                // log σ(p) = −log(1 + e^−p), evaluated on the side that does not overflow.
                const logSig = p >= 0 ? -Math.log1p(Math.exp(-p)) : p - Math.log1p(Math.exp(p));
                const log1mSig = logSig - p;
                want += -(y * logSig + (1 - y) * log1mSig);
                wantGrad[o + j] = scale * (refSigmoid(p) - y);
                break;
              }
              case 'softmaxCrossEntropy': {
                const max = Math.max(...Array.from(pred.data.subarray(o, o + cols)));
                let se = 0;
                for (let c = 0; c < cols; c++) se += Math.exp((pred.data[o + c] as number) - max);
                if (y !== 0) want -= y * (p - max - Math.log(se));
                wantGrad[o + j] = scale * ((s[j] as number) - y);
                break;
              }
              default: {
                const none: never = kind;
                throw new Error(`conformance: loss kind ${String(none)} has no reference`);
              }
            }
          }
        }
        want *= scale;
        if (!Number.isFinite(value)) fail(`loss ${kind}: value ${value} is not finite`);
        if (Math.abs(value - want) > 1e-5 * Math.max(1, Math.abs(want)))
          fail(`loss ${kind}: value ${value}, expected ${want}`);
        expectClose(
          `loss ${kind} gradient`,
          grad.data,
          wantGrad,
          (i) => 1e-7 + 16 * F32 * Math.abs(wantGrad[i] as number),
        );
      });
    }
  }

  for (const n of [1, 3, 4, 7, 8, 9, 33, 100]) {
    add(`regularize length ${n}`, () => {
      const rng = new Rng(seed + n);
      const wM = vector(k, n, (i) => (i === 0 ? 0 : rng.uniform(-2, 2)));
      const gM = vector(k, n, () => rng.uniform(-1, 1));
      const g0 = Float64Array.from(gM.data);
      const l1 = 0.03;
      const l2 = 0.2;
      const penalty = k.regularize(wM, gM, l1, l2);
      const [w, g] = [wM.data, gM.data];
      let want = 0;
      const wantGrad = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const x = w[i] as number;
        want += l1 * Math.abs(x) + 0.5 * l2 * x * x;
        wantGrad[i] = (g0[i] as number) + l1 * Math.sign(x) + l2 * x;
      }
      if (Math.abs(penalty - want) > 1e-6 * Math.max(1, want))
        fail(`regularize: penalty ${penalty}, expected ${want}`);
      expectClose('regularize gradient', g, wantGrad, relTol(wantGrad, 4 * F32, 1e-7));
    });
  }
}
