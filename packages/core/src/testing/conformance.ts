import { type Activation, activationNames, activationTable } from '../activations.js';
import { ChainruleError } from '../errors.js';
import type { Kernels, LossKind } from '../kernels.js';
import type { Matrix } from '../matrix.js';
import { Rng } from '../rng.js';
import { refActivation, refActivationDerivative, refMatmul, refSigmoid, refSoftmax } from './reference.js';

/** One conformance check: `run` throws an Error describing the first mismatch. */
export interface ConformanceCase {
  readonly name: string;
  /** Runs the check; throws an Error describing the first mismatch. */
  run(): void;
}

/** Shapes (M, K, N) every matmul form is checked at: 1×1, primes, empty edges, below/at/above tiles. */
export const MATMUL_SHAPES: readonly (readonly [number, number, number])[] = [
  [1, 1, 1],
  [0, 3, 4],
  [3, 0, 4],
  [3, 4, 0],
  [2, 3, 5],
  [7, 11, 13],
  [1, 17, 1],
  [17, 1, 19],
  [3, 4, 7],
  [4, 4, 4],
  [4, 8, 8],
  [5, 9, 9],
  [8, 8, 16],
  [15, 16, 17],
  [16, 16, 16],
  [17, 33, 31],
  [31, 37, 29],
  [32, 32, 32],
  [33, 65, 47],
  [63, 64, 65],
  [64, 64, 64],
  [10, 2, 8],
  [64, 128, 10],
  [97, 129, 67],
  [128, 257, 130],
  [64, 784, 128],
  // Past every blocking boundary of a cache-blocked kernel: N over one and two 512-column blocks, K over
  // several 256-deep blocks (and split unevenly), M over a 128-row block and not a multiple of 4.
  [5, 257, 1100],
  [3, 784, 1025],
  [9, 1030, 513],
  [131, 257, 20],
  [129, 8, 520],
  [6, 300, 1037],
];

/**
 * Every activation in the table; those with a parameter at a value other than its default, so a kernel that
 * ignores alpha fails.
 */
const ACTIVATIONS: readonly Activation[] = activationNames.map((name) => {
  const param = activationTable[name].alpha;
  return { name, alpha: param ? 0.7 * param.default + 0.03 : 0 };
});

/** Row-major (rows, cols) pairs for elementwise ops: vector widths below, at and above 4 and 8 lanes. */
const ELEMENTWISE_SHAPES: readonly (readonly [number, number])[] = [
  [1, 1],
  [0, 5],
  [1, 3],
  [2, 4],
  [3, 5],
  [4, 8],
  [5, 9],
  [7, 16],
  [10, 17],
  [33, 10],
  [64, 128],
];

class Mismatch extends Error {}

function fail(message: string): never {
  throw new Mismatch(message);
}

function alloc(k: Kernels, rows: number, cols: number, fill: (i: number) => number): Matrix {
  const m = k.alloc(rows, cols);
  if (m.rows !== rows || m.cols !== cols || m.data.length !== rows * cols) {
    fail(`alloc(${rows}, ${cols}) returned ${m.rows}×${m.cols} with ${m.data.length} elements`);
  }
  for (let i = 0; i < m.data.length; i++) m.data[i] = fill(i);
  return m;
}

/** A 1×n matrix: hold it and read `.data` at each use, as kernel memory may grow between allocations. */
function vector(k: Kernels, n: number, fill: (i: number) => number): Matrix {
  return alloc(k, 1, n, fill);
}

/** Compares float32 results to float64 references elementwise within atol + rtol·|ref| (or a given bound). */
function expectClose(
  what: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: (i: number) => number,
): void {
  if (got.length !== want.length) fail(`${what}: length ${got.length}, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i] as number;
    const w = want[i] as number;
    const ok = Number.isFinite(w) ? Math.abs(g - w) <= tol(i) : g === w;
    if (!ok) fail(`${what}: element ${i} is ${g}, expected ${w} (tolerance ${tol(i)})`);
  }
}

const F32 = 2 ** -23;

function relTol(want: ArrayLike<number>, rtol: number, atol: number): (i: number) => number {
  return (i) => atol + rtol * Math.abs(want[i] as number);
}

/**
 * The conformance suite every `Kernels` implementation runs against itself. Register each case with the test
 * runner: `for (const c of kernelConformanceCases(k)) it(c.name, c.run)`.
 */
export function kernelConformanceCases(kernels: Kernels, seed = 7): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const k = kernels;
  const add = (name: string, run: () => void) => cases.push({ name: `${k.name}: ${name}`, run });

  add('alloc gives zero-filled buffers of the asked shape', () => {
    for (const [r, c] of [
      [0, 0],
      [1, 1],
      [3, 7],
      [64, 129],
    ] as const) {
      const m = k.alloc(r, c);
      if (m.rows !== r || m.cols !== c || m.data.length !== r * c)
        fail(`alloc(${r}, ${c}) gave ${m.rows}×${m.cols}`);
      if (m.data.some((x) => x !== 0)) fail(`alloc(${r}, ${c}) is not zero-filled`);
      // Memory handed back and handed out again must be zeroed again.
      m.data.fill(7);
      k.free(m);
      const again = k.alloc(r, c);
      if (again.data.some((x) => x !== 0)) fail(`alloc(${r}, ${c}) after a free is not zero-filled`);
      k.free(again);
    }
  });

  for (const [M, K, N] of MATMUL_SHAPES) {
    for (const form of ['matmul', 'matmulTransA', 'matmulTransB'] as const) {
      add(`${form} ${M}×${K}·${K}×${N}`, () => {
        const rng = new Rng(seed + M * 7919 + K * 31 + N);
        const transA = form === 'matmulTransA';
        const transB = form === 'matmulTransB';
        const a = alloc(k, transA ? K : M, transA ? M : K, () => rng.uniform(-1, 1));
        const b = alloc(k, transB ? N : K, transB ? K : N, () => rng.uniform(-1, 1));
        // NaN-filled output: an element the kernel forgets to write fails the comparison.
        const out = alloc(k, M, N, () => Number.NaN);
        k[form](a, b, out);
        const ref = refMatmul(a.data, b.data, M, K, N, transA, transB);
        expectClose(
          `${form} ${M}×${K}×${N}`,
          out.data,
          ref.value,
          (i) => 2 * (K + 2) * F32 * (ref.magnitude[i] as number) + 1e-30,
        );
        for (const m of [a, b, out]) k.free(m);
      });
    }
  }

  add('matmul reads its inputs in place and leaves them untouched', () => {
    const rng = new Rng(seed);
    const a = alloc(k, 9, 13, () => rng.uniform(-2, 2));
    const b = alloc(k, 13, 11, () => rng.uniform(-2, 2));
    const [ca, cb] = [Float32Array.from(a.data), Float32Array.from(b.data)];
    const out = alloc(k, 9, 11, () => 0);
    k.matmul(a, b, out);
    expectClose('a after matmul', a.data, ca, () => 0);
    expectClose('b after matmul', b.data, cb, () => 0);
  });

  for (const act of ACTIVATIONS) {
    for (const [rows, cols] of ELEMENTWISE_SHAPES) {
      add(`biasActivation ${act.name} ${rows}×${cols}`, () => {
        const rng = new Rng(seed + rows * 131 + cols);
        // Include saturating inputs so stable formulations are required.
        const extremes = [-1000, -90, -30, 0, 30, 90, 1000];
        const zIn = Array.from({ length: rows * cols }, (_, i) =>
          i % 11 === 5 ? (extremes[i % extremes.length] as number) : rng.uniform(-4, 4),
        );
        const z = alloc(k, rows, cols, (i) => zIn[i] as number);
        const bias = vector(k, cols, () => rng.uniform(-1, 1));
        const a = alloc(k, rows, cols, () => Number.NaN);
        const zBefore = Float32Array.from(z.data);
        k.biasActivation(z, bias, act, a);
        const zRef = Float32Array.from(zBefore, (v, i) => v + (bias.data[i % cols] as number));
        expectClose(`biasActivation ${act.name} z`, z.data, zRef, relTol(zRef, 2 * F32, 0));
        const aRef = new Float64Array(rows * cols);
        for (let r = 0; r < rows; r++) {
          if (activationTable[act.name].kind === 'rowwise')
            aRef.set(refSoftmax(zRef, r * cols, cols), r * cols);
          else
            for (let j = 0; j < cols; j++)
              aRef[r * cols + j] = refActivation(act.name, zRef[r * cols + j] as number, act.alpha);
        }
        // Activations of float32 inputs: a few ulps of the output, plus an absolute floor for tiny values.
        expectClose(`biasActivation ${act.name} a`, a.data, aRef, relTol(aRef, 8 * F32, 1e-7));
        if (a.data.some((x) => Number.isNaN(x))) fail(`biasActivation ${act.name} produced NaN`);
      });

      add(`activationBackward ${act.name} ${rows}×${cols}`, () => {
        const rng = new Rng(seed + rows * 17 + cols * 3);
        const z = alloc(k, rows, cols, () => rng.uniform(-3, 3));
        const a = alloc(k, rows, cols, () => 0);
        const zeros = vector(k, cols, () => 0);
        k.biasActivation(z, zeros, act, a);
        const dA = alloc(k, rows, cols, () => rng.uniform(-1, 1));
        const dZ = alloc(k, rows, cols, () => Number.NaN);
        k.activationBackward(act, z, a, dA, dZ);
        const want = new Float64Array(rows * cols);
        for (let r = 0; r < rows; r++) {
          const o = r * cols;
          if (activationTable[act.name].kind === 'rowwise') {
            const s = refSoftmax(z.data, o, cols);
            // Full Jacobian J_jk = s_j(δ_jk − s_k), applied as Jᵀ·dA.
            for (let j = 0; j < cols; j++) {
              let acc = 0;
              for (let c = 0; c < cols; c++)
                acc += (s[c] as number) * ((c === j ? 1 : 0) - (s[j] as number)) * (dA.data[o + c] as number);
              want[o + j] = acc;
            }
          } else {
            for (let j = 0; j < cols; j++) {
              want[o + j] =
                (dA.data[o + j] as number) *
                refActivationDerivative(act.name, z.data[o + j] as number, act.alpha);
            }
          }
        }
        expectClose(
          `activationBackward ${act.name}`,
          dZ.data,
          want,
          (i) => 1e-6 + 32 * F32 * Math.abs(want[i] as number),
        );
        // In place: dZ aliasing dA must give the same.
        const alias = alloc(k, rows, cols, (i) => dA.data[i] as number);
        k.activationBackward(act, z, a, alias, alias);
        expectClose(`activationBackward ${act.name} in place`, alias.data, dZ.data, () => 0);
      });
    }
  }

  // The fused layer ops must be exactly their primitives in sequence: same inputs, bit-identical outputs.
  for (const act of ACTIVATIONS) {
    for (const [N, K, U] of [
      [1, 1, 1],
      [10, 2, 8],
      [7, 13, 5],
      [33, 17, 9],
      [64, 40, 10],
    ] as const) {
      add(`denseForward/denseBackward ${act.name} ${N}×${K}→${U}`, () => {
        const rng = new Rng(seed + N * 13 + K * 7 + U);
        const x = alloc(k, N, K, () => rng.uniform(-2, 2));
        const W = alloc(k, K, U, () => rng.uniform(-1, 1));
        const b = vector(k, U, () => rng.uniform(-0.5, 0.5));
        const dA = alloc(k, N, U, () => rng.uniform(-1, 1));
        const [z1, a1, z2, a2] = [0, 1, 2, 3].map(() => alloc(k, N, U, () => Number.NaN)) as [
          Matrix,
          Matrix,
          Matrix,
          Matrix,
        ];
        k.matmul(x, W, z1);
        k.biasActivation(z1, b, act, a1);
        k.denseForward(x, W, b, act, z2, a2);
        expectClose(`denseForward ${act.name} z`, z2.data, z1.data, () => 0);
        expectClose(`denseForward ${act.name} a`, a2.data, a1.data, () => 0);
        for (const dZReady of [false, true]) {
          const [dZ1, dZ2] = [0, 1].map(() =>
            alloc(k, N, U, (i) => (dZReady ? (dA.data[i] as number) : Number.NaN)),
          ) as [Matrix, Matrix];
          const [dW1, dW2] = [0, 1].map(() => alloc(k, K, U, () => Number.NaN)) as [Matrix, Matrix];
          const [db1, db2] = [0, 1].map(() => vector(k, U, () => Number.NaN)) as [Matrix, Matrix];
          const [dX1, dX2] = [0, 1].map(() => alloc(k, N, K, () => Number.NaN)) as [Matrix, Matrix];
          if (!dZReady) k.activationBackward(act, z1, a1, dA, dZ1);
          k.matmulTransA(x, dZ1, dW1);
          k.columnSums(dZ1, db1);
          k.matmulTransB(dZ1, W, dX1);
          k.denseBackward(act, x, W, z1, a1, dA, dZ2, dW2, db2, dX2, dZReady);
          const what = `denseBackward ${act.name}${dZReady ? ' (dZ ready)' : ''}`;
          expectClose(`${what} dZ`, dZ2.data, dZ1.data, () => 0);
          expectClose(`${what} dW`, dW2.data, dW1.data, () => 0);
          expectClose(`${what} db`, db2.data, db1.data, () => 0);
          expectClose(`${what} dX`, dX2.data, dX1.data, () => 0);
          // Without dX the parameter gradients are the same.
          k.denseBackward(act, x, W, z1, a1, dA, dZ2, dW2, db2, null, dZReady);
          expectClose(`${what} dW without dX`, dW2.data, dW1.data, () => 0);
        }
      });
    }
  }

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

  const lossKinds: LossKind[] = ['squaredError', 'sigmoidCrossEntropy', 'softmaxCrossEntropy'];
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
            if (kind === 'squaredError') {
              want += (p - y) ** 2;
              wantGrad[o + j] = 2 * scale * (p - y);
            } else if (kind === 'sigmoidCrossEntropy') {
              // log σ(p) = −log(1 + e^−p), evaluated on the side that does not overflow.
              const logSig = p >= 0 ? -Math.log1p(Math.exp(-p)) : p - Math.log1p(Math.exp(p));
              const log1mSig = logSig - p;
              want += -(y * logSig + (1 - y) * log1mSig);
              wantGrad[o + j] = scale * (refSigmoid(p) - y);
            } else {
              const max = Math.max(...Array.from(pred.data.subarray(o, o + cols)));
              let se = 0;
              for (let c = 0; c < cols; c++) se += Math.exp((pred.data[o + c] as number) - max);
              if (y !== 0) want -= y * (p - max - Math.log(se));
              wantGrad[o + j] = scale * ((s[j] as number) - y);
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

  for (const n of [1, 3, 4, 5, 8, 13, 64, 101]) {
    add(`optimizer updates length ${n}`, () => {
      const rng = new Rng(seed + n * 3);
      const w0 = Array.from({ length: n }, () => rng.uniform(-1, 1));
      const grads = [0, 1, 2].map(() => Array.from({ length: n }, () => rng.uniform(-1, 1)));
      // Handles only: every `.data` below is read where it is used, as the Kernels contract asks.
      const [sgdW, g, mw, vel, aw, m, v] = [0, 1, 2, 3, 4, 5, 6].map(() => vector(k, n, () => 0)) as [
        Matrix,
        Matrix,
        Matrix,
        Matrix,
        Matrix,
        Matrix,
        Matrix,
      ];
      const backups = [1, 2, 3].map((parts) => vector(k, parts * n, () => 0)) as [Matrix, Matrix, Matrix];
      /**
       * Each update must first copy what it changes into its backup (the old parameter, then each state buffer)
       * and report the new values finite.
       */
      const checked = (what: string, buffers: Matrix[], backup: Matrix, update: () => boolean) => {
        const old = buffers.flatMap((b) => Array.from(b.data));
        backup.data.fill(Number.NaN);
        if (update() !== true) fail(`${what} reported non-finite values for finite inputs`);
        expectClose(`${what} backup`, backup.data, old, () => 0);
      };
      sgdW.data.set(w0);
      mw.data.set(w0);
      aw.data.set(w0);
      const wantSgd = Float64Array.from(w0);
      for (const gs of grads) {
        g.data.set(gs);
        checked('sgdUpdate', [sgdW], backups[0], () => k.sgdUpdate(sgdW, g, 0.1, backups[0]));
        for (let i = 0; i < n; i++)
          wantSgd[i] = Math.fround((wantSgd[i] as number) - 0.1 * (g.data[i] as number));
      }
      expectClose('sgdUpdate', sgdW.data, wantSgd, relTol(wantSgd, 4 * F32, 1e-7));

      const wantW = Float64Array.from(w0);
      const wantV = new Float64Array(n);
      for (const gs of grads) {
        g.data.set(gs);
        checked('momentumUpdate', [mw, vel], backups[1], () =>
          k.momentumUpdate(mw, g, vel, 0.05, 0.9, backups[1]),
        );
        for (let i = 0; i < n; i++) {
          wantV[i] = 0.9 * (wantV[i] as number) - 0.05 * (g.data[i] as number);
          wantW[i] = (wantW[i] as number) + (wantV[i] as number);
        }
      }
      expectClose('momentumUpdate velocity', vel.data, wantV, relTol(wantV, 8 * F32, 1e-7));
      expectClose('momentumUpdate weights', mw.data, wantW, relTol(wantW, 8 * F32, 1e-7));

      const refW = Float64Array.from(w0);
      const refM = new Float64Array(n);
      const refV = new Float64Array(n);
      grads.forEach((gs, t) => {
        g.data.set(gs);
        checked('adamUpdate', [aw, m, v], backups[2], () =>
          k.adamUpdate(aw, g, m, v, 0.01, 0.9, 0.999, 1e-7, t + 1, backups[2]),
        );
        for (let i = 0; i < n; i++) {
          const gi = g.data[i] as number;
          refM[i] = 0.9 * (refM[i] as number) + 0.1 * gi;
          refV[i] = 0.999 * (refV[i] as number) + 0.001 * gi * gi;
          const mh = (refM[i] as number) / (1 - 0.9 ** (t + 1));
          const vh = (refV[i] as number) / (1 - 0.999 ** (t + 1));
          refW[i] = (refW[i] as number) - (0.01 * mh) / (Math.sqrt(vh) + 1e-7);
        }
      });
      expectClose('adamUpdate m', m.data, refM, relTol(refM, 16 * F32, 1e-8));
      expectClose('adamUpdate v', v.data, refV, relTol(refV, 16 * F32, 1e-10));
      expectClose('adamUpdate weights', aw.data, refW, relTol(refW, 16 * F32, 1e-7));
    });
  }

  for (const n of [1, 3, 4, 5, 9, 17]) {
    add(`optimizer updates report non-finite results, length ${n}`, () => {
      for (const at of [0, n - 1, Math.floor(n / 2)]) {
        const [w, g, s1, s2] = [0, 1, 2, 3].map(() => vector(k, n, () => 0.5)) as [
          Matrix,
          Matrix,
          Matrix,
          Matrix,
        ];
        const updates: [string, () => boolean][] = [
          ['sgdUpdate', () => k.sgdUpdate(w, g, 1e30, null)],
          ['momentumUpdate', () => k.momentumUpdate(w, g, s1, 1e30, 0.9, null)],
          ['adamUpdate', () => k.adamUpdate(w, g, s1, s2, 0.1, 0.9, 0.999, 1e-7, 1, null)],
        ];
        for (const [name, update] of updates) {
          w.data.fill(0.5);
          g.data.fill(0.5);
          s1.data.fill(0);
          s2.data.fill(0);
          // Overflow: a huge step at one position (Adam normalizes the step, so it gets a NaN gradient there).
          if (name === 'adamUpdate') g.data[at] = Number.NaN;
          else g.data[at] = 1e30;
          if (update() !== false)
            fail(`${name} with a non-finite result at ${at} of ${n} reported all finite`);
        }
      }
    });
  }

  add('matmul forms follow IEEE: 0·NaN is NaN and 0·∞ is NaN (no skipped zeros)', () => {
    for (const form of ['matmul', 'matmulTransA', 'matmulTransB'] as const) {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
        // a is all zeros; one element of b is bad. Every output that reads it must be NaN, the rest 0.
        const [M, K, N] = [6, 9, 10];
        const transA = form === 'matmulTransA';
        const transB = form === 'matmulTransB';
        const a = alloc(k, transA ? K : M, transA ? M : K, () => 0);
        const b = alloc(k, transB ? N : K, transB ? K : N, () => 1);
        const [kBad, nBad] = [4, 7];
        b.data[transB ? nBad * K + kBad : kBad * N + nBad] = bad;
        const out = alloc(k, M, N, () => 5);
        k[form](a, b, out);
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < N; j++) {
            const got = out.data[i * N + j] as number;
            const ok = j === nBad ? Number.isNaN(got) : got === 0;
            if (!ok)
              fail(`${form} with 0·${bad}: out[${i}][${j}] is ${got}, expected ${j === nBad ? 'NaN' : 0}`);
          }
        }
        for (const m of [a, b, out]) k.free(m);
      }
    }
  });

  add('unknown activation and loss names are refused with UNKNOWN_NAME', () => {
    const expectUnknown = (what: string, run: () => unknown) => {
      try {
        run();
      } catch (err) {
        if (err instanceof ChainruleError && err.code === 'UNKNOWN_NAME') return;
        fail(`${what}: threw ${String(err)}, expected a ChainruleError with code UNKNOWN_NAME`);
      }
      fail(`${what}: ran an unknown name instead of refusing it`);
    };
    const bogus = { name: 'swoosh', alpha: 0 } as unknown as Activation;
    const z = alloc(k, 2, 3, () => 0.5);
    const a = alloc(k, 2, 3, () => 0);
    const b = vector(k, 3, () => 0);
    const W = alloc(k, 3, 3, () => 0.1);
    expectUnknown('biasActivation', () => k.biasActivation(z, b, bogus, a));
    expectUnknown('activationBackward', () => k.activationBackward(bogus, z, a, a, a));
    expectUnknown('denseForward', () => k.denseForward(z, W, b, bogus, a, a));
    expectUnknown('loss', () => k.loss('hinge' as LossKind, z, a, a, 1));
    for (const m of [z, a, b, W]) k.free(m);
  });

  add('a handle stays right across allocations that grow memory', () => {
    // Kernels may move or re-map their memory when it grows; the handles they gave out must follow.
    const rng = new Rng(seed + 99);
    const x = alloc(k, 3, 5, () => rng.uniform(-1, 1));
    const W = alloc(k, 5, 4, () => rng.uniform(-1, 1));
    const bias = vector(k, 4, () => rng.uniform(-1, 1));
    const want = Array.from(x.data);
    const grown = Array.from({ length: 24 }, (_, i) => k.alloc(64 * (i + 1), 257));
    expectClose('x after allocations', x.data, want, () => 0);
    const z = alloc(k, 3, 4, () => Number.NaN);
    const a = alloc(k, 3, 4, () => Number.NaN);
    k.denseForward(x, W, bias, { name: 'linear', alpha: 0 }, z, a);
    const ref = refMatmul(x.data, W.data, 3, 5, 4, false, false);
    const zRef = Array.from(ref.value, (v, i) => v + (bias.data[i % 4] as number));
    expectClose(
      'denseForward after allocations',
      z.data,
      zRef,
      (i) => 1e-6 + 8 * F32 * Math.abs(zRef[i] as number),
    );
    for (const m of [...grown, x, W, bias, z, a]) k.free(m);
  });

  return cases;
}
