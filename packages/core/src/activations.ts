import { ChainruleError } from './errors.js';

/**
 * Activations, each forward beside its derivative (docs/math.md §2). The derivative is written the way the
 * derivations write it: σ' from the output a, tanh' from a, ReLU' from the input z.
 */
export type ActivationName = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'softmax';

/** What a layer is configured with: a name, or leaky ReLU with its slope. */
export type ActivationSpec = ActivationName | { name: ActivationName; alpha?: number };

/** A resolved activation: the name plus its one parameter (leaky ReLU's slope; 0 elsewhere). */
export interface Activation {
  readonly name: ActivationName;
  readonly alpha: number;
}

/** An activation applied element by element: a = f(z), and ∂a/∂z from z and a. */
export interface ElementwiseActivation {
  /** a = φ(z) */
  output(z: number, alpha: number): number;
  /** ∂a/∂z, given both z and a = φ(z) (each activation uses whichever its derivation uses). */
  derivative(z: number, a: number, alpha: number): number;
}

/** The elementwise activations by name: each output beside its derivative. */
export const elementwise: Readonly<Record<Exclude<ActivationName, 'softmax'>, ElementwiseActivation>> = {
  linear: {
    output: (z) => z,
    derivative: () => 1,
  },
  sigmoid: {
    // Split on the sign so exp never overflows.
    output: (z) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))),
    derivative: (_z, a) => a * (1 - a),
  },
  tanh: {
    output: (z) => Math.tanh(z),
    derivative: (_z, a) => 1 - a * a,
  },
  relu: {
    output: (z) => Math.max(z, 0),
    derivative: (z) => (z > 0 ? 1 : 0),
  },
  leakyRelu: {
    output: (z, alpha) => (z > 0 ? z : alpha * z),
    derivative: (z, _a, alpha) => (z > 0 ? 1 : alpha),
  },
};

/**
 * Softmax of one row, stable: subtract the row max before exp.
 * a_j = exp(z_j − max z) / Σ_k exp(z_k − max z)
 */
export function softmaxRow(z: Float32Array, a: Float32Array, offset: number, n: number): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < n; j++) max = Math.max(max, z[offset + j] as number);
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const e = Math.exp((z[offset + j] as number) - max);
    a[offset + j] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let j = 0; j < n; j++) a[offset + j] = (a[offset + j] as number) * inv;
}

/**
 * The softmax Jacobian-vector product of one row: ∂J/∂z_j = a_j (∂J/∂a_j − Σ_k a_k ∂J/∂a_k).
 * (The Jacobian is diag(a) − a aᵀ; applying it to dA never builds it.)
 */
export function softmaxBackwardRow(
  a: Float32Array,
  dA: Float32Array,
  dZ: Float32Array,
  offset: number,
  n: number,
): void {
  let dot = 0;
  for (let j = 0; j < n; j++) dot += (a[offset + j] as number) * (dA[offset + j] as number);
  for (let j = 0; j < n; j++) dZ[offset + j] = (a[offset + j] as number) * ((dA[offset + j] as number) - dot);
}

/** Every activation name `resolveActivation` accepts. */
export const activationNames: readonly ActivationName[] = [
  'linear',
  'sigmoid',
  'tanh',
  'relu',
  'leakyRelu',
  'softmax',
];

/** The default slope of leaky ReLU for x < 0. */
export const DEFAULT_LEAKY_ALPHA = 0.01;

/** Resolves a name or `{ name, alpha }` into an `Activation`, with a clear error for anything else. */
export function resolveActivation(spec: ActivationSpec | undefined, where = 'activation'): Activation {
  const raw = spec ?? 'linear';
  const name = typeof raw === 'string' ? raw : raw?.name;
  if (typeof name !== 'string' || !activationNames.includes(name as ActivationName)) {
    throw new ChainruleError(
      'UNKNOWN_NAME',
      `${where}: unknown activation ${JSON.stringify(name ?? raw)}; expected one of ${activationNames.join(', ')}`,
    );
  }
  let alpha = 0;
  if (name === 'leakyRelu') {
    alpha = typeof raw === 'object' && raw.alpha !== undefined ? raw.alpha : DEFAULT_LEAKY_ALPHA;
    if (!Number.isFinite(alpha) || alpha < 0 || alpha >= 1) {
      throw new ChainruleError('INVALID_OPTION', `${where}: leakyRelu alpha must be in [0, 1), got ${alpha}`);
    }
  }
  return { name: name as ActivationName, alpha };
}

/** The JSON form of an activation: its name alone unless it has a parameter. */
export function activationToJSON(act: Activation): ActivationSpec {
  return act.name === 'leakyRelu' ? { name: act.name, alpha: act.alpha } : act.name;
}
