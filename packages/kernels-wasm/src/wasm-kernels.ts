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
import { Op, type ThreadPool } from './threads.js';

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
  /** How many threads the heavy kernels run on (1: the calling thread alone). */
  readonly threads: number;
  /** Why fewer threads run than were asked for (no SharedArrayBuffer, not cross-origin isolated, …), else null. */
  readonly threadsNote: string | null;
  /**
   * Jobs run so far on the pool (0 with one thread): a kernel call that was split into chunks counts once per job
   * (a dense layer's backward pass can be two), including jobs the caller ran alone on a busy machine.
   */
  readonly threadedCalls: number;
  /**
   * Ends the kernels: their worker threads (if any) stop, and every later call throws. Call it when done with the
   * kernels (with threads, an undisposed pool keeps its idle workers and its memory reservation).
   */
  dispose(): void;
}

/**
 * When a kernel call is split across threads: below these sizes one thread is as fast (measured on the
 * 784-128-64-10 and 784-128-10 steps on 2 cores: the hand-off itself is cheap, ~0.5 µs; what costs is the cache
 * lines another core last wrote, so a 64×64×10 product or a 16k-parameter update stays on the caller, while Adam on
 * the 100k-parameter first layer runs 1.5× faster split).
 */
export interface ThreadThresholds {
  /** Multiply-adds of a product (M·K·N) from which it is split. Default 262,144. */
  minProduct?: number;
  /** Elements of an elementwise pass (bias + activation, φ′, column sums, finiteness) from which it is split. Default 65,536. */
  minElements?: number;
  /** Parameters of an optimizer update from which it is split. Default 65,536. */
  minUpdate?: number;
}

/**
 * Whether a layer of `units` is split across threads by blocks of its units (columns of W, b, Z, A, ∂J/∂Z and ∂J/∂W,
 * which then stay on one core from the forward pass through the backward pass) rather than by rows of the batch: when every row has a whole number of 4-float vectors (so each element takes the same path as in
 * one call) and the activation treats units independently (not softmax).
 */
function byColumns(units: number, activation: string): boolean {
  return units % 4 === 0 && activation !== 'softmax';
}

/** Refuses thresholds that are not numbers ≥ 0 (a NaN would quietly mean "never split"). */
export function checkThresholds(thresholds: ThreadThresholds | undefined): void {
  for (const [key, value] of Object.entries(thresholds ?? {}))
    if (
      !['minProduct', 'minElements', 'minUpdate'].includes(key) ||
      typeof value !== 'number' ||
      !(value >= 0)
    )
      throw new ChainruleError(
        'INVALID_OPTION',
        `loadWasmKernels: threadThresholds.${key} must be a number ≥ 0 (minProduct, minElements or minUpdate), got ${String(value)}`,
      );
}

/** Refuses an output whose floats overlap an input's (byte offsets and lengths in floats). */
function noOverlap(op: string, out: string, p: number, n: number, input: string, q: number, m: number): void {
  if (n > 0 && m > 0 && p < q + 4 * m && q < p + 4 * n)
    throw new ChainruleError(
      'INVALID_OPTION',
      `${op}: ${out} overlaps ${input} (an output must be a buffer of its own: it is written while ${input} is read)`,
    );
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
  name: string;
  readonly memory: WebAssembly.Memory;
  /** Every live matrix by its pointer, so views can be rebuilt after the memory grows. */
  private readonly live = new Map<number, Matrix>();
  /** memory.buffer is a slow getter; the current buffer is cached and replaced when the memory grows. */
  private buffer: ArrayBuffer;
  private readonly heap: Heap;

  private pool: ThreadPool | null = null;
  private disposed = false;
  private minProduct = 1 << 18;
  private minElements = 1 << 16;
  private minUpdate = 1 << 16;
  threads = 1;
  threadsNote: string | null = null;

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

  /** Scratch for one more thread's GEMM (each thread packs its own panels). */
  allocScratch(): number {
    return this.heap.alloc(this.x.gemmScratchBytes());
  }

  /** Runs the heavy kernels on `pool` from now on. */
  attachPool(pool: ThreadPool, thresholds: ThreadThresholds = {}): void {
    this.pool = pool;
    this.threads = pool.threads;
    this.name = `wasm-${this.variant}, ${pool.threads} threads`;
    if (thresholds.minProduct !== undefined) this.minProduct = thresholds.minProduct;
    if (thresholds.minElements !== undefined) this.minElements = thresholds.minElements;
    if (thresholds.minUpdate !== undefined) this.minUpdate = thresholds.minUpdate;
    // Thresholds of 0 ask for every call split: no falling back to the caller alone on a busy machine.
    pool.adaptive = !(this.minProduct === 0 && this.minElements === 0 && this.minUpdate === 0);
  }

  get threadedCalls(): number {
    return this.pool?.jobs ?? 0;
  }

  dispose(): void {
    this.disposed = true;
    this.pool?.dispose();
  }

  /** The pool, if this call is big enough to split. */
  private split(work: number, min: number): ThreadPool | null {
    const pool = this.pool;
    if (pool === null || work < min) return null;
    // On a busy machine the pool lets the caller run calls alone for a while: the one-call kernel, the same bits.
    return pool.take() ? pool : null;
  }

  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * The byte offset of a matrix this instance allocated: a field read, not a typed-array property (which costs more
   * than some small kernels). Any other matrix goes through `ptr`'s check.
   */
  private mptr(op: string, what: string, m: Matrix): number {
    if (this.disposed)
      throw new ChainruleError('INVALID_OPTION', `${op}: these kernels were disposed (kernels.dispose())`);
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
    const pa = this.mptr(op, 'a', a);
    const pb = this.mptr(op, 'b', b);
    const pc = this.mptr(op, 'out', out);
    // A product reads its inputs while it writes: an output over an input gives garbage (on threads, a different
    // garbage each run).
    noOverlap(op, 'out', pc, M * N, 'a', pa, M * K);
    noOverlap(op, 'out', pc, M * N, 'b', pb, K * N);
    const pool = this.split(M * K * N, this.minProduct);
    if (pool === null) {
      this.x[op](pa, pb, pc, M, K, N);
      return;
    }
    // The element strides of gemmStrided for each form (assembly/matmul.ts).
    const transA = op === 'matmulTransA';
    const transB = op === 'matmulTransB';
    pool.job(Op.Gemm, pa, transA ? 1 : K, transA ? M : 1, pb, transB ? 1 : N, transB ? K : 1, pc, N, M, K, N);
  }

  alloc(rows: number, cols: number): Matrix {
    if (this.disposed)
      throw new ChainruleError('INVALID_OPTION', 'alloc: these kernels were disposed (kernels.dispose())');
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
    const pz = this.mptr('biasActivation', 'z', z);
    const pbias = this.mptr('biasActivation', 'bias', bias);
    const pa = this.mptr('biasActivation', 'a', a);
    const kind = activationCode('biasActivation', activation.name);
    const pool = this.split(z.rows * z.cols, this.minElements);
    if (pool === null) {
      this.x.biasActivation(pz, pbias, pa, z.rows, z.cols, kind, activation.alpha);
      return;
    }
    pool.job(Op.BiasActivation, pz, pbias, pa, z.rows, z.cols, kind, activation.alpha);
  }

  activationBackward(activation: ResolvedActivation, z: Matrix, a: Matrix, dA: Matrix, dZ: Matrix): void {
    expectShape('activationBackward', 'a', a, z.rows, z.cols);
    expectShape('activationBackward', 'dA', dA, z.rows, z.cols);
    expectShape('activationBackward', 'dZ', dZ, z.rows, z.cols);
    const pz = this.mptr('activationBackward', 'z', z);
    const pa = this.mptr('activationBackward', 'a', a);
    const pdA = this.mptr('activationBackward', 'dA', dA);
    const pdZ = this.mptr('activationBackward', 'dZ', dZ);
    const kind = activationCode('activationBackward', activation.name);
    const pool = this.split(z.rows * z.cols, this.minElements);
    if (pool === null) {
      this.x.activationBackward(pz, pa, pdA, pdZ, z.rows, z.cols, kind, activation.alpha);
      return;
    }
    pool.job(Op.ActivationBackward, pz, pa, pdA, pdZ, z.rows, z.cols, kind, activation.alpha);
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
    const px = this.mptr('denseForward', 'x', x);
    const pW = this.mptr('denseForward', 'W', W);
    const pbias = this.mptr('denseForward', 'bias', bias);
    const pz = this.mptr('denseForward', 'z', z);
    const pa = this.mptr('denseForward', 'a', a);
    const kind = activationCode('denseForward', activation.name);
    // Split by blocks of rows: worth it only when there are rows to share.
    const pool = N >= 8 ? this.split(N * K * U, this.minProduct) : null;
    if (pool === null) {
      this.x.denseForward(px, pW, pbias, pz, pa, N, K, U, kind, activation.alpha);
      return;
    }
    pool.job(
      Op.DenseForward,
      px,
      pW,
      pbias,
      pz,
      pa,
      N,
      K,
      U,
      kind,
      activation.alpha,
      byColumns(U, activation.name) ? 1 : 0,
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
    const px = this.mptr('denseBackward', 'x', x);
    const pW = this.mptr('denseBackward', 'W', W);
    const pz = this.mptr('denseBackward', 'z', z);
    const pa = this.mptr('denseBackward', 'a', a);
    const pdA = this.mptr('denseBackward', 'dA', dA);
    const pdZ = this.mptr('denseBackward', 'dZ', dZ);
    const pdW = this.mptr('denseBackward', 'dW', dW);
    const pdb = this.mptr('denseBackward', 'db', db);
    const pdX = dX ? this.mptr('denseBackward', 'dX', dX) : 0;
    if (dX) {
      noOverlap('denseBackward', 'dX', pdX, N * K, 'x', px, N * K);
      noOverlap('denseBackward', 'dX', pdX, N * K, 'W', pW, K * U);
      noOverlap('denseBackward', 'dX', pdX, N * K, 'dZ', pdZ, N * U);
    }
    const kind = activationCode('denseBackward', activation.name);
    const pool = this.split(N * K * U, this.minProduct);
    if (pool === null) {
      this.x.denseBackward(
        px,
        pW,
        pz,
        pa,
        pdA,
        pdZ,
        pdW,
        pdb,
        pdX,
        N,
        K,
        U,
        kind,
        activation.alpha,
        dZReady,
        dX !== null,
      );
      return;
    }
    if (byColumns(U, activation.name)) {
      // One job: each thread's units (∂J/∂Z, ∂J/∂W, ∂J/∂b for its columns); then ∂J/∂X, which needs every unit.
      pool.job(
        Op.WeightGrads,
        px,
        pW,
        pdZ,
        pdW,
        pdb,
        0,
        N,
        K,
        U,
        pz,
        pa,
        pdA,
        kind,
        activation.alpha,
        1,
        dZReady ? 1 : 0,
      );
      if (pdX !== 0) pool.job(Op.Gemm, pdZ, U, 1, pW, 1, U, pdX, K, N, U, K);
      return;
    }
    // ∂J/∂Z first, every row of it (split by rows if it is big), then one job for ∂J/∂W, ∂J/∂b and ∂J/∂X.
    if (!dZReady) {
      if (N * U >= this.minElements)
        pool.job(Op.ActivationBackward, pz, pa, pdA, pdZ, N, U, kind, activation.alpha);
      else this.x.activationBackward(pz, pa, pdA, pdZ, N, U, kind, activation.alpha);
    }
    pool.job(Op.WeightGrads, px, pW, pdZ, pdW, pdb, pdX, N, K, U);
  }

  columnSums(m: Matrix, out: Matrix): void {
    expectShape('columnSums', 'out', out, 1, m.cols);
    const pm = this.mptr('columnSums', 'm', m);
    const pout = this.mptr('columnSums', 'out', out);
    const pool = this.split(m.rows * m.cols, this.minElements);
    if (pool === null) {
      this.x.columnSums(pm, pout, m.rows, m.cols, m.cols);
      return;
    }
    pool.job(Op.ColumnSums, pm, pout, m.rows, m.cols);
  }

  allFinite(values: Matrix): boolean {
    // An i32 comes back as a small integer: nothing to box, unlike an f64.
    const p = this.mptr('allFinite', 'values', values);
    const n = values.rows * values.cols;
    const pool = this.split(n, this.minElements);
    if (pool === null) return this.x.allFinite(p, n) === 1;
    return pool.job(Op.AllFinite, p, n) === 1;
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
    const pp = this.mptr('sgdUpdate', 'param', param);
    const pg = this.mptr('sgdUpdate', 'grad', grad);
    const pbk = backup ? this.mptr('sgdUpdate', 'backup', backup) : 0;
    const pool = this.split(n, this.minUpdate);
    if (pool === null) return this.x.sgdUpdate(pp, pg, n, learningRate, pbk) === 1;
    return pool.job(Op.Sgd, pp, pg, n, learningRate, pbk) === 1;
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
    const pp = this.mptr('momentumUpdate', 'param', param);
    const pg = this.mptr('momentumUpdate', 'grad', grad);
    const pv = this.mptr('momentumUpdate', 'velocity', velocity);
    const pbk = backup ? this.mptr('momentumUpdate', 'backup', backup) : 0;
    const pool = this.split(n, this.minUpdate);
    if (pool === null) return this.x.momentumUpdate(pp, pg, pv, n, learningRate, momentum, pbk, n) === 1;
    return pool.job(Op.Momentum, pp, pg, pv, n, learningRate, momentum, pbk) === 1;
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
    const pp = this.mptr('adamUpdate', 'param', param);
    const pg = this.mptr('adamUpdate', 'grad', grad);
    const pm = this.mptr('adamUpdate', 'm', m);
    const pv = this.mptr('adamUpdate', 'v', v);
    const pbk = backup ? this.mptr('adamUpdate', 'backup', backup) : 0;
    const pool = this.split(n, this.minUpdate);
    if (pool === null)
      return this.x.adamUpdate(pp, pg, pm, pv, n, learningRate, beta1, beta2, epsilon, step, pbk, n) === 1;
    return pool.job(Op.Adam, pp, pg, pm, pv, n, learningRate, beta1, beta2, epsilon, step, pbk) === 1;
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
): WasmKernels & ThreadedSetup {
  return new WasmKernelsImpl(exports, variant, growEveryAlloc);
}

/** What `loadWasmKernels` uses to give the kernels a thread pool. */
export interface ThreadedSetup {
  allocScratch(): number;
  attachPool(pool: ThreadPool, thresholds?: ThreadThresholds): void;
  threadsNote: string | null;
}
