import type { ActivationSpec } from './activations.js';
import { Dense } from './dense.js';
import { ChainruleError, checkNumber } from './errors.js';
import type { InitializerSpec } from './initializers.js';
import type { Kernels } from './kernels.js';
import type { Layer } from './layer.js';
import { type LossSpec, resolveLoss } from './losses.js';
import { Sequential } from './sequential.js';

/** How `mlp` builds a network. */
export interface MlpOptions {
  /** The loss J. */
  loss: LossSpec;
  /** Every hidden layer's activation; default `relu`. */
  activation?: ActivationSpec;
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
}

/**
 * A multi-layer perceptron: `sizes` is [inputs, hidden…, outputs] and every step between two sizes is a `Dense`.
 * `mlp([2, 8, 8, 1], { loss: 'binaryCrossEntropy', activation: 'tanh' })` is TensorFlow Playground's network.
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
  const layers: Layer[] = [];
  for (let i = 1; i < sizes.length; i++) {
    const last = i === sizes.length - 1;
    layers.push(
      new Dense(sizes[i - 1] as number, sizes[i] as number, {
        activation: last ? output : (options.activation ?? 'relu'),
        ...(options.init ? { init: options.init } : {}),
        ...(options.regularization ? { regularization: options.regularization } : {}),
      }),
    );
  }
  return new Sequential(layers, {
    loss,
    ...(options.kernels ? { kernels: options.kernels } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
}
