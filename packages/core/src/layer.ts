import type { ResolvedActivation } from './activations.js';
import type { Kernels } from './kernels.js';
import type { Matrix } from './matrix.js';
import type { Rng } from './rng.js';

/**
 * A trainable buffer, its gradient buffer (∂J/∂param) and its penalty strengths. Both are the handles the kernels
 * allocated (a bias is 1×units): pass them to kernels as they are, and read `.data` only where you use it.
 */
export interface Param {
  /** `layer.W`, `layer.b`: names the parameter in messages. */
  readonly name: string;
  readonly value: Matrix;
  /** ∂J/∂param, written by the layer's backward pass; the shape of `value`. */
  readonly grad: Matrix;
  /** L1 and L2 strengths; biases have none. */
  readonly l1: number;
  readonly l2: number;
}

/** One layer's per-batch buffers, N×outputSize each, allocated through the kernels once per batch size. */
export interface LayerBuffers {
  /** Z, the pre-activation. */
  readonly z: Matrix;
  /** A = φ(Z), the layer's output. */
  readonly a: Matrix;
  /** ∂J/∂A. */
  readonly dA: Matrix;
  /** ∂J/∂Z. */
  readonly dZ: Matrix;
  /** The extra buffers the layer declared in `extraBuffers`, by name, N×outputSize each. */
  readonly extra: Readonly<Record<string, Matrix>>;
}

/**
 * The weights a layer exchanges through `getWeights`/`setWeights`: W is inputs×units, b has length units. A layer
 * without parameters (Dropout, Activation) has W 0×0 and b of length 0, so a model's list stays one per layer.
 */
export interface LayerWeights {
  W: Matrix;
  b: Float32Array;
}

/** Context a model hands each layer when it builds it. */
export interface BuildContext {
  readonly kernels: Kernels;
  /** The model's seeded generator for initialization (and its shuffles). */
  readonly rng: Rng;
  /** The model's seeded generator for training-time noise (dropout masks), a stream apart from `rng`. */
  readonly noise: Rng;
  /** Position in the model, 0-based; names unnamed layers. */
  readonly index: number;
  /** The previous layer's output size (undefined for the first layer): layers that keep their width take it. */
  readonly inputSize: number | undefined;
}

/**
 * A layer maps an N×inputSize batch to N×outputSize: Z from X, then A = φ(Z). Implement it to add a layer kind —
 * `Dense`, `Dropout` and `Activation` are the references — and give its JSON reader to `layerTypes` (or to `Sequential.fromJSON`'s `layerTypes` option)
 * so models containing it load (`Sequential.fromJSON`) and tools find it by `type`. A layer allocates through the
 * kernels it is built with, in `build`, and allocates nothing in `forward`/`backward`.
 */
export interface Layer {
  /** The registry key its JSON carries (`dense`, `dropout`, `activation`). */
  readonly type: string;
  readonly name: string;
  readonly inputSize: number;
  readonly outputSize: number;
  /** φ at this layer's output (linear if it applies none): what a fused loss and accuracy look at. */
  readonly activation: ResolvedActivation;
  /** Extra N×outputSize buffers it needs per batch, by name (Dropout: its mask); the model allocates them. */
  readonly extraBuffers?: readonly string[];
  /** Allocates and initializes parameters; called once by the model before anything else. A build that throws frees
   * whatever it allocated first. */
  build(context: BuildContext): void;
  /** Trainable parameters with their gradient buffers, for optimizers and regularization (none: `[]`). */
  params(): readonly Param[];
  /**
   * Writes Z and A = φ(Z) for input x into `buffers`. `training` is true in training passes (`fit`,
   * `trainEpoch`, `trainBatch`, and `gradients` when asked): Dropout drops then, and is the identity otherwise.
   */
  forward(x: Matrix, buffers: LayerBuffers, training: boolean): void;
  /**
   * The backward pass through this layer. Reads ∂J/∂A from `buffers.dA` (or, when `dZReady`, ∂J/∂Z already
   * in `buffers.dZ`, as a fused loss writes it), writes ∂J/∂Z, the parameter gradients, and ∂J/∂X into `dX`
   * when given.
   */
  backward(x: Matrix, buffers: LayerBuffers, dZReady: boolean, dX: Matrix | null): void;
  /** Copies of the weights, on the JS heap (W 0×0 and an empty b without parameters). */
  getWeights(): LayerWeights;
  /** Copies of ∂J/∂W and ∂J/∂b from the last backward pass, on the JS heap. */
  getGradients(): LayerWeights;
  /** Replaces the weights; validates shapes and finiteness. */
  setWeights(weights: LayerWeights): void;
  /** A plain object its registered reader rebuilds the layer from (weights included). */
  toJSON(): LayerJSON;
  /** Frees kernel memory. The layer can then be built into a new model again (with freshly drawn weights). */
  dispose(): void;
}

/** A layer in model JSON: a `type` tag and whatever the layer needs to rebuild itself. */
export interface LayerJSON {
  type: string;
  [key: string]: unknown;
}
