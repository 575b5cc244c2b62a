import { ChainruleError, type Kernels, Matrix } from '@chainrule/core';
import { activationCode, lossCode } from './codes.js';
import { Heap } from './heap.js';

/** The module's exports (assembly/index.ts). Pointers are byte offsets into `memory`. */
export interface KernelExports {
  /** The module's memory; JS owns its layout. */
  memory: WebAssembly.Memory;
  /** First byte the JS heap may use. */
  heapBase(): number;
  /** Bytes of scratch the matmul driver needs. */
  gemmScratchBytes(): number;
  /** Tells the matmul driver where its scratch is. */
  setScratch(ptr: number): void;
  /** out = a·b (assembly/matmul.ts). */
  matmul(a: number, b: number, out: number, M: number, K: number, N: number): void;
  /** out = aᵀ·b. */
  matmulTransA(a: number, b: number, out: number, M: number, K: number, N: number): void;
  /** out = a·bᵀ. */
  matmulTransB(a: number, b: number, out: number, M: number, K: number, N: number): void;
  /** z += b; a = φ(z) (assembly/activations.ts). */
  biasActivation(
    z: number,
    bias: number,
    a: number,
    rows: number,
    cols: number,
    kind: number,
    alpha: number,
  ): void;
  /** dZ = dA ⊙ φ′. */
  activationBackward(
    z: number,
    a: number,
    dA: number,
    dZ: number,
    rows: number,
    cols: number,
    kind: number,
    alpha: number,
  ): void;
  /** Z = X·W + b, A = φ(Z) in one call (assembly/dense.ts). */
  denseForward(
    x: number,
    w: number,
    b: number,
    z: number,
    a: number,
    N: number,
    K: number,
    U: number,
    kind: number,
    alpha: number,
  ): void;
  /** A dense layer's backward pass in one call. */
  denseBackward(
    x: number,
    w: number,
    z: number,
    a: number,
    dA: number,
    dZ: number,
    dW: number,
    db: number,
    dX: number,
    N: number,
    K: number,
    U: number,
    kind: number,
    alpha: number,
    dZReady: number,
    wantDX: number,
  ): void;
  /** out_j = Σ_i m_ij (assembly/reductions.ts). */
  columnSums(m: number, out: number, rows: number, cols: number): void;
  /** 1 if every value is finite, else 0. */
  allFinite(p: number, n: number): number;
  /** scale·Σℓ, with the gradient written to grad. */
  loss(
    kind: number,
    pred: number,
    target: number,
    grad: number,
    rows: number,
    cols: number,
    scale: number,
  ): number;
  /** Adds the L1/L2 gradient; returns the penalty. */
  regularize(param: number, grad: number, n: number, l1: number, l2: number): number;
  /** w ← w − η·g (assembly/optimizers.ts). */
  sgdUpdate(param: number, grad: number, n: number, lr: number): void;
  /** v ← μ·v − η·g; w ← w + v. */
  momentumUpdate(param: number, grad: number, velocity: number, n: number, lr: number, mu: number): void;
  /** One Adam step at step t. */
  adamUpdate(
    param: number,
    grad: number,
    m: number,
    v: number,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    step: number,
  ): void;
}

/** Which build is running: fused multiply-add (relaxed SIMD) or plain SIMD. */
export type WasmVariant = 'relaxed-simd' | 'simd';

/** `Kernels` backed by the WebAssembly module, plus what it knows about its memory. */
export interface WasmKernels extends Kernels {
  readonly variant: WasmVariant;
  readonly memory: WebAssembly.Memory;
  /** Bytes of allocated buffers (including the kernels' own scratch). */
  readonly bytesInUse: number;
  /** Size of the WebAssembly memory in bytes. */
  readonly memoryBytes: number;
}

function expectShape(op: string, what: string, m: Matrix, rows: number, cols: number): void {
  if (m.rows !== rows || m.cols !== cols) {
    throw new ChainruleError('SHAPE', `${op}: ${what} is ${m.rows}×${m.cols}, expected ${rows}×${cols}`);
  }
}

function expectLength(op: string, what: string, v: Float32Array, length: number): void {
  if (v.length !== length)
    throw new ChainruleError('SHAPE', `${op}: ${what} has length ${v.length}, expected ${length}`);
}

/**
 * Implements `Kernels` on an instantiated module. JS owns the memory layout (see `Heap`); each op passes byte
 * offsets and sizes to the exports, so a call copies nothing and allocates nothing on the JS heap.
 */
export function createWasmKernels(exports: KernelExports, variant: WasmVariant): WasmKernels {
  const memory = exports.memory;
  /** Every live matrix by its pointer, so views can be rebuilt after the memory grows. */
  const live = new Map<number, Matrix>();
  // memory.buffer is a slow getter; the current buffer is cached and replaced when the memory grows.
  let buffer = memory.buffer;
  const heap = new Heap(memory, exports.heapBase(), () => {
    buffer = memory.buffer;
    for (const [ptr, m] of live) m.data = new Float32Array(buffer, ptr, m.rows * m.cols);
  });
  exports.setScratch(heap.alloc(exports.gemmScratchBytes()));

  /** The byte offset of a view, after checking it really is a view into this module's memory. */
  const ptr = (op: string, what: string, v: Float32Array): number => {
    if (v.buffer !== buffer) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `${op}: ${what} is not in this WebAssembly memory (allocate it with kernels.alloc, and read matrix.data afresh after allocating)`,
      );
    }
    return v.byteOffset;
  };

  const matmulForm =
    (op: 'matmul' | 'matmulTransA' | 'matmulTransB') =>
    (a: Matrix, b: Matrix, out: Matrix): void => {
      const M = op === 'matmulTransA' ? a.cols : a.rows;
      const K = op === 'matmulTransA' ? a.rows : a.cols;
      const N = op === 'matmulTransB' ? b.rows : b.cols;
      if (op === 'matmulTransB') expectShape(op, 'b', b, N, K);
      else expectShape(op, 'b', b, K, N);
      expectShape(op, 'out', out, M, N);
      exports[op](ptr(op, 'a', a.data), ptr(op, 'b', b.data), ptr(op, 'out', out.data), M, K, N);
    };

  return {
    name: `wasm-${variant}`,
    variant,
    memory,
    get bytesInUse() {
      return heap.bytesInUse;
    },
    get memoryBytes() {
      return memory.buffer.byteLength;
    },

    alloc(rows, cols) {
      const m = new Matrix(rows, cols);
      const p = heap.alloc(rows * cols * 4);
      m.data = new Float32Array(buffer, p, rows * cols);
      m.data.fill(0); // the block may be one freed earlier
      live.set(p, m);
      return m;
    },

    free(m) {
      const p = ptr('free', 'the matrix', m.data);
      if (live.get(p) !== m)
        throw new ChainruleError(
          'INVALID_OPTION',
          'free: this matrix was not allocated here, or was freed already',
        );
      live.delete(p);
      heap.release(p);
    },

    matmul: matmulForm('matmul'),
    matmulTransA: matmulForm('matmulTransA'),
    matmulTransB: matmulForm('matmulTransB'),

    biasActivation(z, bias, activation, a) {
      expectLength('biasActivation', 'bias', bias, z.cols);
      expectShape('biasActivation', 'a', a, z.rows, z.cols);
      exports.biasActivation(
        ptr('biasActivation', 'z', z.data),
        ptr('biasActivation', 'bias', bias),
        ptr('biasActivation', 'a', a.data),
        z.rows,
        z.cols,
        activationCode(activation.name),
        activation.alpha,
      );
    },

    activationBackward(activation, z, a, dA, dZ) {
      expectShape('activationBackward', 'a', a, z.rows, z.cols);
      expectShape('activationBackward', 'dA', dA, z.rows, z.cols);
      expectShape('activationBackward', 'dZ', dZ, z.rows, z.cols);
      exports.activationBackward(
        ptr('activationBackward', 'z', z.data),
        ptr('activationBackward', 'a', a.data),
        ptr('activationBackward', 'dA', dA.data),
        ptr('activationBackward', 'dZ', dZ.data),
        z.rows,
        z.cols,
        activationCode(activation.name),
        activation.alpha,
      );
    },

    denseForward(x, W, bias, activation, z, a) {
      const N = x.rows;
      const K = x.cols;
      const U = W.cols;
      expectShape('denseForward', 'W', W, K, U);
      expectLength('denseForward', 'bias', bias, U);
      expectShape('denseForward', 'z', z, N, U);
      expectShape('denseForward', 'a', a, N, U);
      exports.denseForward(
        ptr('denseForward', 'x', x.data),
        ptr('denseForward', 'W', W.data),
        ptr('denseForward', 'bias', bias),
        ptr('denseForward', 'z', z.data),
        ptr('denseForward', 'a', a.data),
        N,
        K,
        U,
        activationCode(activation.name),
        activation.alpha,
      );
    },

    denseBackward(activation, x, W, z, a, dA, dZ, dW, db, dX, dZReady) {
      const N = x.rows;
      const K = x.cols;
      const U = W.cols;
      expectShape('denseBackward', 'W', W, K, U);
      expectShape('denseBackward', 'z', z, N, U);
      expectShape('denseBackward', 'a', a, N, U);
      expectShape('denseBackward', 'dA', dA, N, U);
      expectShape('denseBackward', 'dZ', dZ, N, U);
      expectShape('denseBackward', 'dW', dW, K, U);
      expectLength('denseBackward', 'db', db, U);
      if (dX) expectShape('denseBackward', 'dX', dX, N, K);
      exports.denseBackward(
        ptr('denseBackward', 'x', x.data),
        ptr('denseBackward', 'W', W.data),
        ptr('denseBackward', 'z', z.data),
        ptr('denseBackward', 'a', a.data),
        ptr('denseBackward', 'dA', dA.data),
        ptr('denseBackward', 'dZ', dZ.data),
        ptr('denseBackward', 'dW', dW.data),
        ptr('denseBackward', 'db', db),
        dX ? ptr('denseBackward', 'dX', dX.data) : 0,
        N,
        K,
        U,
        activationCode(activation.name),
        activation.alpha,
        dZReady ? 1 : 0,
        dX ? 1 : 0,
      );
    },

    columnSums(m, out) {
      expectLength('columnSums', 'out', out, m.cols);
      exports.columnSums(ptr('columnSums', 'm', m.data), ptr('columnSums', 'out', out), m.rows, m.cols);
    },

    allFinite(values) {
      // An i32 comes back as a small integer: nothing to box, unlike an f64.
      return exports.allFinite(ptr('allFinite', 'values', values), values.length) === 1;
    },

    loss(kind, pred, target, grad, scale) {
      expectShape(`loss ${kind}`, 'target', target, pred.rows, pred.cols);
      expectShape(`loss ${kind}`, 'grad', grad, pred.rows, pred.cols);
      return exports.loss(
        lossCode(kind),
        ptr('loss', 'pred', pred.data),
        ptr('loss', 'target', target.data),
        ptr('loss', 'grad', grad.data),
        pred.rows,
        pred.cols,
        scale,
      );
    },

    regularize(param, grad, l1, l2) {
      expectLength('regularize', 'grad', grad, param.length);
      return exports.regularize(
        ptr('regularize', 'param', param),
        ptr('regularize', 'grad', grad),
        param.length,
        l1,
        l2,
      );
    },

    sgdUpdate(param, grad, learningRate) {
      expectLength('sgdUpdate', 'grad', grad, param.length);
      exports.sgdUpdate(
        ptr('sgdUpdate', 'param', param),
        ptr('sgdUpdate', 'grad', grad),
        param.length,
        learningRate,
      );
    },

    momentumUpdate(param, grad, velocity, learningRate, momentum) {
      expectLength('momentumUpdate', 'grad', grad, param.length);
      expectLength('momentumUpdate', 'velocity', velocity, param.length);
      exports.momentumUpdate(
        ptr('momentumUpdate', 'param', param),
        ptr('momentumUpdate', 'grad', grad),
        ptr('momentumUpdate', 'velocity', velocity),
        param.length,
        learningRate,
        momentum,
      );
    },

    adamUpdate(param, grad, m, v, learningRate, beta1, beta2, epsilon, step) {
      expectLength('adamUpdate', 'grad', grad, param.length);
      expectLength('adamUpdate', 'm', m, param.length);
      expectLength('adamUpdate', 'v', v, param.length);
      exports.adamUpdate(
        ptr('adamUpdate', 'param', param),
        ptr('adamUpdate', 'grad', grad),
        ptr('adamUpdate', 'm', m),
        ptr('adamUpdate', 'v', v),
        param.length,
        learningRate,
        beta1,
        beta2,
        epsilon,
        step,
      );
    },
  };
}
