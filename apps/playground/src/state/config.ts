import {
  type ActivationName,
  activationNames,
  activationTable,
  ChainruleError,
  type LossName,
  lossNames,
  lossTable,
  type OptimizerName,
  optimizerNames,
  type ResolvedActivation,
  resolveActivation,
} from '@chainrule/core';
import { z } from 'zod';

/**
 * Everything that defines a run: one table of hyperparameters that round-trips through the URL (as TensorFlow
 * Playground's does), validated on the way in.
 */
export const datasetNames = [
  'circle',
  'xor',
  'gauss',
  'spiral',
  'multi',
  'reg-plane',
  'reg-gauss',
  'custom',
] as const;
export type DatasetName = (typeof datasetNames)[number];

/** What the data asks of the network: two classes, three classes, or a value. */
export const problemTypes = ['binary', 'multi', 'regression'] as const;
export type ProblemType = (typeof problemTypes)[number];
export const problemLabels: Record<ProblemType, string> = {
  binary: 'Binary',
  multi: 'Multi-class',
  regression: 'Regression',
};
/** Each built-in dataset's problem type (a custom dataset's is the config's `problem`). */
export const datasetProblem: Record<Exclude<DatasetName, 'custom'>, ProblemType> = {
  circle: 'binary',
  xor: 'binary',
  gauss: 'binary',
  spiral: 'binary',
  multi: 'multi',
  'reg-plane': 'regression',
  'reg-gauss': 'regression',
};
/** The built-in dataset the problem-type selector switches to from a built-in dataset of another type. */
export const firstDatasetOf: Record<ProblemType, Exclude<DatasetName, 'custom'>> = {
  binary: 'circle',
  multi: 'multi',
  regression: 'reg-plane',
};
/** The number of classes of a multi-class problem. */
export const CLASSES = 3;

export const featureNames = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2'] as const;
export type FeatureName = (typeof featureNames)[number];

/*
 * Activations, losses and optimizers are core's tables (`activationTable`, `lossTable`, `optimizerTable`): the
 * schema's enums and the selects' options and labels come from them, so a new entry appears here unedited. Links
 * carry the names, the tables' keys.
 */

/** What a hidden layer can take: every element-wise activation (a row-wise one, softmax, is an output only). */
export const activationChoices: readonly ActivationName[] = activationNames.filter(
  (name) => activationTable[name].kind === 'elementwise',
);
/** What the output layer can take: any activation; `consistencyProblem` checks it against the loss and data. */
export const outputChoices: readonly ActivationName[] = activationNames;
export const lossChoices: readonly LossName[] = lossNames;
export const optimizerChoices: readonly OptimizerName[] = optimizerNames;
export const regularizationChoices = ['none', 'l1', 'l2'] as const;
/** The dropout rates a hidden layer's select offers (a link or an imported model may bring another below 1). */
export const dropoutChoices = [0, 0.1, 0.2, 0.3, 0.5] as const;

export const MAX_LAYERS = 6;
/** The largest seed a link or the seed box takes. */
export const MAX_SEED = 1_000_000;
export const MAX_NEURONS = 8;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const configSchema = z.object({
  dataset: z.enum(datasetNames),
  /** The problem type; a built-in dataset decides it, so it is only free (and only in links) for custom data. */
  problem: z.enum(problemTypes),
  noise: int(0, 50),
  trainRatio: int(10, 90),
  batchSize: int(1, 30),
  seed: int(0, MAX_SEED),
  /**
   * The seed the network's initial weights (and training's batch order) are drawn from; ⟲ draws a new one, and the
   * link keeps it, so a shared link starts from the same weights.
   */
  initSeed: int(0, MAX_SEED),
  features: z.array(z.enum(featureNames)).min(1),
  hidden: z.array(int(1, MAX_NEURONS)).max(MAX_LAYERS),
  activation: z.enum(activationChoices),
  /** Per-layer overrides of `activation` (same length as hidden, or empty). */
  layerActivations: z.array(z.enum(activationChoices).nullable()).max(MAX_LAYERS),
  /**
   * The parameter α of each hidden layer's activation (leaky ReLU's slope, ELU's α: core's `activationTable[name]
   * .alpha`), null or missing for the table's default; only layers whose activation has one keep an entry.
   */
  alphas: z.array(z.coerce.number().nullable()).max(MAX_LAYERS),
  /**
   * Dropout rate after each hidden layer (a `Dropout` follows the layer's Dense when its rate is above 0); missing
   * entries are 0, so links from before dropout read as none.
   */
  dropout: z.array(z.coerce.number().min(0).lt(1)).max(MAX_LAYERS),
  output: z.enum(outputChoices),
  /** The output activation's α, null for the table's default (or for an activation without one). */
  outputAlpha: z.coerce.number().nullable(),
  loss: z.enum(lossChoices),
  optimizer: z.enum(optimizerChoices),
  learningRate: z.coerce.number().positive().max(10),
  regularization: z.enum(regularizationChoices),
  regularizationRate: z.coerce.number().min(0).max(10),
  kernels: z.enum(['wasm', 'js']),
  discretize: z.boolean(),
  showTest: z.boolean(),
  gradientView: z.boolean(),
  /** Epochs per second while playing; 0 for as fast as the kernels go. */
  speed: z.coerce.number().int().min(0).max(1000),
});
export type Config = z.infer<typeof configSchema>;

export const defaultConfig: Config = {
  dataset: 'circle',
  problem: 'binary',
  noise: 0,
  trainRatio: 50,
  batchSize: 10,
  seed: 1,
  initSeed: 1,
  features: ['x1', 'x2'],
  hidden: [4, 2],
  activation: 'tanh',
  layerActivations: [],
  alphas: [],
  dropout: [],
  output: 'sigmoid',
  outputAlpha: null,
  loss: 'binaryCrossEntropy',
  optimizer: 'sgd',
  learningRate: 0.03,
  regularization: 'none',
  regularizationRate: 0,
  kernels: 'wasm',
  discretize: false,
  showTest: false,
  gradientView: false,
  /** About one epoch per animation frame on a 60 Hz display, TensorFlow Playground's pace. */
  speed: 60,
};

/** The config's problem type: the built-in dataset's, or for custom data the `problem` field. */
export function problemOf(c: { dataset: DatasetName; problem?: ProblemType }): ProblemType {
  return c.dataset === 'custom' ? (c.problem ?? 'binary') : datasetProblem[c.dataset];
}
export const isRegression = (c: { dataset: DatasetName; problem?: ProblemType }) =>
  problemOf(c) === 'regression';
export const classCount = (c: { dataset: DatasetName; problem?: ProblemType }) =>
  problemOf(c) === 'multi' ? CLASSES : 1;

/** The output activation and loss that suit a problem type (or a dataset's), for when the user switches. */
export function outputFor(kind: ProblemType | DatasetName): Pick<Config, 'output' | 'loss'> {
  const problem = (problemTypes as readonly string[]).includes(kind)
    ? (kind as ProblemType)
    : problemOf({ dataset: kind as DatasetName });
  if (problem === 'multi') return { output: 'softmax', loss: 'softmaxCrossEntropy' };
  if (problem === 'regression') return { output: 'linear', loss: 'mse' };
  return { output: 'sigmoid', loss: 'binaryCrossEntropy' };
}

/** The activation of hidden layer i. */
export const layerActivation = (c: Pick<Config, 'activation' | 'layerActivations'>, i: number) =>
  c.layerActivations[i] ?? c.activation;

/**
 * How the page writes two classes for an output that classifies (core's `classificationThreshold` t): class 1 as 1,
 * class 0 as its mirror across the threshold, 2t − 1 (sigmoid 0 and 1, tanh −1 and 1, softmax's columns 0 and 1).
 * Null for an activation that does not classify (linear, ReLU, …: no threshold, no fixed ends).
 */
export function classScale(
  activation: ActivationName,
): { low: number; threshold: number; high: number } | null {
  const t = activationTable[activation].classificationThreshold;
  return t === null ? null : { low: 2 * t - 1, threshold: t, high: 1 };
}

/** The output layer's units: one per class for a row-wise output (softmax, core's table), else one. */
export const outputUnits = (c: Pick<Config, 'output'>) =>
  activationTable[c.output].kind === 'rowwise' ? CLASSES : 1;

/**
 * Dense layer l's activation with its α, as core resolves it (`resolveActivation`: the table's default where the
 * config has none, 0 for an activation without one): hidden layers 0…L−2, then the output (l = hidden.length). What
 * the worker builds with `mlp`, and what a derivation computes φ with. Throws core's error for an α out of range.
 */
export function resolvedActivation(c: Config, l: number): ResolvedActivation {
  const output = l >= c.hidden.length;
  const name = output ? c.output : layerActivation(c, l);
  const alpha = output ? c.outputAlpha : c.alphas[l];
  const where = output ? 'the output layer' : `hidden layer ${l + 1}`;
  return resolveActivation(alpha === null || alpha === undefined ? name : { name, alpha }, where);
}

/**
 * The α of each hidden layer as the config keeps it: cut to the hidden layers, null where the layer's activation has
 * no α or it is the table's default, without trailing nulls (so the defaults make no link field).
 */
export function normalAlphas(
  c: Pick<Config, 'alphas' | 'hidden' | 'activation' | 'layerActivations'>,
): (number | null)[] {
  const out = c.hidden.map((_, i) => keptAlpha(layerActivation(c, i), c.alphas[i]));
  while (out.length > 0 && out[out.length - 1] === null) out.pop();
  return out;
}

/** The output's α as the config keeps it: null where the output activation has none or it is the default. */
export const normalOutputAlpha = (c: Pick<Config, 'output' | 'outputAlpha'>) =>
  keptAlpha(c.output, c.outputAlpha);

function keptAlpha(name: ActivationName, alpha: number | null | undefined): number | null {
  const param = activationTable[name].alpha;
  return param && alpha !== null && alpha !== undefined && alpha !== param.default ? alpha : null;
}

/** The dropout rate after hidden layer i (0: no Dropout layer). */
export const layerDropout = (c: Pick<Config, 'dropout'>, i: number) => c.dropout[i] ?? 0;

/** Dropout rates cut to the hidden layers and without trailing zeros, so "none" is always `[]` (and no link field). */
export function normalDropout(rates: readonly number[], layers: number): number[] {
  const out = rates.slice(0, layers);
  while (out.length > 0 && !out[out.length - 1]) out.pop();
  return out;
}

/** The config's dropout rates with hidden layer i's set to `rate`, normalized. */
export function withLayerDropout(c: Config, i: number, rate: number): number[] {
  const rates = c.hidden.map((_, k) => (k === i ? rate : layerDropout(c, k)));
  return normalDropout(rates, c.hidden.length);
}

/**
 * Checks the combinations a schema cannot: each α in its activation's range (core's `resolveActivation`), a fused
 * loss needs its output activation (`lossTable`), a row-wise output (softmax) needs classes and the classes need one.
 */
export function consistencyProblem(c: Config): string | null {
  const alpha = alphaProblem(c);
  if (alpha) return alpha;
  const fused = lossTable[c.loss].fusedActivation;
  if (fused && c.output !== fused) return `${lossTable[c.loss].label.toLowerCase()} needs a ${fused} output`;
  const rowwise = activationTable[c.output].kind === 'rowwise';
  if (rowwise && classCount(c) < 2) return `a ${c.output} output needs the multi-class dataset`;
  if (classCount(c) > 1 && !rowwise) {
    const outputs = outputChoices.filter((a) => activationTable[a].kind === 'rowwise');
    return `the multi-class dataset needs a ${outputs.join(' or ')} output`;
  }
  return null;
}

/** An α core would refuse (out of its activation's range, core's own message), or null. */
function alphaProblem(c: Config): string | null {
  try {
    for (let l = 0; l <= c.hidden.length; l++) resolvedActivation(c, l);
    return null;
  } catch (err) {
    if (err instanceof ChainruleError) return err.message;
    throw err;
  }
}

/** The link's field that carries custom points (see ./link). */
export const POINTS_PARAM = 'points';

/** The config as a URL hash: only the fields that differ from the defaults, so links stay short. */
export function toHash(c: Config): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(defaultConfig) as (keyof Config)[]) {
    const value = c[key];
    const fallback = defaultConfig[key];
    if (JSON.stringify(value) === JSON.stringify(fallback)) continue;
    if (key === 'problem' && c.dataset !== 'custom') continue; // the dataset says it
    if (Array.isArray(value)) params.set(key, value.map((v) => (v === null ? '' : String(v))).join(','));
    else if (value === null) params.set(key, '');
    else params.set(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  return params.toString();
}

/**
 * Reads a config from a URL hash. Anything invalid — an unknown name, a number out of range, a broken array —
 * gives the defaults and a notice naming the field, never a blank page.
 */
export function fromHash(hash: string): { config: Config; notice: string | null } {
  const raw = hash.replace(/^#/, '');
  if (!raw) return { config: defaultConfig, notice: null };
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(raw);
  } catch {
    return { config: defaultConfig, notice: 'The link’s settings could not be read; showing the defaults.' };
  }
  const input: Record<string, unknown> = { ...defaultConfig };
  for (const [key, value] of params) {
    if (key === POINTS_PARAM) continue; // the custom points: read by ./link
    if (!(key in defaultConfig)) {
      return {
        config: defaultConfig,
        notice: `The link has an unknown setting “${key}”; showing the defaults.`,
      };
    }
    const fallback = defaultConfig[key as keyof Config];
    if (Array.isArray(fallback)) {
      input[key] =
        value === ''
          ? []
          : value
              .split(',')
              .map((v) =>
                key === 'layerActivations'
                  ? v === ''
                    ? null
                    : v
                  : key === 'alphas'
                    ? v === ''
                      ? null
                      : v
                    : key === 'hidden' || key === 'dropout'
                      ? Number(v)
                      : v,
              );
    } else if (key === 'outputAlpha') {
      input[key] = value === '' ? null : value;
    } else if (typeof fallback === 'boolean') {
      input[key] =
        value === '1' || value === 'true' ? true : value === '0' || value === 'false' ? false : value;
    } else {
      input[key] = value;
    }
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'settings';
    return {
      config: defaultConfig,
      notice: `The link’s “${field}” is not valid (${issue?.message ?? 'invalid'}); showing the defaults.`,
    };
  }
  // A built-in dataset decides the problem type (links from before the field have none).
  if (parsed.data.dataset !== 'custom') parsed.data.problem = datasetProblem[parsed.data.dataset];
  const problem = consistencyProblem(parsed.data);
  if (problem)
    return {
      config: defaultConfig,
      notice: `The link’s settings do not fit together (${problem}); showing the defaults.`,
    };
  const config = parsed.data;
  return {
    config: {
      ...config,
      dropout: normalDropout(config.dropout, config.hidden.length),
      alphas: normalAlphas(config),
      outputAlpha: normalOutputAlpha(config),
    },
    notice: null,
  };
}
