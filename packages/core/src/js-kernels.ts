import { type ActivationEntry, activationTable, type ResolvedActivation } from './activations.js';
import { expectLength, expectShape } from './checks.js';
import { ChainruleError } from './errors.js';
import type { Kernels, LossKind } from './kernels.js';
import { lossKindTable } from './losses.js';
import { Matrix } from './matrix.js';

/** The activation's table entry, or UNKNOWN_NAME (never a silent default). */
function entryOf(op: string, activation: ResolvedActivation): ActivationEntry {
  const entry = Object.hasOwn(activationTable, activation.name)
    ? activationTable[activation.name]
    : undefined;
  if (!entry) {
    throw new ChainruleError('UNKNOWN_NAME', `${op}: unknown activation ${JSON.stringify(activation.name)}`);
  }
  return entry;
}

/**
 * A float64 accumulator reused across calls, so the reference kernels allocate nothing per call either: its first
 * `length` entries are zeroed; it may be longer, so callers index it and copy out element by element.
 */
let scratch = new Float64Array(256);
function accumulator(length: number): Float64Array {
  if (scratch.length < length) scratch = new Float64Array(Math.max(length, scratch.length * 2));
  scratch.fill(0, 0, length);
  return scratch;
}

/** Rounds acc[0…n) to float32 into out at `offset`. */
function store(acc: Float64Array, out: Float32Array, offset: number, n: number): void {
  for (let j = 0; j < n; j++) out[offset + j] = acc[j] as number;
}

/**
 * The reference kernels: plain loops over Float32Arrays, written for clarity first. They are the oracle the
 * WebAssembly kernels are tested against, so every loop is the textbook formula. Sums accumulate in float64
 * (JS numbers) and round once when stored.
 */
export const jsKernels: Kernels = {
  name: 'js',

  alloc: (rows, cols) => new Matrix(rows, cols),
  free: () => {},

  matmul(a, b, out) {
    const M = a.rows;
    const K = a.cols;
    const N = b.cols;
    expectShape('matmul', 'b', b, K, N);
    expectShape('matmul', 'out', out, M, N);
    const A = a.data;
    const B = b.data;
    const C = out.data;
    const row = accumulator(N);
    // i-k-j order: the inner loop walks rows of b and out contiguously.
    for (let i = 0; i < M; i++) {
      row.fill(0, 0, N);
      for (let k = 0; k < K; k++) {
        const aik = A[i * K + k] as number;
        const bOff = k * N;
        for (let j = 0; j < N; j++) row[j] = (row[j] as number) + aik * (B[bOff + j] as number);
      }
      store(row, C, i * N, N);
    }
  },

  matmulTransA(a, b, out) {
    const K = a.rows;
    const M = a.cols;
    const N = b.cols;
    expectShape('matmulTransA', 'b', b, K, N);
    expectShape('matmulTransA', 'out', out, M, N);
    const A = a.data;
    const B = b.data;
    const acc = accumulator(M * N);
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < M; i++) {
        const aki = A[k * M + i] as number;
        const o = i * N;
        const bOff = k * N;
        for (let j = 0; j < N; j++) acc[o + j] = (acc[o + j] as number) + aki * (B[bOff + j] as number);
      }
    }
    store(acc, out.data, 0, M * N);
  },

  matmulTransB(a, b, out) {
    const M = a.rows;
    const K = a.cols;
    const N = b.rows;
    expectShape('matmulTransB', 'b', b, N, K);
    expectShape('matmulTransB', 'out', out, M, N);
    const A = a.data;
    const B = b.data;
    const C = out.data;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += (A[i * K + k] as number) * (B[j * K + k] as number);
        C[i * N + j] = s;
      }
    }
  },

  biasActivation(z, bias, activation, a) {
    const N = z.rows;
    const U = z.cols;
    expectShape('biasActivation', 'bias', bias, 1, U);
    expectShape('biasActivation', 'a', a, N, U);
    const f = entryOf('biasActivation', activation);
    const Z = z.data;
    const A = a.data;
    const B = bias.data;
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < U; j++) Z[i * U + j] = (Z[i * U + j] as number) + (B[j] as number);
    }
    if (f.kind === 'rowwise') {
      for (let i = 0; i < N; i++) f.forwardRow(Z, A, i * U, U);
      return;
    }
    for (let i = 0; i < Z.length; i++) A[i] = f.output(Z[i] as number, activation.alpha);
  },

  activationBackward(activation, z, a, dA, dZ) {
    const N = z.rows;
    const U = z.cols;
    expectShape('activationBackward', 'a', a, N, U);
    expectShape('activationBackward', 'dA', dA, N, U);
    expectShape('activationBackward', 'dZ', dZ, N, U);
    const f = entryOf('activationBackward', activation);
    if (f.kind === 'rowwise') {
      for (let i = 0; i < N; i++) f.backwardRow(a.data, dA.data, dZ.data, i * U, U);
      return;
    }
    const Z = z.data;
    const A = a.data;
    const G = dA.data;
    const D = dZ.data;
    for (let i = 0; i < Z.length; i++) {
      D[i] = (G[i] as number) * f.derivative(Z[i] as number, A[i] as number, activation.alpha);
    }
  },

  denseForward(x, W, bias, activation, z, a) {
    entryOf('denseForward', activation); // refused before anything is written
    this.matmul(x, W, z);
    this.biasActivation(z, bias, activation, a);
  },

  denseBackward(activation, x, W, z, a, dA, dZ, dW, db, dX, dZReady) {
    // Refused even when ∂J/∂Z is ready, as the WebAssembly kernels do (otherwise activationBackward refuses it).
    if (dZReady) entryOf('denseBackward', activation);
    if (!dZReady) this.activationBackward(activation, z, a, dA, dZ);
    this.matmulTransA(x, dZ, dW);
    this.columnSums(dZ, db);
    if (dX) this.matmulTransB(dZ, W, dX);
  },

  columnSums(m, out) {
    expectShape('columnSums', 'out', out, 1, m.cols);
    const acc = accumulator(m.cols);
    const D = m.data;
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < m.cols; j++) acc[j] = (acc[j] as number) + (D[i * m.cols + j] as number);
    }
    store(acc, out.data, 0, m.cols);
  },

  allFinite(values) {
    return allFiniteIn(values.data);
  },

  loss(kind: LossKind, pred, target, grad, scale) {
    const entry = Object.hasOwn(lossKindTable, kind) ? lossKindTable[kind] : undefined;
    if (!entry) throw new ChainruleError('UNKNOWN_NAME', `loss: unknown loss kind ${JSON.stringify(kind)}`);
    const N = pred.rows;
    const K = pred.cols;
    expectShape(`loss ${kind}`, 'target', target, N, K);
    expectShape(`loss ${kind}`, 'grad', grad, N, K);
    const P = pred.data;
    const Y = target.data;
    const G = grad.data;
    const total = entry.sum(P, Y, G, N, K, scale);
    return scale * total;
  },

  regularize(param, grad, l1, l2) {
    expectShape('regularize', 'grad', grad, param.rows, param.cols);
    const W = param.data;
    const G = grad.data;
    let penalty = 0;
    for (let i = 0; i < W.length; i++) {
      const w = W[i] as number;
      penalty += l1 * Math.abs(w) + 0.5 * l2 * w * w;
      G[i] = (G[i] as number) + l1 * Math.sign(w) + l2 * w;
    }
    return penalty;
  },

  sgdUpdate(param, grad, learningRate, backup) {
    const n = param.data.length;
    expectShape('sgdUpdate', 'grad', grad, param.rows, param.cols);
    if (backup) expectLength('sgdUpdate', 'backup', backup, n);
    const W = param.data;
    const G = grad.data;
    if (backup) backup.data.set(W);
    for (let i = 0; i < n; i++) W[i] = (W[i] as number) - learningRate * (G[i] as number);
    return allFiniteIn(W);
  },

  momentumUpdate(param, grad, velocity, learningRate, momentum, backup) {
    const n = param.data.length;
    expectShape('momentumUpdate', 'grad', grad, param.rows, param.cols);
    expectShape('momentumUpdate', 'velocity', velocity, param.rows, param.cols);
    if (backup) expectLength('momentumUpdate', 'backup', backup, 2 * n);
    const W = param.data;
    const G = grad.data;
    const V = velocity.data;
    if (backup) {
      backup.data.set(W, 0);
      backup.data.set(V, n);
    }
    for (let i = 0; i < n; i++) {
      const v = momentum * (V[i] as number) - learningRate * (G[i] as number);
      V[i] = v;
      W[i] = (W[i] as number) + v;
    }
    return allFiniteIn(W);
  },

  adamUpdate(param, grad, m, v, learningRate, beta1, beta2, epsilon, step, backup) {
    const n = param.data.length;
    expectShape('adamUpdate', 'grad', grad, param.rows, param.cols);
    expectShape('adamUpdate', 'm', m, param.rows, param.cols);
    expectShape('adamUpdate', 'v', v, param.rows, param.cols);
    if (backup) expectLength('adamUpdate', 'backup', backup, 3 * n);
    const W = param.data;
    const G = grad.data;
    const M1 = m.data;
    const M2 = v.data;
    if (backup) {
      backup.data.set(W, 0);
      backup.data.set(M1, n);
      backup.data.set(M2, 2 * n);
    }
    const c1 = 1 - beta1 ** step;
    const c2 = 1 - beta2 ** step;
    for (let i = 0; i < n; i++) {
      const g = G[i] as number;
      const mi = beta1 * (M1[i] as number) + (1 - beta1) * g;
      const vi = beta2 * (M2[i] as number) + (1 - beta2) * g * g;
      M1[i] = mi;
      M2[i] = vi;
      W[i] = (W[i] as number) - (learningRate * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
    }
    return allFiniteIn(W);
  },
};

function allFiniteIn(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i] as number)) return false;
  return true;
}
