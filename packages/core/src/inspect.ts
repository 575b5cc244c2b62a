import { type ActivationName, activationTable } from './activations.js';
import { ChainruleError, shapeOf } from './errors.js';
import type { LayerWeights } from './layer.js';
import type { Matrix, MatrixLike } from './matrix.js';
import type { Sequential } from './sequential.js';

/** Which parameter to inspect: W[from][unit] of a layer, or its bias b[unit]. */
export type ParameterTarget =
  | { readonly layer: number; readonly kind: 'weight'; readonly from: number; readonly unit: number }
  | { readonly layer: number; readonly kind: 'bias'; readonly unit: number };

/** One example's link in the chain ∂J/∂w = Σ_n ∂J/∂a · ∂a/∂z · ∂z/∂w (docs/math.md §4). */
export interface ChainTerm {
  example: number;
  /** ∂J/∂a of the unit at this example. */
  dA: number;
  /** ∂a/∂z, or null for a row-wise activation (softmax), whose ∂J/∂z is a Jacobian-vector product. */
  dadz: number | null;
  /** ∂J/∂z = ∂J/∂a · ∂a/∂z (for softmax, the Jacobian-vector product). */
  dZ: number;
  /** ∂z/∂w: the input on the link (1 for a bias). */
  dzdw: number;
  /** ∂J/∂z · ∂z/∂w: this example's share of ∂J/∂w. */
  product: number;
}

/** The finite-difference estimate of ∂J/∂w, and whether it can be trusted where the function has kinks. */
export interface FiniteDifference {
  /** (J(w + ε) − J(w − ε)) / 2ε, J over the whole set as `evaluate` computes it. */
  value: number;
  epsilon: number;
  /**
   * Examples whose pre-activation z sits within reach of a kink of φ′ (ReLU's z = 0) or, with L1, w within ε of 0:
   * there ∂J/∂w has a jump and the central difference averages the two sides. ε was shrunk to stay clear of
   * them; when that was impossible (a z or w at the kink itself), `reliable` is false and the difference
   * should not be compared with the gradient.
   */
  kinks: number;
  reliable: boolean;
}

/** What `inspect` returns. */
export interface ParameterInspection {
  target: ParameterTarget;
  /** The parameter's current value. */
  value: number;
  /** The layer's activation at this unit. */
  activation: ActivationName;
  examples: number;
  /** Every example's chain of terms (the first `maxTerms` of them). */
  terms: ChainTerm[];
  /** Σ over every example of ∂J/∂z · ∂z/∂w. */
  sumOfProducts: number;
  /** The penalty's share: l1·sign(w) + l2·w (0 for a bias or without regularization). */
  regularization: number;
  /** ∂J/∂w as the backward pass computed it: sumOfProducts + regularization, to float32 rounding. */
  gradient: number;
  finiteDifference: FiniteDifference;
  /** J on the set, with the penalty. */
  loss: number;
}

/** The finite difference's largest step, and how near a kink must lie to count (`FiniteDifference.kinks`). */
export const INSPECT_EPSILON = 1e-3;
const MAX_EPSILON = INSPECT_EPSILON;
/** Below this the float32 loss is too coarse for a difference to mean anything. */
const MIN_EPSILON = 1e-5;

/**
 * The chain rule for one parameter over a set, term by term, with the backward pass's gradient and a kink-aware
 * finite difference: what the playground's inspector shows, as a library call. Leaves the model as it was.
 */
export function inspectParameter(
  model: Sequential,
  x: MatrixLike,
  y: MatrixLike,
  target: ParameterTarget,
  options: { maxTerms?: number } = {},
): ParameterInspection {
  const l = target?.layer;
  const layer = model.layers[l];
  if (!layer)
    throw new ChainruleError(
      'SHAPE',
      `inspect: there is no layer ${l} (the model has ${model.layers.length})`,
    );
  const from = target.kind === 'weight' ? target.from : -1;
  const unit = target.unit;
  const weights = model.getWeights();
  const w = weights[l] as LayerWeights;
  if (w.W.rows === 0) throw new ChainruleError('SHAPE', `inspect: layer '${layer.name}' has no parameters`);
  if (
    !(
      Number.isInteger(unit) &&
      unit >= 0 &&
      unit < w.W.cols &&
      Number.isInteger(from) &&
      (target.kind === 'bias' || from >= 0) &&
      from < w.W.rows
    )
  ) {
    const what = target.kind === 'weight' ? `W[${from}][${unit}]` : `b[${unit}]`;
    throw new ChainruleError(
      'SHAPE',
      `inspect: layer '${layer.name}' has no ${what} (W is ${shapeOf(w.W.rows, w.W.cols)})`,
    );
  }
  const { loss, grads, trace } = model.gradients(x, y);
  const t = trace.layers[l] as (typeof trace.layers)[number];
  const input: Matrix = l === 0 ? trace.X : (trace.layers[l - 1] as (typeof trace.layers)[number]).A;
  const act = layer.activation;
  const entry = activationTable[act.name];
  const maxTerms = options.maxTerms ?? Number.POSITIVE_INFINITY;
  const terms: ChainTerm[] = [];
  let sum = 0;
  // The step in w that would carry some example's z across a kink: |z| / |∂z/∂w|.
  let room = Number.POSITIVE_INFINITY;
  // This unit's z meets a kink in its own φ, or in that of an Activation layer right after it (which sees the same z).
  const next = model.layers[l + 1];
  const kinked =
    entry.kinkAtZero(act.alpha) ||
    (next?.type === 'activation' && activationTable[next.activation.name].kinkAtZero(next.activation.alpha));
  for (let n = 0; n < input.rows; n++) {
    const z = t.Z.get(n, unit);
    const a = t.A.get(n, unit);
    const dA = t.dA.get(n, unit);
    const dZ = t.dZ.get(n, unit);
    const dadz = entry.kind === 'elementwise' ? entry.derivative(z, a, act.alpha) : null;
    const dzdw = from >= 0 ? input.get(n, from) : 1;
    const product = dZ * dzdw;
    sum += product;
    if (kinked && dzdw !== 0) room = Math.min(room, Math.abs(z / dzdw));
    if (terms.length < maxTerms) terms.push({ example: n, dA, dadz, dZ, dzdw, product });
  }
  const value = from >= 0 ? w.W.get(from, unit) : (w.b[unit] as number);
  const dense = layer as { l1?: number; l2?: number };
  const l1 = from >= 0 ? (dense.l1 ?? 0) : 0;
  const l2 = from >= 0 ? (dense.l2 ?? 0) : 0;
  if (l1 > 0) room = Math.min(room, Math.abs(value));
  const g = grads[l] as LayerWeights;
  const gradient = from >= 0 ? g.W.get(from, unit) : (g.b[unit] as number);

  let kinks = 0;
  for (let n = 0; n < input.rows; n++) {
    const dzdw = from >= 0 ? input.get(n, from) : 1;
    if (kinked && Math.abs(t.Z.get(n, unit)) < MAX_EPSILON * Math.abs(dzdw)) kinks++;
  }
  if (l1 > 0 && Math.abs(value) < MAX_EPSILON) kinks++;
  const epsilon = Math.max(MIN_EPSILON, Math.min(MAX_EPSILON, room / 2));
  const reliable = room / 2 >= MIN_EPSILON;
  const J = (v: number) => {
    const copy = model.getWeights();
    const cw = copy[l] as LayerWeights;
    if (from >= 0) cw.W.set(from, unit, v);
    else cw.b[unit] = v;
    model.setWeights(copy);
    return model.evaluate(x, y).loss;
  };
  let fd: number;
  try {
    fd = (J(value + epsilon) - J(value - epsilon)) / (2 * epsilon);
  } finally {
    model.setWeights(weights);
  }
  return {
    target,
    value,
    activation: act.name,
    examples: input.rows,
    terms,
    sumOfProducts: sum,
    regularization: from >= 0 ? l1 * Math.sign(value) + l2 * value : 0,
    gradient,
    finiteDifference: { value: fd, epsilon, kinks, reliable },
    loss,
  };
}
