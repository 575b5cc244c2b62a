import { ChainruleError } from './errors.js';

/**
 * Everything about each activation in one entry (docs/math.md §2): its forward beside its derivative (the reference
 * the JS kernels run), its default initializer, the code the WebAssembly kernels switch on, how it is exported to
 * ONNX and TensorFlow.js, and the label a UI shows. Every list of activations in chainrule — the kernel codes, the
 * conformance suite, the exporters, the CLI's options and help, the playground's selects — is derived from
 * `activationTable`. Adding an activation is an entry here, its case in `kernels-wasm/assembly/activations.ts`,
 * and its float64 reference in `testing/reference.ts`.
 */

/** An activation applied element by element: a = f(z), and ∂a/∂z from z and a. */
export interface ElementwiseActivation {
  /** a = φ(z) */
  output(z: number, alpha: number): number;
  /** ∂a/∂z, given both z and a = φ(z) (each activation uses whichever its derivation uses). */
  derivative(z: number, a: number, alpha: number): number;
}

/** The part of an ONNX graph builder an activation needs to write itself (implemented by `@chainrule/interop`). */
export interface OnnxNodeWriter {
  /** Adds a node `op(inputs)` with float or int attributes and returns the name of its one output. */
  node(
    op: string,
    inputs: readonly string[],
    attributes?: Readonly<Record<string, { float: number } | { int: number }>>,
  ): string;
}

/** How an activation appears in a TensorFlow.js layers model. */
export type TfjsActivation =
  /** A Dense layer's `activation` string. */
  | { readonly activation: string }
  /** A layer of its own after a linear Dense (e.g. `LeakyReLU` with `{ alpha }`). */
  | {
      readonly layer: string;
      /** The layer's config for this α. */
      readonly config: (alpha: number) => Record<string, number>;
    };

/** An activation's formulas as TeX: every argument is TeX already (a symbol such as `z`, or a typeset number). */
export interface ActivationTex {
  /** φ(z). */
  phi(z: string): string;
  /**
   * φ′ in terms of z and a (whichever its derivation uses) and α. `side` is which side of 0 z is on, when the caller
   * knows a value (a piecewise φ′ then shows only its branch); omitted, piecewise forms show both cases.
   */
  dphi(z: string, a: string, alpha: string, side?: 'above' | 'below'): string;
}

/** The branch of a piecewise φ′ on `side`, or both cases. */
const cases = (z: string, above: string, below: string, side?: 'above' | 'below') =>
  side === undefined
    ? `\\begin{cases}${above} & ${z} > 0\\\\ ${below} & \\text{else}\\end{cases}`
    : side === 'above'
      ? above
      : below;

/** An activation's one parameter (leaky ReLU's slope, ELU's α): default and the open/closed range it must lie in. */
export interface ActivationParameter {
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** Whether `max` itself is allowed (min is always allowed unless `minExclusive`). */
  readonly maxInclusive: boolean;
  readonly minExclusive: boolean;
}

interface ActivationEntryBase {
  /** What a UI shows: `ReLU`, `Leaky ReLU`. */
  readonly label: string;
  /** One line for help texts. */
  readonly description: string;
  /** The code `kernels-wasm` switches on (assembly/activations.ts); unique. */
  readonly kernelCode: number;
  /** The initializer a `Dense` with this activation defaults to. */
  readonly defaultInit: 'heUniform' | 'glorotUniform';
  /** The parameter `alpha`, for the activations that have one. */
  readonly alpha?: ActivationParameter;
  /** As an output layer: the threshold that turns one column into a class, or null if it is not a classifier. */
  readonly classificationThreshold: number | null;
  /**
   * Whether φ′ jumps at z = 0 for this α (ReLU, leaky ReLU, ELU with α ≠ 1): a finite difference that steps across
   * z = 0 does not measure the derivative there, and inspection says so.
   */
  kinkAtZero(alpha: number): boolean;
  /** φ and φ′ as the derivations write them (docs/math.md §2), for a UI that typesets them (KaTeX). */
  readonly tex: ActivationTex;
  /** Writes the activation of `x` into an ONNX graph (opset 13) and returns the output's name (linear: `x`). */
  toOnnx(graph: OnnxNodeWriter, x: string, alpha: number): string;
  readonly tfjs: TfjsActivation;
}

/** An activation computed element by element. */
export interface ElementwiseEntry extends ActivationEntryBase, ElementwiseActivation {
  readonly kind: 'elementwise';
}

/** An activation computed per row (softmax): forward, and the Jacobian-vector product backward. */
export interface RowwiseEntry extends ActivationEntryBase {
  readonly kind: 'rowwise';
  /** a = φ(z) for the row of n values at `offset`. */
  forwardRow(z: Float32Array, a: Float32Array, offset: number, n: number): void;
  /** ∂J/∂z from ∂J/∂a for the row at `offset` (the Jacobian-vector product). */
  backwardRow(a: Float32Array, dA: Float32Array, dZ: Float32Array, offset: number, n: number): void;
}

/** One entry of `activationTable`. */
export type ActivationEntry = ElementwiseEntry | RowwiseEntry;

/** σ(z), split on the sign so exp never overflows. */
function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

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

const table = {
  linear: {
    kind: 'elementwise',
    label: 'Linear',
    description: 'a = z',
    kernelCode: 0,
    defaultInit: 'glorotUniform',
    classificationThreshold: null,
    kinkAtZero: () => false,
    output: (z) => z,
    derivative: () => 1,
    toOnnx: (_g, x) => x,
    tex: { phi: (z) => z, dphi: () => '1' },
    tfjs: { activation: 'linear' },
  },
  sigmoid: {
    kind: 'elementwise',
    label: 'Sigmoid',
    description: 'a = 1/(1 + e^−z); the binary classifier output',
    kernelCode: 1,
    defaultInit: 'glorotUniform',
    classificationThreshold: 0.5,
    kinkAtZero: () => false,
    output: (z) => sigmoid(z),
    derivative: (_z, a) => a * (1 - a),
    toOnnx: (g, x) => g.node('Sigmoid', [x]),
    tex: { phi: (z) => `\\sigma(${z})`, dphi: (_z, a) => `${a}\\,(1 - ${a})` },
    tfjs: { activation: 'sigmoid' },
  },
  tanh: {
    kind: 'elementwise',
    label: 'Tanh',
    description: 'a = tanh z; as an output, classes −1/1',
    kernelCode: 2,
    defaultInit: 'glorotUniform',
    classificationThreshold: 0,
    kinkAtZero: () => false,
    output: (z) => Math.tanh(z),
    derivative: (_z, a) => 1 - a * a,
    toOnnx: (g, x) => g.node('Tanh', [x]),
    tex: { phi: (z) => `\\tanh(${z})`, dphi: (_z, a) => `1 - ${a}^2` },
    tfjs: { activation: 'tanh' },
  },
  relu: {
    kind: 'elementwise',
    label: 'ReLU',
    description: 'a = max(z, 0)',
    kernelCode: 3,
    defaultInit: 'heUniform',
    classificationThreshold: null,
    kinkAtZero: () => true,
    output: (z) => Math.max(z, 0),
    derivative: (z) => (z > 0 ? 1 : 0),
    toOnnx: (g, x) => g.node('Relu', [x]),
    tex: { phi: (z) => `\\max(${z}, 0)`, dphi: (z) => `[\\,${z} > 0\\,]` },
    tfjs: { activation: 'relu' },
  },
  leakyRelu: {
    kind: 'elementwise',
    label: 'Leaky ReLU',
    description: 'a = z for z > 0, αz below (α default 0.01)',
    kernelCode: 4,
    defaultInit: 'heUniform',
    alpha: { default: 0.01, min: 0, max: 1, maxInclusive: false, minExclusive: false },
    classificationThreshold: null,
    kinkAtZero: (alpha) => alpha !== 1,
    output: (z, alpha) => (z > 0 ? z : alpha * z),
    derivative: (z, _a, alpha) => (z > 0 ? 1 : alpha),
    toOnnx: (g, x, alpha) => g.node('LeakyRelu', [x], { alpha: { float: alpha } }),
    tex: {
      phi: (z) => `\\operatorname{LeakyReLU}(${z})`,
      dphi: (z, _a, alpha, side) => cases(z, '1', alpha, side),
    },
    tfjs: { layer: 'LeakyReLU', config: (alpha) => ({ alpha }) },
  },
  elu: {
    kind: 'elementwise',
    label: 'ELU',
    description: 'a = z for z > 0, α(e^z − 1) below (α default 1)',
    kernelCode: 6,
    defaultInit: 'heUniform',
    alpha: { default: 1, min: 0, max: 100, maxInclusive: true, minExclusive: true },
    classificationThreshold: null,
    kinkAtZero: (alpha) => alpha !== 1,
    output: (z, alpha) => (z > 0 ? z : alpha * Math.expm1(z)),
    // From a, as for σ and tanh: for z ≤ 0, ∂a/∂z = α·e^z = a + α.
    derivative: (z, a, alpha) => (z > 0 ? 1 : a + alpha),
    toOnnx: (g, x, alpha) => g.node('Elu', [x], { alpha: { float: alpha } }),
    tex: {
      phi: (z) => `\\operatorname{ELU}(${z})`,
      dphi: (z, a, alpha, side) => cases(z, '1', `${a} + ${alpha}`, side),
    },
    tfjs: { layer: 'ELU', config: (alpha) => ({ alpha }) },
  },
  softplus: {
    kind: 'elementwise',
    label: 'Softplus',
    description: 'a = log(1 + e^z), a smooth ReLU',
    kernelCode: 7,
    defaultInit: 'glorotUniform',
    classificationThreshold: null,
    kinkAtZero: () => false,
    // max(z, 0) + log(1 + e^−|z|): finite for every z.
    output: (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))),
    derivative: (z) => sigmoid(z),
    toOnnx: (g, x) => g.node('Softplus', [x]),
    tex: { phi: (z) => `\\log(1 + e^{${z}})`, dphi: (z) => `\\sigma(${z})` },
    tfjs: { activation: 'softplus' },
  },
  silu: {
    kind: 'elementwise',
    label: 'SiLU (swish)',
    description: 'a = z·σ(z)',
    kernelCode: 8,
    defaultInit: 'heUniform',
    classificationThreshold: null,
    kinkAtZero: () => false,
    output: (z) => z * sigmoid(z),
    derivative: (z) => {
      const s = sigmoid(z);
      return s * (1 + z * (1 - s));
    },
    // ONNX has no SiLU before opset 22: x·Sigmoid(x).
    toOnnx: (g, x) => g.node('Mul', [x, g.node('Sigmoid', [x])]),
    tex: {
      phi: (z) => `${z}\\,\\sigma(${z})`,
      dphi: (z) => `\\sigma(${z})\\,(1 + ${z}\\,(1 - \\sigma(${z})))`,
    },
    tfjs: { activation: 'swish' },
  },
  softmax: {
    kind: 'rowwise',
    label: 'Softmax',
    description: 'a_j = e^{z_j}/Σ_k e^{z_k} per row; the multi-class output',
    kernelCode: 5,
    defaultInit: 'glorotUniform',
    classificationThreshold: 0.5,
    kinkAtZero: () => false,
    forwardRow: softmaxRow,
    backwardRow: softmaxBackwardRow,
    toOnnx: (g, x) => g.node('Softmax', [x], { axis: { int: -1 } }),
    tex: {
      phi: (z) => `\\operatorname{softmax}(${z})`,
      dphi: () => '\\operatorname{diag}(a) - a a^{\\mathsf T}',
    },
    tfjs: { activation: 'softmax' },
  },
} as const satisfies Record<string, ActivationEntry>;

/** An activation's name: a key of `activationTable`. */
export type ActivationName = keyof typeof table;

/** Every activation chainrule has, by name: the one place each is defined. */
export const activationTable: Readonly<Record<ActivationName, ActivationEntry>> = table;

/** What a layer is configured with: a name, or `{ name, alpha }` for the activations with a parameter. */
export type ActivationSpec = ActivationName | { name: ActivationName; alpha?: number };

/** A resolved activation: the name plus its one parameter (0 for those without). */
export interface ResolvedActivation {
  readonly name: ActivationName;
  readonly alpha: number;
}

/** The entry of a resolved activation. */
export function activationEntry(name: ActivationName): ActivationEntry {
  return activationTable[name];
}

/** Every activation name `resolveActivation` accepts, in the table's order. */
export const activationNames = Object.keys(activationTable) as ActivationName[];

/** The elementwise activations by name: each output beside its derivative (all but softmax). */
export const elementwise = Object.fromEntries(
  Object.entries(activationTable).filter(([, e]) => e.kind === 'elementwise'),
) as unknown as Readonly<Record<Exclude<ActivationName, 'softmax'>, ElementwiseEntry>>;

/** The default slope of leaky ReLU for x < 0. */
export const DEFAULT_LEAKY_ALPHA = table.leakyRelu.alpha.default;

/** Resolves a name or `{ name, alpha }` into a `ResolvedActivation`, with a clear error for anything else. */
export function resolveActivation(
  spec: ActivationSpec | undefined,
  where = 'activation',
): ResolvedActivation {
  const raw = spec ?? 'linear';
  const name = typeof raw === 'string' ? raw : raw?.name;
  if (typeof name !== 'string' || !Object.hasOwn(activationTable, name)) {
    throw new ChainruleError(
      'UNKNOWN_NAME',
      `${where}: unknown activation ${JSON.stringify(name ?? raw)}; expected one of ${activationNames.join(', ')}`,
    );
  }
  const entry: ActivationEntry = activationTable[name as ActivationName];
  const param = entry.alpha;
  if (!param) return { name: name as ActivationName, alpha: 0 };
  const alpha = typeof raw === 'object' && raw.alpha !== undefined ? raw.alpha : param.default;
  const tooLow = param.minExclusive ? alpha <= param.min : alpha < param.min;
  const tooHigh = param.maxInclusive ? alpha > param.max : alpha >= param.max;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || tooLow || tooHigh) {
    const range = `${param.minExclusive ? '(' : '['}${param.min}, ${param.max}${param.maxInclusive ? ']' : ')'}`;
    throw new ChainruleError('INVALID_OPTION', `${where}: ${name} alpha must be in ${range}, got ${alpha}`);
  }
  return { name: name as ActivationName, alpha };
}

/** The JSON form of an activation: its name alone unless it has a parameter. */
export function activationToJSON(act: ResolvedActivation): ActivationSpec {
  return activationTable[act.name].alpha ? { name: act.name, alpha: act.alpha } : act.name;
}
