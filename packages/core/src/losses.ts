import type { ActivationName } from './activations.js';
import { ChainruleError } from './errors.js';
import type { Kernels, LossKind } from './kernels.js';
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

/** The built-in losses. */
export type LossName = 'mse' | 'halfSquaredError' | 'binaryCrossEntropy' | 'softmaxCrossEntropy';

/** A loss by name, by name with options, or as an object. */
export type LossSpec = LossName | { name: LossName; reduction?: Reduction } | Loss;

function builtin(
  name: LossName,
  kind: LossKind,
  reduction: Reduction,
  scale: (rows: number, cols: number) => number,
  fusedActivation?: ActivationName,
): Loss {
  const loss: Loss = {
    name,
    compute: (pred, target, grad, kernels) =>
      kernels.loss(kind, pred, target, grad, scale(pred.rows, pred.cols)),
    toJSON: () => (reduction === 'mean' ? name : { name, reduction }),
  };
  if (!fusedActivation) return loss;
  return {
    ...loss,
    fusedActivation,
    outputGradient(a, target, dA) {
      const s = scale(a.rows, a.cols);
      const A = a.data;
      const Y = target.data;
      for (let i = 0; i < A.length; i++) {
        const ai = A[i] as number;
        const yi = Y[i] as number;
        // ∂/∂a of −y·log a − (1−y)·log(1−a), or of −Σ y·log a for softmax.
        if (fusedActivation === 'sigmoid') dA.data[i] = ai === yi ? 0 : (s * (ai - yi)) / (ai * (1 - ai));
        else dA.data[i] = yi === 0 ? 0 : (-s * yi) / ai;
      }
    },
  };
}

/**
 * Mean squared error over all N·k elements: J = 1/(N·k) Σ (a − y)². With k = 1 this is seed 000's J, whose
 * gradient is ∂J/∂a⁽ⁱ⁾ = 2/N (a⁽ⁱ⁾ − y⁽ⁱ⁾).
 */
export function mse(options: { reduction?: Reduction } = {}): Loss {
  const reduction = options.reduction ?? 'mean';
  return builtin('mse', 'squaredError', reduction, (n, k) => (reduction === 'sum' ? 1 : 1 / (n * k)));
}

/**
 * Half squared error: J = ½ Σ_i ‖a⁽ⁱ⁾ − y⁽ⁱ⁾‖² / N (seed 002's cost); with `reduction: 'sum'` J = ½ Σ ‖a − y‖²,
 * seed 001's ½‖y − ŷ‖² for one example. Gradient (a − y)/N (or a − y): note the sign, ŷ − y.
 */
export function halfSquaredError(options: { reduction?: Reduction } = {}): Loss {
  const reduction = options.reduction ?? 'mean';
  return builtin('halfSquaredError', 'squaredError', reduction, (n) => (reduction === 'sum' ? 0.5 : 0.5 / n));
}

/**
 * Binary cross-entropy, mean over all N·k elements, computed from the sigmoid output layer's logits so it
 * stays finite when σ(z) rounds to 0 or 1. Gradient with respect to z: (σ(z) − y)/(N·k).
 */
export function binaryCrossEntropy(options: { reduction?: Reduction } = {}): Loss {
  const reduction = options.reduction ?? 'mean';
  return builtin(
    'binaryCrossEntropy',
    'sigmoidCrossEntropy',
    reduction,
    (n, k) => (reduction === 'sum' ? 1 : 1 / (n * k)),
    'sigmoid',
  );
}

/**
 * Softmax cross-entropy: J = −Σ y·log softmax(z) / N, by log-sum-exp from the softmax output layer's logits.
 * Gradient with respect to z: (softmax(z) − y)/N = (a − y)/N.
 */
export function softmaxCrossEntropy(options: { reduction?: Reduction } = {}): Loss {
  const reduction = options.reduction ?? 'mean';
  return builtin(
    'softmaxCrossEntropy',
    'softmaxCrossEntropy',
    reduction,
    (n) => (reduction === 'sum' ? 1 : 1 / n),
    'softmax',
  );
}

/** Everything about a built-in loss in one entry: how to make it, and how it is named and shown elsewhere. */
export interface LossEntry {
  /** What a UI shows. */
  readonly label: string;
  /** One line for help texts. */
  readonly description: string;
  /** Makes the loss with a reduction. */
  readonly make: (options: { reduction?: Reduction }) => Loss;
  /** The output activation it needs (computed from logits), if any. */
  readonly fusedActivation?: ActivationName;
  /** For a classifier: the targets are classes (one-hot for softmax, 0/1 for sigmoid); otherwise values. */
  readonly task: 'regression' | 'binary' | 'multiclass';
  /** The TensorFlow.js loss a model compiled with it uses. */
  readonly tfjs: string;
}

/** The built-in losses by name: the one place each is described. */
export const lossTable: Readonly<Record<LossName, LossEntry>> = {
  mse: {
    label: 'Mean squared error',
    description: 'J = Σ(a − y)²/(N·k); any output',
    make: mse,
    task: 'regression',
    tfjs: 'meanSquaredError',
  },
  halfSquaredError: {
    label: 'Half squared error',
    description: "J = ½Σ‖a − y‖²/N (or the sum); the derivations' cost",
    make: halfSquaredError,
    task: 'regression',
    tfjs: 'meanSquaredError',
  },
  binaryCrossEntropy: {
    label: 'Binary cross-entropy',
    description: 'from the logits of a sigmoid output; targets 0/1',
    make: binaryCrossEntropy,
    fusedActivation: 'sigmoid',
    task: 'binary',
    tfjs: 'binaryCrossentropy',
  },
  softmaxCrossEntropy: {
    label: 'Softmax cross-entropy',
    description: 'from the logits of a softmax output; one-hot targets',
    make: softmaxCrossEntropy,
    fusedActivation: 'softmax',
    task: 'multiclass',
    tfjs: 'categoricalCrossentropy',
  },
};

/** The kernel-level loss kinds and the codes the WebAssembly kernels switch on (assembly/reductions.ts). */
export const lossKindCodes: Readonly<Record<LossKind, number>> = {
  squaredError: 0,
  sigmoidCrossEntropy: 1,
  softmaxCrossEntropy: 2,
};

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
