import { type ActivationName, elementwise } from './activations.js';
import { ChainruleError } from './errors.js';
import type { Kernels } from './kernels.js';
import type { Matrix } from './matrix.js';

/**
 * A loss J(pred, Y) over a batch, with its gradient (docs/math.md §3). Implement it to bring your own.
 *
 * When `fusedActivation` is set, the model's output layer must use that activation; `compute` then receives
 * the output layer's logits Z and writes ∂J/∂Z directly (softmax + cross-entropy gives a − y, without the
 * unstable division by a). Otherwise it receives the activations A and writes ∂J/∂A.
 */
export interface Loss {
  readonly name: string;
  readonly fusedActivation?: ActivationName;
  /** Returns J and writes its gradient into `grad` (same shape as `pred`). */
  compute(pred: Matrix, target: Matrix, grad: Matrix, kernels: Kernels): number;
  /**
   * Fused losses only: ∂J/∂A written into `dA`, for the trace the visual trainer shows (training never calls it).
   * Can be ±Infinity where a saturates, as the math says.
   */
  outputGradient?(a: Matrix, target: Matrix, dA: Matrix): void;
  /** For `toJSON`: enough to rebuild the loss with `resolveLoss`. */
  toJSON(): LossSpec;
}

/** How per-element losses combine: averaged over the batch, or summed. */
export type Reduction = 'mean' | 'sum';

/**
 * What a loss kind computes, as the reference JS kernels run it: Σ ℓ over a batch with its gradient with respect to
 * what the kernel receives (A, or the logits Z for the fused kinds), and ∂ℓ/∂a for a fused kind's trace.
 */
interface LossKindBase {
  /** The code `kernels-wasm` switches on (assembly/reductions.ts); unique. */
  readonly kernelCode: number;
  /**
   * Σ ℓ over the rows×cols batch, with `scale · ∂ℓ/∂pred` written into `grad`: the loop `jsKernels.loss` runs (one
   * per kind, so its calls stay monomorphic and allocate nothing).
   */
  sum(
    pred: Float32Array,
    target: Float32Array,
    grad: Float32Array,
    rows: number,
    cols: number,
    scale: number,
  ): number;
  /** Fused kinds: ∂ℓ/∂a from a = φ(pred) (for the trace; ±Infinity where a saturates, as the math says). */
  outputGradient?(a: number, y: number): number;
}

/** A loss kind summed element by element: ℓ and ∂ℓ/∂p of one element. */
export interface ElementwiseLossKind extends LossKindBase {
  readonly kind: 'elementwise';
  /** ℓ(p, y) of one element. */
  value(p: number, y: number): number;
  /** ∂ℓ/∂p of one element. */
  gradient(p: number, y: number): number;
}

/** A loss kind computed per row (softmax cross-entropy: the log-sum-exp couples a row). */
export interface RowwiseLossKind extends LossKindBase {
  readonly kind: 'rowwise';
}

/** One entry of `lossKindTable`. */
export type LossKindEntry = ElementwiseLossKind | RowwiseLossKind;

/** ℓ = (p − y)². */
const squared = (p: number, y: number) => (p - y) * (p - y);
const dSquared = (p: number, y: number) => 2 * (p - y);
/** ℓ = −y·log σ(z) − (1 − y)·log(1 − σ(z)) = max(z, 0) − z·y + log(1 + e^−|z|): finite for every z. */
const sigmoidCE = (z: number, y: number) => Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
const dSigmoidCE = (z: number, y: number) => (elementwise.sigmoid.output(z, 0) as number) - y;

const kinds = {
  /** ℓ = (p − y)², ∂ℓ/∂p = 2(p − y). */
  squaredError: {
    kind: 'elementwise',
    kernelCode: 0,
    value: squared,
    gradient: dSquared,
    sum(P, Y, G, _rows, _cols, scale) {
      let total = 0;
      for (let i = 0; i < P.length; i++) {
        const p = P[i] as number;
        const y = Y[i] as number;
        total += squared(p, y);
        G[i] = scale * dSquared(p, y);
      }
      return total;
    },
  },
  /** ℓ = −y·log σ(z) − (1 − y)·log(1 − σ(z)) from the logit z; ∂ℓ/∂z = σ(z) − y. */
  sigmoidCrossEntropy: {
    kind: 'elementwise',
    kernelCode: 1,
    value: sigmoidCE,
    gradient: dSigmoidCE,
    sum(Z, Y, G, _rows, _cols, scale) {
      let total = 0;
      for (let i = 0; i < Z.length; i++) {
        const z = Z[i] as number;
        const y = Y[i] as number;
        total += sigmoidCE(z, y);
        G[i] = scale * dSigmoidCE(z, y);
      }
      return total;
    },
    outputGradient: (a, y) => (a === y ? 0 : (a - y) / (a * (1 - a))),
  },
  /** ℓ = −Σ_j y_j·log softmax(z)_j per row, by log-sum-exp; ∂ℓ/∂z_j = softmax(z)_j − y_j. */
  softmaxCrossEntropy: {
    kind: 'rowwise',
    kernelCode: 2,
    sum(Z, Y, G, rows, cols, scale) {
      let total = 0;
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        let max = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < cols; j++) max = Math.max(max, Z[o + j] as number);
        let sum = 0;
        for (let j = 0; j < cols; j++) sum += Math.exp((Z[o + j] as number) - max);
        const logSum = max + Math.log(sum);
        for (let j = 0; j < cols; j++) {
          const z = Z[o + j] as number;
          const y = Y[o + j] as number;
          // A class with y = 0 adds nothing (0·log a = 0 by convention, also where a underflows to 0).
          if (y !== 0) total -= y * (z - logSum);
          G[o + j] = scale * (Math.exp(z - logSum) - y);
        }
      }
      return total;
    },
    outputGradient: (a, y) => (y === 0 ? 0 : -y / a),
  },
} as const satisfies Record<string, LossKindEntry>;

/** The kernel-level loss kinds: what `Kernels.loss` computes (a key of `lossKindTable`). */
export type LossKind = keyof typeof kinds;

/**
 * The kernel-level loss kinds, each with its reference math (what `jsKernels.loss` runs) and the code the
 * WebAssembly kernels switch on. A built-in loss (`lossTable`) is a kind with a scale and a reduction.
 */
export const lossKindTable: Readonly<Record<LossKind, LossKindEntry>> = kinds;

/** The kernel-level loss kinds and the codes the WebAssembly kernels switch on (assembly/reductions.ts). */
export const lossKindCodes = Object.fromEntries(
  Object.entries(lossKindTable).map(([kind, e]) => [kind, e.kernelCode]),
) as Readonly<Record<LossKind, number>>;

/** Every loss kind, in the table's order. */
export const lossKinds = Object.keys(lossKindTable) as LossKind[];

/** Everything about a built-in loss in one entry: its kind and scale, and how it is named and shown elsewhere. */
export interface LossEntry {
  /** What a UI shows. */
  readonly label: string;
  /** One line for help texts. */
  readonly description: string;
  /** The kernel-level kind it computes. */
  readonly kind: LossKind;
  /** The factor on Σ ℓ for a batch of `rows`×`cols`, for each reduction. */
  readonly scale: (rows: number, cols: number, reduction: Reduction) => number;
  /** The output activation it needs (computed from logits), if any. */
  readonly fusedActivation?: ActivationName;
  /** For a classifier: the targets are classes (one-hot for softmax, 0/1 for sigmoid); otherwise values. */
  readonly task: 'regression' | 'binary' | 'multiclass';
  /** The TensorFlow.js loss a model compiled with it uses. */
  readonly tfjs: string;
  /** Makes the loss with a reduction (from the fields above). */
  readonly make: (options?: { reduction?: Reduction }) => Loss;
}

type LossFields = Omit<LossEntry, 'make'>;

const losses = {
  mse: {
    label: 'Mean squared error',
    description: 'J = Σ(a − y)²/(N·k); any output',
    kind: 'squaredError',
    scale: (n, k, reduction) => (reduction === 'sum' ? 1 : 1 / (n * k)),
    task: 'regression',
    tfjs: 'meanSquaredError',
  },
  halfSquaredError: {
    label: 'Half squared error',
    description: "J = ½Σ‖a − y‖²/N (or the sum); the derivations' cost",
    kind: 'squaredError',
    scale: (n, _k, reduction) => (reduction === 'sum' ? 0.5 : 0.5 / n),
    task: 'regression',
    tfjs: 'meanSquaredError',
  },
  binaryCrossEntropy: {
    label: 'Binary cross-entropy',
    description: 'from the logits of a sigmoid output; targets 0/1',
    kind: 'sigmoidCrossEntropy',
    scale: (n, k, reduction) => (reduction === 'sum' ? 1 : 1 / (n * k)),
    fusedActivation: 'sigmoid',
    task: 'binary',
    tfjs: 'binaryCrossentropy',
  },
  softmaxCrossEntropy: {
    label: 'Softmax cross-entropy',
    description: 'from the logits of a softmax output; one-hot targets',
    kind: 'softmaxCrossEntropy',
    scale: (n, _k, reduction) => (reduction === 'sum' ? 1 : 1 / n),
    fusedActivation: 'softmax',
    task: 'multiclass',
    tfjs: 'categoricalCrossentropy',
  },
} as const satisfies Record<string, LossFields>;

/** The built-in losses: a key of `lossTable`. */
export type LossName = keyof typeof losses;

/** A loss by name, by name with options, or as an object. */
export type LossSpec = LossName | { name: LossName; reduction?: Reduction } | Loss;

/** The `Loss` a table entry describes. */
function builtin(name: LossName, fields: LossFields, reduction: Reduction): Loss {
  const { kind, scale, fusedActivation } = fields;
  const loss: Loss = {
    name,
    compute: (pred, target, grad, kernels) =>
      kernels.loss(kind, pred, target, grad, scale(pred.rows, pred.cols, reduction)),
    toJSON: () => (reduction === 'mean' ? name : { name, reduction }),
  };
  if (!fusedActivation) return loss;
  const dAdp = lossKindTable[kind].outputGradient;
  // A fused loss whose kind has no ∂ℓ/∂a still computes from logits; its trace then shows ∂J/∂A as NaN.
  if (!dAdp) return { ...loss, fusedActivation };
  return {
    ...loss,
    fusedActivation,
    outputGradient(a, target, dA) {
      const s = scale(a.rows, a.cols, reduction);
      const A = a.data;
      const Y = target.data;
      for (let i = 0; i < A.length; i++) dA.data[i] = s * dAdp(A[i] as number, Y[i] as number);
    },
  };
}

/** The built-in losses by name: the one place each is described. */
export const lossTable: Readonly<Record<LossName, LossEntry>> = Object.fromEntries(
  Object.entries(losses).map(([name, fields]) => [
    name,
    {
      ...fields,
      make: (options: { reduction?: Reduction } = {}) =>
        builtin(name as LossName, fields, options.reduction ?? 'mean'),
    },
  ]),
) as Record<LossName, LossEntry>;

/**
 * Mean squared error over all N·k elements: J = 1/(N·k) Σ (a − y)². With k = 1 this is seed 000's J, whose
 * gradient is ∂J/∂a⁽ⁱ⁾ = 2/N (a⁽ⁱ⁾ − y⁽ⁱ⁾).
 */
export function mse(options: { reduction?: Reduction } = {}): Loss {
  return lossTable.mse.make(options);
}

/**
 * Half squared error: J = ½ Σ_i ‖a⁽ⁱ⁾ − y⁽ⁱ⁾‖² / N (seed 002's cost); with `reduction: 'sum'` J = ½ Σ ‖a − y‖²,
 * seed 001's ½‖y − ŷ‖² for one example. Gradient (a − y)/N (or a − y): note the sign, ŷ − y.
 */
export function halfSquaredError(options: { reduction?: Reduction } = {}): Loss {
  return lossTable.halfSquaredError.make(options);
}

/**
 * Binary cross-entropy, mean over all N·k elements, computed from the sigmoid output layer's logits so it
 * stays finite when σ(z) rounds to 0 or 1. Gradient with respect to z: (σ(z) − y)/(N·k).
 */
export function binaryCrossEntropy(options: { reduction?: Reduction } = {}): Loss {
  return lossTable.binaryCrossEntropy.make(options);
}

/**
 * Softmax cross-entropy: J = −Σ y·log softmax(z) / N, by log-sum-exp from the softmax output layer's logits.
 * Gradient with respect to z: (softmax(z) − y)/N = (a − y)/N.
 */
export function softmaxCrossEntropy(options: { reduction?: Reduction } = {}): Loss {
  return lossTable.softmaxCrossEntropy.make(options);
}

/** Every loss name `resolveLoss` accepts. */
export const lossNames = Object.keys(lossTable) as LossName[];

/** A `Loss` from a name, `{ name, reduction }`, or an object that already implements `Loss`. */
export function resolveLoss(spec: LossSpec | undefined): Loss {
  if (spec === undefined) {
    throw new ChainruleError(
      'INVALID_OPTION',
      `Sequential: a loss is required; one of ${lossNames.join(', ')}`,
    );
  }
  if (typeof spec === 'object' && spec !== null && typeof (spec as Loss).compute === 'function') {
    return spec as Loss;
  }
  const name = typeof spec === 'string' ? spec : (spec as { name?: unknown })?.name;
  const factory =
    typeof name === 'string' && Object.hasOwn(lossTable, name) ? lossTable[name as LossName].make : undefined;
  if (!factory) {
    throw new ChainruleError(
      'UNKNOWN_NAME',
      `unknown loss ${JSON.stringify(name ?? spec)}; expected one of ${lossNames.join(', ')} or an object implementing Loss`,
    );
  }
  const reduction = typeof spec === 'object' ? (spec as { reduction?: unknown }).reduction : undefined;
  if (reduction !== undefined && reduction !== 'mean' && reduction !== 'sum') {
    throw new ChainruleError(
      'INVALID_OPTION',
      `loss ${name}: reduction must be 'mean' or 'sum', got ${JSON.stringify(reduction)}`,
    );
  }
  return factory(reduction === undefined ? {} : { reduction });
}
