import type { ResolvedActivation } from './activations.js';
import type { LossKind } from './losses.js';
import type { Matrix } from './matrix.js';

/**
 * The loss a kernel computes: a key of `lossKindTable` (losses.ts), where each kind's reference math lives. Each
 * returns `scale · Σ ℓ` over every element (row for softmax) and writes `grad = scale · ∂(Σ ℓ)/∂pred`; the caller
 * picks `scale` (1/N, 1/(N·k), ½·…) — docs/math.md §3. `pred` is A for squared error, the logits Z for the
 * cross-entropies.
 */
export type { LossKind };

/**
 * The primitives the layers need, and nothing else. Everything above this interface is backend-agnostic;
 * `jsKernels` is the reference implementation and the oracle every other backend is tested against
 * (`@chainrule/core/testing`).
 *
 * Kernels own their memory: models allocate every buffer through `alloc` once and pass them
 * back to every call, so no call needs to allocate. Ops write into the outputs they are given.
 * Shapes are the caller's contract; implementations may check them.
 *
 * **Buffers cross this interface by handle.** Every buffer argument is the `Matrix` that `alloc` returned
 * (1×n for vectors), never a bare `Float32Array`: a backend whose memory can grow (WebAssembly) re-points each
 * handle's `data` when it grows, and any view taken before that goes stale. Callers hold handles and read
 * `.data` only at the moment they use it, never across a call that can allocate (docs/memory.md).
 */
export interface Kernels {
  /** A short name for messages and benchmarks, e.g. `js` or `wasm-simd`. */
  readonly name: string;

  /**
   * A zero-filled rows×cols matrix whose `data` lives in this backend's memory (vectors are 1×n). The backend
   * keeps `data` pointing at the right elements even if its memory grows, so hold the matrix, not its `data`.
   */
  alloc(rows: number, cols: number): Matrix;
  /** Returns a matrix from `alloc`; it must not be used afterwards. */
  free(buffer: Matrix): void;

  /** out = a·b (the forward pass: Z = X·W). a is M×K, b is K×N, out is M×N. */
  matmul(a: Matrix, b: Matrix, out: Matrix): void;
  /** out = aᵀ·b (∂J/∂W = Xᵀ·∂J/∂Z). a is K×M, b is K×N, out is M×N. */
  matmulTransA(a: Matrix, b: Matrix, out: Matrix): void;
  /** out = a·bᵀ (∂J/∂X = ∂J/∂Z·Wᵀ). a is M×K, b is N×K, out is M×N. */
  matmulTransB(a: Matrix, b: Matrix, out: Matrix): void;

  /** z ← z + b (b broadcast over rows), then a = φ(z). z and a are N×units, b is 1×units. */
  biasActivation(z: Matrix, bias: Matrix, activation: ResolvedActivation, a: Matrix): void;
  /** ∂J/∂Z = ∂J/∂A ⊙ φ'(…) (for softmax the row-wise Jacobian-vector product). dZ may alias dA. */
  activationBackward(activation: ResolvedActivation, z: Matrix, a: Matrix, dA: Matrix, dZ: Matrix): void;

  /**
   * A dense layer's forward pass in one call, exactly `matmul(x, W, z)` then `biasActivation(z, b, activation, a)`:
   * Z = X·W + b, A = φ(Z). One call instead of two is what small networks are bound by.
   */
  denseForward(
    x: Matrix,
    W: Matrix,
    bias: Matrix,
    activation: ResolvedActivation,
    z: Matrix,
    a: Matrix,
  ): void;
  /**
   * A dense layer's backward pass in one call, exactly: unless `dZReady`, `activationBackward` (∂J/∂Z from ∂J/∂A);
   * then `matmulTransA(x, dZ, dW)`, `columnSums(dZ, db)`, and `matmulTransB(dZ, W, dX)` when `dX` is given.
   */
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
  ): void;

  /** out_j = Σ_i m_ij (∂J/∂b = column sums of ∂J/∂Z); out is 1×cols. */
  columnSums(m: Matrix, out: Matrix): void;
  /** Whether every value is finite (no NaN, no ±Infinity): how a model finds the parameter an update broke. */
  allFinite(values: Matrix): boolean;

  /** The loss value `scale · Σ ℓ`, with its gradient written into `grad` (see `LossKind`). */
  loss(kind: LossKind, pred: Matrix, target: Matrix, grad: Matrix, scale: number): number;

  /**
   * Adds the gradient of the penalty R = l1·Σ|w| + ½·l2·Σw² to `grad` (same shape as `param`) and returns R.
   * (sign(0) is taken as 0.)
   */
  regularize(param: Matrix, grad: Matrix, l1: number, l2: number): number;

  // The updates below share two duties of the divergence guard, fused into their one pass over the parameters:
  // with a `backup` they first copy everything they are about to change there, and they return whether every new
  // parameter value is finite. `grad` and the state buffers have `param`'s shape. A backup is a 1×(k·n) matrix for
  // a parameter of n values: the old parameter in [0, n), then each state buffer in the order of the arguments
  // ([n, 2n) velocity; or [n, 2n) m and [2n, 3n) v), so restoring it undoes the update exactly.

  /** w ← w − η·g. Backup (k = 1): the old w. Returns whether every new w is finite. */
  sgdUpdate(param: Matrix, grad: Matrix, learningRate: number, backup: Matrix | null): boolean;
  /** v ← μ·v − η·g; w ← w + v. Backup (k = 2): the old w and v. Returns whether every new w is finite. */
  momentumUpdate(
    param: Matrix,
    grad: Matrix,
    velocity: Matrix,
    learningRate: number,
    momentum: number,
    backup: Matrix | null,
  ): boolean;
  /**
   * Adam (Kingma & Ba, algorithm 1) at step t ≥ 1:
   * m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; w ← w − η·m̂ / (√v̂ + ε) with m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
   * Backup (k = 3): the old w, m and v. Returns whether every new w is finite.
   */
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
  ): boolean;
}
