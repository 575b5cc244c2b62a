/**
 * The one protocol between the page and the trainer worker: a discriminated union each way. Typed arrays in
 * snapshots are transferred, not copied.
 */

import type { ActivationName, ChainTerm, FiniteDifference } from '@chainrule/core';
import type { Point } from '../data/datasets';
import type { Config } from '../state/config';

export type KernelChoice = 'wasm' | 'js';

/**
 * A parameter of the network as the page draws it: `layer` counts Dense layers (0 is the first hidden layer, the
 * last is the output), whatever Dropout layers sit between them in the model.
 */
export type InspectTarget =
  | { kind: 'weight'; layer: number; from: number; to: number }
  | { kind: 'bias'; layer: number; unit: number };

export type ToWorker =
  | { type: 'configure'; config: Config; train: Point[]; test: Point[]; keepWeights?: boolean }
  | { type: 'play' }
  | { type: 'setSpeed'; epochsPerSecond: number }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset' }
  | { type: 'iterate' }
  | { type: 'setWeight'; layer: number; from: number; to: number; value: number }
  | { type: 'setBias'; layer: number; unit: number; value: number }
  | { type: 'setKernels'; kernels: KernelChoice }
  /** `example`: the training row the derivation panel follows (kept until another is sent; default 0). */
  | { type: 'inspect'; target: InspectTarget | null; example?: number }
  | { type: 'exportModel' }
  | { type: 'importModel'; json: string };

export interface LayerSnapshot {
  inputs: number;
  units: number;
  activation: ActivationName;
  /** inputs×units, row-major. */
  W: Float32Array;
  b: Float32Array;
  /** ∂J/∂W and ∂J/∂b on the training set. */
  dW: Float32Array;
  db: Float32Array;
}

export interface Snapshot {
  epoch: number;
  /** Updates applied so far. */
  iterations: number;
  lossTrain: number;
  lossTest: number;
  accTrain: number | null;
  accTest: number | null;
  layers: LayerSnapshot[];
  /** Every neuron's output over a size×size grid of the plane: `data[offsets[l][u] + r·size + c]`. */
  heatmaps: { size: number; data: Float32Array; offsets: number[][] } | null;
  stepsPerSecond: number;
  epochsPerSecond: number;
  playing: boolean;
}

/**
 * One example's terms of the chain rule for the selected parameter (core's `ChainTerm`): ∂J/∂a, ∂a/∂z (null for
 * softmax, whose ∂J/∂z is a Jacobian-vector product), ∂J/∂z, ∂z/∂w (the input on the link, 1 for a bias), product.
 */
export type ChainRow = ChainTerm;

/**
 * Core's `FiniteDifference` addressed the page's way: `laterKinkLayers` names the Dense layers (0 is the first
 * hidden layer, as `InspectTarget.layer` counts) in which the step moved a z across its kink, each with its
 * activation; the trainer always sends both later-kink fields (optional only so hand-written values type-check, as
 * in core).
 */
export interface PageFiniteDifference extends Omit<FiniteDifference, 'laterKinkLayers'> {
  laterKinkLayers?: { layer: number; activation: ActivationName }[];
}

/** Core's `inspect` of one parameter on the training set, addressed the page's way. */
export interface Inspection {
  target: InspectTarget;
  value: number;
  activation: ActivationName;
  examples: number;
  /** The first rows, to read. */
  rows: ChainRow[];
  /** Σ over every example of the products. */
  sumOfProducts: number;
  /** l1·sign(w) + l2·w (0 for a bias or without regularization). */
  regularization: number;
  /** ∂J/∂w as the backward pass computed it (∂J/∂W entry). */
  gradient: number;
  /**
   * (J(w + ε) − J(w − ε)) / 2ε on the training set, with ε shrunk below 1e-3 when a kink (ReLU's z = 0) lies
   * within reach of `kinks` examples or the step moved a later layer's z across its kink for `laterKinks` examples,
   * and `reliable` false when no ε could step clear of them.
   */
  finiteDifference: PageFiniteDifference;
  loss: number;
  /**
   * The followed example through the network, from the same weights (what the derivation panel substitutes); the
   * trainer always sends it.
   */
  detail?: ExampleDetail;
}

/** One Dense layer at one example: every unit's z, a, ∂J/∂a and ∂J/∂z (inference pass, as `inspect` uses). */
export interface ExampleLayer {
  z: number[];
  a: number[];
  dA: number[];
  dZ: number[];
}

/**
 * One training example through the network for the selected parameter: the numbers a derivation substitutes. All
 * come from core (one `gradients` pass over the training set, so every ∂J/∂… carries the mean's 1/N).
 */
export interface ExampleDetail {
  /** Its row in the training set (0-based). */
  example: number;
  /** Its chain of terms for the selected parameter (core's `ChainTerm`). */
  term: ChainRow;
  /** Its features and target row. */
  x: number[];
  y: number[];
  /** Every Dense layer at this example, page-indexed. */
  layers: ExampleLayer[];
  /** The selected unit's input row a^{l−1} (x for the first layer). */
  input: number[];
  /** Every Dense layer's W (inputs×units, row-major) and b: the weights this pass used. */
  weights: { W: number[]; b: number[]; inputs: number; units: number }[];
  /** ∂J/∂x at this example: the gradient with respect to the input (seed 003's ∂E/∂a¹). */
  dX: number[];
}

/**
 * One update taken apart: the trace before it and the weights after, for stepping through and scrubbing. One entry
 * per Dense layer; the training pass it traces is the one the update used (the same Dropout masks).
 */
export interface IterationTrace {
  iteration: number;
  batch: number;
  loss: number;
  /** The batch's features (batch×features) and targets (batch×outputs), row-major: A⁰ and Y. */
  X: Float32Array;
  Y: Float32Array;
  layers: {
    Z: Float32Array;
    A: Float32Array;
    dA: Float32Array;
    dZ: Float32Array;
    dW: Float32Array;
    db: Float32Array;
    Wbefore: Float32Array;
    Wafter: Float32Array;
    bBefore: Float32Array;
    bAfter: Float32Array;
    units: number;
    inputs: number;
    /** The Dropout after this layer in the traced pass: its rate and its output A ⊙ M (what the next layer read). */
    dropout: { rate: number; A: Float32Array } | null;
  }[];
}

export type FromWorker =
  | { type: 'ready'; kernels: KernelChoice; variant: string; wasmError: string | null }
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'inspection'; inspection: Inspection | null }
  | { type: 'iteration'; trace: IterationTrace }
  | { type: 'model'; json: string }
  | { type: 'imported'; config: Partial<Config> }
  | { type: 'error'; message: string };
