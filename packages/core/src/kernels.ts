import type { Activation } from './activations.js';
import type { Matrix } from './matrix.js';

/**
 * The elementwise loss a kernel computes. Each returns `scale · Σ ℓ` over every element (row for softmax)
 * and writes `grad = scale · ∂(Σ ℓ)/∂pred`; the caller picks `scale` (1/N, 1/(N·k), ½·…) — docs/math.md §3.
 *
 * - `squaredError`: ℓ = (p − y)², gradient 2(p − y). `pred` is A.
 * - `sigmoidCrossEntropy`: ℓ = −y log σ(z) − (1 − y) log(1 − σ(z)), computed as max(z,0) − z·y + log(1 + e^−|z|);
 *   gradient σ(z) − y. `pred` is the logits Z.
 * - `softmaxCrossEntropy`: per row ℓ = −Σ_j y_j (z_j − logΣ_k e^{z_k}); gradient softmax(z) − y. `pred` is Z.
 */
export type LossKind = 'squaredError' | 'sigmoidCrossEntropy' | 'softmaxCrossEntropy';

/**
 * The primitives the layers need, and nothing else. Everything above this interface is backend-agnostic;
 * `jsKernels` is the reference implementation and the oracle every other backend is tested against
 * (`@chainrule/core/testing`).
 *
 * Kernels own their memory: models allocate every buffer through `alloc` once and pass them
 * back to every call, so no call needs to allocate. Ops write into the outputs they are given.
 * Shapes are the caller's contract; implementations may check them.
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

  /** z ← z + b (b broadcast over rows), then a = φ(z). z and a are N×units, b has length units. */
  biasActivation(z: Matrix, bias: Float32Array, activation: Activation, a: Matrix): void;
  /** ∂J/∂Z = ∂J/∂A ⊙ φ'(…) (for softmax the row-wise Jacobian-vector product). dZ may alias dA. */
  activationBackward(activation: Activation, z: Matrix, a: Matrix, dA: Matrix, dZ: Matrix): void;

  /**
   * A dense layer's forward pass in one call, exactly `matmul(x, W, z)` then `biasActivation(z, b, activation, a)`:
   * Z = X·W + b, A = φ(Z). One call instead of two is what small networks are bound by.
   */
  denseForward(x: Matrix, W: Matrix, bias: Float32Array, activation: Activation, z: Matrix, a: Matrix): void;
  /**
   * A dense layer's backward pass in one call, exactly: unless `dZReady`, `activationBackward` (∂J/∂Z from ∂J/∂A);
   * then `matmulTransA(x, dZ, dW)`, `columnSums(dZ, db)`, and `matmulTransB(dZ, W, dX)` when `dX` is given.
   */
  denseBackward(
    activation: Activation,
    x: Matrix,
    W: Matrix,
    z: Matrix,
    a: Matrix,
    dA: Matrix,
    dZ: Matrix,
    dW: Matrix,
    db: Float32Array,
    dX: Matrix | null,
    dZReady: boolean,
  ): void;

  /** out_j = Σ_i m_ij (∂J/∂b = column sums of ∂J/∂Z). */
  columnSums(m: Matrix, out: Float32Array): void;
  /** Whether every value is finite (no NaN, no ±Infinity): how a model checks its parameters after an update. */
  allFinite(values: Float32Array): boolean;

  /** The loss value `scale · Σ ℓ`, with its gradient written into `grad` (see `LossKind`). */
  loss(kind: LossKind, pred: Matrix, target: Matrix, grad: Matrix, scale: number): number;

  /**
   * Adds the gradient of the penalty R = l1·Σ|w| + ½·l2·Σw² to `grad` and returns R.
   * (sign(0) is taken as 0.)
   */
  regularize(param: Float32Array, grad: Float32Array, l1: number, l2: number): number;

  // The updates below share two duties of the divergence guard, fused into their one pass over the parameters:
  // with a `backup` they copy the old values there first, and they return whether every new value is finite.

  /** w ← w − η·g. Copies the old w into `backup` when given; returns whether every new w is finite. */
  sgdUpdate(
    param: Float32Array,
    grad: Float32Array,
    learningRate: number,
    backup: Float32Array | null,
  ): boolean;
  /** v ← μ·v − η·g; w ← w + v. Backup and result as for `sgdUpdate`. */
  momentumUpdate(
    param: Float32Array,
    grad: Float32Array,
    velocity: Float32Array,
    learningRate: number,
    momentum: number,
    backup: Float32Array | null,
  ): boolean;
  /**
   * Adam (Kingma & Ba, algorithm 1) at step t ≥ 1:
   * m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; w ← w − η·m̂ / (√v̂ + ε) with m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
   * Backup and result as for `sgdUpdate`.
   */
  adamUpdate(
    param: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    step: number,
    backup: Float32Array | null,
  ): boolean;
}
