import {
  ChainruleError,
  expectLength,
  expectShape,
  type Kernels,
  type LossKind,
  Matrix,
  type ResolvedActivation,
} from '@chainrule/core';
import { activationCode, lossCode } from './codes.js';
import { Heap } from './heap.js';
import type { KernelExports } from './kernel-exports.js';

export type { KernelExports };

/** Which build is running: fused multiply-add (relaxed SIMD) or plain SIMD. */
export type WasmVariant = 'relaxed-simd' | 'simd';

/** `Kernels` backed by the WebAssembly module, plus what it knows about its memory. */
export interface WasmKernels extends Kernels {
  readonly variant: WasmVariant;
  /** The growth stress mode (`loadWasmKernels({ growEveryAlloc: true })`): every `alloc` grows the memory. */
  readonly growEveryAlloc: boolean;
  readonly memory: WebAssembly.Memory;
  /** Bytes of allocated buffers (including the kernels' own scratch). */
  readonly bytesInUse: number;
  /** Size of the WebAssembly memory in bytes. */
  readonly memoryBytes: number;
}

/** A matrix in WebAssembly memory that knows its byte offset and the kernels that own it. */
class WasmMatrix extends Matrix {
  freed = false;
  constructor(
    rows: number,
    cols: number,
    data: Float32Array,
    readonly ptr: number,
    readonly owner: object,
  ) {
    super(rows, cols, data);
  }
}

/**
 * Implements `Kernels` on an instantiated module. JS owns the memory layout (see `Heap`); each op passes byte
 * offsets and sizes to the exports, so a call copies nothing and allocates nothing on the JS heap. A class, so every
 * instance shares its methods: call sites in a model stay monomorphic across kernels instances.
 */
class WasmKernelsImpl implements WasmKernels {
  readonly name: string;
  readonly memory: WebAssembly.Memory;
  /** Every live matrix by its pointer, so views can be rebuilt after the memory grows. */
  private readonly live = new Map<number, Matrix>();
  /** memory.buffer is a slow getter; the current buffer is cached and replaced when the memory grows. */
  private buffer: ArrayBuffer;
  private readonly heap: Heap;

  constructor(
    private readonly x: KernelExports,
    readonly variant: WasmVariant,
    readonly growEveryAlloc: boolean,
  ) {
    this.name = `wasm-${variant}`;
    this.memory = x.memory;
    this.buffer = x.memory.buffer;
    this.heap = new Heap(
      x.memory,
      x.heapBase(),
      () => {
        this.buffer = this.memory.buffer;
        for (const [p, m] of this.live) m.data = new Float32Array(this.buffer, p, m.rows * m.cols);
      },
      growEveryAlloc,
    );
    x.setScratch(this.heap.alloc(x.gemmScratchBytes()));
  }

  get bytesInUse(): number {
    return this.heap.bytesInUse;
  }

  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * The byte offset of a matrix this instance allocated: a field read, not a typed-array property (which costs more
   * than some small kernels). Any other matrix goes through `ptr`'s check.
   */
  private mptr(op: string, what: string, m: Matrix): number {
    if (m instanceof WasmMatrix && m.owner === this) {
      if (m.freed) throw new ChainruleError('INVALID_OPTION', `${op}: ${what} was freed (kernels.free)`);
      return m.ptr;
    }
    return this.ptr(op, what, m.data);
  }

  /** The byte offset of a view, after checking it really is a view into this module's memory. */
  private ptr(op: string, what: string, v: Float32Array): number {
    if (v.buffer !== this.buffer) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `${op}: ${what} is not in this WebAssembly memory (pass the matrix kernels.alloc returned: its data follows the memory when it grows)`,
      );
    }
    return v.byteOffset;
  }

  private product(op: 'matmul' | 'matmulTransA' | 'matmulTransB', a: Matrix, b: Matrix, out: Matrix): void {
    const M = op === 'matmulTransA' ? a.cols : a.rows;
    const K = op === 'matmulTransA' ? a.rows : a.cols;
    const N = op === 'matmulTransB' ? b.rows : b.cols;
    if (op === 'matmulTransB') expectShape(op, 'b', b, N, K);
    else expectShape(op, 'b', b, K, N);
    expectShape(op, 'out', out, M, N);
    this.x[op](this.mptr(op, 'a', a), this.mptr(op, 'b', b), this.mptr(op, 'out', out), M, K, N);
  }

  alloc(rows: number, cols: number): Matrix {
    const p = this.heap.alloc(rows * cols * 4);
    const m = new WasmMatrix(rows, cols, new Float32Array(this.buffer, p, rows * cols), p, this);
    m.data.fill(0); // the block may be one freed earlier
    this.live.set(p, m);
    return m;
  }

  free(m: Matrix): void {
    const p = m instanceof WasmMatrix && m.owner === this ? m.ptr : this.ptr('free', 'the matrix', m.data);
    if (this.live.get(p) !== m)
      throw new ChainruleError(
        'INVALID_OPTION',
        'free: this matrix was not allocated here, or was freed already',
      );
    this.live.delete(p);
    this.heap.release(p);
    if (m instanceof WasmMatrix) m.freed = true;
  }

  matmul(a: Matrix, b: Matrix, out: Matrix) {
    this.product('matmul', a, b, out);
  }

  matmulTransA(a: Matrix, b: Matrix, out: Matrix) {
    this.product('matmulTransA', a, b, out);
  }

  matmulTransB(a: Matrix, b: Matrix, out: Matrix) {
    this.product('matmulTransB', a, b, out);
  }

  biasActivation(z: Matrix, bias: Matrix, activation: ResolvedActivation, a: Matrix): void {
    expectShape('biasActivation', 'bias', bias, 1, z.cols);
    expectShape('biasActivation', 'a', a, z.rows, z.cols);
    this.x.biasActivation(
      this.mptr('biasActivation', 'z', z),
      this.mptr('biasActivation', 'bias', bias),
      this.mptr('biasActivation', 'a', a),
      z.rows,
      z.cols,
      activationCode('biasActivation', activation.name),
      activation.alpha,
    );
  }

  activationBackward(activation: ResolvedActivation, z: Matrix, a: Matrix, dA: Matrix, dZ: Matrix): void {
    expectShape('activationBackward', 'a', a, z.rows, z.cols);
    expectShape('activationBackward', 'dA', dA, z.rows, z.cols);
    expectShape('activationBackward', 'dZ', dZ, z.rows, z.cols);
    this.x.activationBackward(
      this.mptr('activationBackward', 'z', z),
      this.mptr('activationBackward', 'a', a),
      this.mptr('activationBackward', 'dA', dA),
      this.mptr('activationBackward', 'dZ', dZ),
      z.rows,
      z.cols,
      activationCode('activationBackward', activation.name),
      activation.alpha,
    );
  }

  denseForward(
    x: Matrix,
    W: Matrix,
    bias: Matrix,
    activation: ResolvedActivation,
    z: Matrix,
    a: Matrix,
  ): void {
    const N = x.rows;
    const K = x.cols;
    const U = W.cols;
    expectShape('denseForward', 'W', W, K, U);
    expectShape('denseForward', 'bias', bias, 1, U);
    expectShape('denseForward', 'z', z, N, U);
    expectShape('denseForward', 'a', a, N, U);
    this.x.denseForward(
      this.mptr('denseForward', 'x', x),
      this.mptr('denseForward', 'W', W),
      this.mptr('denseForward', 'bias', bias),
      this.mptr('denseForward', 'z', z),
      this.mptr('denseForward', 'a', a),
      N,
      K,
      U,
      activationCode('denseForward', activation.name),
      activation.alpha,
    );
  }

  denseBackward(
    activation: ResolvedActivation,
    x: Matrix,
    W: Matrix,
    z: Matrix,
    a: Matrix,
    dA: Matrix,
    dZ: Matrix,
    dW: Matrix,
    db: Matrix,
    dX: Matrix | null,
    dZReady: boolean,
  ): void {
    const N = x.rows;
    const K = x.cols;
    const U = W.cols;
    expectShape('denseBackward', 'W', W, K, U);
    expectShape('denseBackward', 'z', z, N, U);
    expectShape('denseBackward', 'a', a, N, U);
    expectShape('denseBackward', 'dA', dA, N, U);
    expectShape('denseBackward', 'dZ', dZ, N, U);
    expectShape('denseBackward', 'dW', dW, K, U);
    expectShape('denseBackward', 'db', db, 1, U);
    if (dX) expectShape('denseBackward', 'dX', dX, N, K);
    this.x.denseBackward(
      this.mptr('denseBackward', 'x', x),
      this.mptr('denseBackward', 'W', W),
      this.mptr('denseBackward', 'z', z),
      this.mptr('denseBackward', 'a', a),
      this.mptr('denseBackward', 'dA', dA),
      this.mptr('denseBackward', 'dZ', dZ),
      this.mptr('denseBackward', 'dW', dW),
      this.mptr('denseBackward', 'db', db),
      dX ? this.mptr('denseBackward', 'dX', dX) : 0,
      N,
      K,
      U,
      activationCode('denseBackward', activation.name),
      activation.alpha,
      dZReady,
      dX !== null,
    );
  }

  columnSums(m: Matrix, out: Matrix): void {
    expectShape('columnSums', 'out', out, 1, m.cols);
    this.x.columnSums(this.mptr('columnSums', 'm', m), this.mptr('columnSums', 'out', out), m.rows, m.cols);
  }

  allFinite(values: Matrix): boolean {
    // An i32 comes back as a small integer: nothing to box, unlike an f64.
    return this.x.allFinite(this.mptr('allFinite', 'values', values), values.rows * values.cols) === 1;
  }

  loss(kind: LossKind, pred: Matrix, target: Matrix, grad: Matrix, scale: number): number {
    const code = lossCode(kind);
    // Constant strings: a message is built only when a check fails, so a step allocates none.
    expectShape('loss', 'target', target, pred.rows, pred.cols);
    expectShape('loss', 'grad', grad, pred.rows, pred.cols);
    return this.x.loss(
      code,
      this.mptr('loss', 'pred', pred),
      this.mptr('loss', 'target', target),
      this.mptr('loss', 'grad', grad),
      pred.rows,
      pred.cols,
      scale,
    );
  }

  regularize(param: Matrix, grad: Matrix, l1: number, l2: number): number {
    expectShape('regularize', 'grad', grad, param.rows, param.cols);
    return this.x.regularize(
      this.mptr('regularize', 'param', param),
      this.mptr('regularize', 'grad', grad),
      param.rows * param.cols,
      l1,
      l2,
    );
  }

  sgdUpdate(param: Matrix, grad: Matrix, learningRate: number, backup: Matrix | null): boolean {
    const n = param.rows * param.cols;
    expectShape('sgdUpdate', 'grad', grad, param.rows, param.cols);
    if (backup) expectLength('sgdUpdate', 'backup', backup, n);
    return (
      this.x.sgdUpdate(
        this.mptr('sgdUpdate', 'param', param),
        this.mptr('sgdUpdate', 'grad', grad),
        n,
        learningRate,
        backup ? this.mptr('sgdUpdate', 'backup', backup) : 0,
      ) === 1
    );
  }

  momentumUpdate(
    param: Matrix,
    grad: Matrix,
    velocity: Matrix,
    learningRate: number,
    momentum: number,
    backup: Matrix | null,
  ): boolean {
    const n = param.rows * param.cols;
    expectShape('momentumUpdate', 'grad', grad, param.rows, param.cols);
    expectShape('momentumUpdate', 'velocity', velocity, param.rows, param.cols);
    if (backup) expectLength('momentumUpdate', 'backup', backup, 2 * n);
    return (
      this.x.momentumUpdate(
        this.mptr('momentumUpdate', 'param', param),
        this.mptr('momentumUpdate', 'grad', grad),
        this.mptr('momentumUpdate', 'velocity', velocity),
        n,
        learningRate,
        momentum,
        backup ? this.mptr('momentumUpdate', 'backup', backup) : 0,
      ) === 1
    );
  }

  adamUpdate(
    param: Matrix,
    grad: Matrix,
    m: Matrix,
    v: Matrix,
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    step: number,
    backup: Matrix | null,
  ): boolean {
    const n = param.rows * param.cols;
    expectShape('adamUpdate', 'grad', grad, param.rows, param.cols);
    expectShape('adamUpdate', 'm', m, param.rows, param.cols);
    expectShape('adamUpdate', 'v', v, param.rows, param.cols);
    if (backup) expectLength('adamUpdate', 'backup', backup, 3 * n);
    return (
      this.x.adamUpdate(
        this.mptr('adamUpdate', 'param', param),
        this.mptr('adamUpdate', 'grad', grad),
        this.mptr('adamUpdate', 'm', m),
        this.mptr('adamUpdate', 'v', v),
        n,
        learningRate,
        beta1,
        beta2,
        epsilon,
        step,
        backup ? this.mptr('adamUpdate', 'backup', backup) : 0,
      ) === 1
    );
  }
}

/**
 * The `Kernels` of an instantiated module. `growEveryAlloc` is the growth stress mode: every `alloc` grows the memory,
 * so a view kept across an allocation goes stale at once instead of on some user's bigger model.
 */
export function createWasmKernels(
  exports: KernelExports,
  variant: WasmVariant,
  growEveryAlloc = false,
): WasmKernels {
  return new WasmKernelsImpl(exports, variant, growEveryAlloc);
}
