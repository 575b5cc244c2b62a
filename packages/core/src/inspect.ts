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
   * Examples whose pre-activation z at this unit sits within reach (ε = `INSPECT_EPSILON`) of a kink of φ′ (ReLU's
   * z = 0, in this layer's activation or an Activation layer right after it), plus one when, with L1, w lies within
   * reach of 0: there ∂J/∂w has a jump and the central difference averages the two sides. ε was shrunk to stay
   * clear of them; when that was impossible (a z or w at the kink itself), `reliable` is false and the difference
   * should not be compared with the gradient.
   */
  kinks: number;
  /**
   * Examples at which the step moved a pre-activation z of a LATER layer across its kink (an activation with
   * `kinkAtZero`: ReLU, leaky ReLU, ELU with α ≠ 1): comparing the passes at w − ε, w and w + ε, some z of that
   * example changed side of 0, with the first ε tried (`INSPECT_EPSILON`, or less if `kinks` shrank it). ε was
   * then shrunk until no z changed side; when none down to the smallest did, `reliable` is false. Always set by
   * `inspectParameter` (0 when no z crossed); optional only so that values written by hand still type-check.
   */
  laterKinks?: number;
  /** The layers (indices into `model.layers`, ascending) in which a z crossed its kink; empty when none. */
  laterKinkLayers?: number[];
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
 *
 * The difference steps clear of kinks: this unit's own (its z near ReLU's 0, or w near L1's 0) are found before
 * stepping (`kinks`); those of later layers (a downstream z that the step pushes across 0) are found by comparing
 * the passes at w ± ε with the one at w (`laterKinks`). Either shrinks ε; `reliable` is false when no ε down to
 * 1e-5 steps clear.
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
  let epsilon = Math.max(MIN_EPSILON, Math.min(MAX_EPSILON, room / 2));
  let reliable = room / 2 >= MIN_EPSILON;
  // The later layers whose φ′ jumps at z = 0, each with its z at w. (An Activation layer right after this one sees
  // this unit's z, which the check above already covers; its other columns do not depend on w.)
  const watched: { layer: number; Z: Matrix }[] = [];
  for (let i = l + 1; i < model.layers.length; i++) {
    const later = model.layers[i] as (typeof model.layers)[number];
    if (i === l + 1 && later.type === 'activation') continue;
    if (activationTable[later.activation.name].kinkAtZero(later.activation.alpha))
      watched.push({ layer: i, Z: (trace.layers[i] as (typeof trace.layers)[number]).Z });
  }
  /** J at w = v, and the watched layers' z there (none when nothing is watched). */
  const J = (v: number): { loss: number; Z: Matrix[] } => {
    const copy = model.getWeights();
    const cw = copy[l] as LayerWeights;
    if (from >= 0) cw.W.set(from, unit, v);
    else cw.b[unit] = v;
    model.setWeights(copy);
    const loss = model.evaluate(x, y).loss;
    if (watched.length === 0) return { loss, Z: [] };
    const pass = model.forwardTrace(x);
    return { loss, Z: watched.map((u) => (pass[u.layer] as { Z: Matrix }).Z) };
  };
  let fd: number;
  let laterKinks = 0;
  const laterKinkLayers: number[] = [];
  try {
    for (let attempt = 0; ; attempt++) {
      const plus = J(value + epsilon);
      const minus = J(value - epsilon);
      fd = (plus.loss - minus.loss) / (2 * epsilon);
      const crossing = laterCrossings(watched, plus.Z, minus.Z, epsilon);
      if (attempt === 0) {
        laterKinks = crossing.examples;
        laterKinkLayers.push(...crossing.layers);
      }
      if (crossing.examples === 0) break;
      if (epsilon <= MIN_EPSILON) {
        reliable = false;
        break;
      }
      // Just short of the nearest crossing (over so short a step z moves about linearly in w); at least halved.
      epsilon = Math.max(MIN_EPSILON, Math.min(epsilon / 2, crossing.room / 2));
    }
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
    finiteDifference: { value: fd, epsilon, kinks, laterKinks, laterKinkLayers, reliable },
    loss,
  };
}

/**
 * Where the passes at w ± ε put a watched z on the other side of its kink than at w (side: z > 0, as φ′ reads it):
 * how many examples, in which layers, and the step that would reach the nearest such z (|z| over its rate of change
 * per unit of w, estimated from the two passes).
 */
function laterCrossings(
  watched: readonly { layer: number; Z: Matrix }[],
  plus: readonly Matrix[],
  minus: readonly Matrix[],
  epsilon: number,
): { examples: number; layers: number[]; room: number } {
  let examples = 0;
  let room = Number.POSITIVE_INFINITY;
  const rows = watched[0]?.Z.rows ?? 0;
  const crossedIn = new Set<number>();
  for (let n = 0; n < rows; n++) {
    let crossed = false;
    watched.forEach(({ layer, Z }, k) => {
      const P = plus[k] as Matrix;
      const M = minus[k] as Matrix;
      for (let c = 0; c < Z.cols; c++) {
        const z = Z.get(n, c);
        const side = z > 0;
        if (P.get(n, c) > 0 === side && M.get(n, c) > 0 === side) continue;
        crossed = true;
        crossedIn.add(layer);
        const rate = Math.abs(P.get(n, c) - M.get(n, c)) / (2 * epsilon);
        room = Math.min(room, rate > 0 ? Math.abs(z) / rate : 0);
      }
    });
    if (crossed) examples++;
  }
  const layers = watched.filter((u) => crossedIn.has(u.layer)).map((u) => u.layer);
  return { examples, layers, room };
}
