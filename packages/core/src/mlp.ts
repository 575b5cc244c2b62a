import type { ActivationSpec } from './activations.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { ChainruleError, checkNumber } from './errors.js';
import type { InitializerSpec } from './initializers.js';
import type { Kernels } from './kernels.js';
import type { Layer } from './layer.js';
import { type LossSpec, resolveLoss } from './losses.js';
import type { MatrixLike } from './matrix.js';
import { Normalization } from './normalization.js';
import { Sequential } from './sequential.js';

/** How `mlp` builds a network. */
export interface MlpOptions {
  /** The loss J. */
  loss: LossSpec;
  /** The hidden layers' activation: one for all, or one per hidden layer; default `relu`. */
  activation?: ActivationSpec | readonly ActivationSpec[];
  /**
   * Standardize the inputs: a `Normalization` first, adapted to these rows (typically the training X). Its
   * statistics travel with the model, so predictions take raw features.
   */
  standardize?: MatrixLike;
  /** A `Dropout` after hidden layers: one rate for all, or one per hidden layer (0: none); default none. */
  dropout?: number | readonly number[];
  /** The output layer's activation; default the one the loss needs (softmax, sigmoid), else `linear`. */
  output?: ActivationSpec;
  /** Weight initializer for every layer; default each activation's. */
  init?: InitializerSpec;
  /** Penalties on every W. */
  regularization?: { l1?: number; l2?: number };
  /** Where the arithmetic runs; default `jsKernels`. */
  kernels?: Kernels;
  /** Seeds initialization and shuffling; default 1. */
  seed?: number;
  /** The class names, in output order (see `Sequential.labels`); kept in the model JSON. */
  labels?: readonly string[];
}

/**
 * A multi-layer perceptron: `sizes` is [inputs, hidden…, outputs] and every step between two sizes is a `Dense`,
 * with a `Dropout` after a hidden layer where `dropout` asks for one. The one model builder the CLI and the
 * playground use. `mlp([2, 8, 8, 1], { loss: 'binaryCrossEntropy', activation: 'tanh' })` is TensorFlow
 * Playground's network.
 */
export function mlp(sizes: readonly number[], options: MlpOptions): Sequential {
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new ChainruleError(
      'SHAPE',
      `mlp: sizes must be [inputs, …hidden, outputs] with at least two numbers, got ${JSON.stringify(sizes)}`,
    );
  }
  for (const [i, n] of sizes.entries()) checkNumber('mlp', `sizes[${i}]`, n, { min: 1, integer: true });
  const loss = resolveLoss(options?.loss);
  const output = options.output ?? loss.fusedActivation ?? 'linear';
  const hidden = sizes.length - 2;
  const perLayer = <T>(what: string, value: T | readonly T[] | undefined, fallback: T): T[] => {
    if (!Array.isArray(value)) return Array.from({ length: hidden }, () => (value ?? fallback) as T);
    if (value.length !== hidden) {
      throw new ChainruleError(
        'SHAPE',
        `mlp: ${what} has ${value.length} entries for ${hidden} hidden layer${hidden === 1 ? '' : 's'}`,
      );
    }
    return [...value];
  };
  const activations = perLayer<ActivationSpec>('activation', options.activation, 'relu');
  const dropout = perLayer<number>('dropout', options.dropout, 0);
  const layers: Layer[] = options.standardize ? [new Normalization().adapt(options.standardize)] : [];
  for (let i = 1; i < sizes.length; i++) {
    const last = i === sizes.length - 1;
    layers.push(
      new Dense(sizes[i - 1] as number, sizes[i] as number, {
        activation: last ? output : (activations[i - 1] as ActivationSpec),
        ...(options.init ? { init: options.init } : {}),
        ...(options.regularization ? { regularization: options.regularization } : {}),
      }),
    );
    const rate = last ? 0 : (dropout[i - 1] as number);
    if (rate !== 0) layers.push(new Dropout(rate)); // Dropout validates the rate (a negative or NaN one throws)
  }
  return new Sequential(layers, {
    loss,
    ...(options.kernels ? { kernels: options.kernels } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.labels !== undefined ? { labels: options.labels } : {}),
  });
}
