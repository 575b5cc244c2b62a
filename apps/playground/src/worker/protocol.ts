/**
 * The one protocol between the page and the trainer worker: a discriminated union each way. Typed arrays in
 * snapshots are transferred, not copied.
 */

import type { ActivationName } from '@chainrule/core';
import type { Point } from '../data/datasets';
import type { Config } from '../state/config';

export type KernelChoice = 'wasm' | 'js';

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
  | { type: 'setKernels'; kernels: KernelChoice }
  | { type: 'inspect'; target: InspectTarget | null }
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

/** One example's terms of the chain rule for the selected parameter. */
export interface ChainRow {
  example: number;
  /** ∂J/∂a of the unit (its share from this example). */
  dA: number;
  /** ∂a/∂z at this example, or null for softmax (not elementwise: dZ comes from the Jacobian-vector product). */
  dadz: number | null;
  /** ∂J/∂z = ∂J/∂a · ∂a/∂z (softmax: the Jacobian-vector product). */
  dZ: number;
  /** ∂z/∂w: the input activation this weight multiplies (1 for a bias). */
  dzdw: number;
  /** ∂J/∂z · ∂z/∂w */
  product: number;
}

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
  /** (J(w + ε) − J(w − ε)) / 2ε on the training set. */
  finiteDifference: number;
  epsilon: number;
  loss: number;
}

/** One update taken apart: the trace before it and the weights after, for stepping through and scrubbing. */
export interface IterationTrace {
  iteration: number;
  batch: number;
  loss: number;
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
