/** The Digits page's worker protocol: one discriminated union each way. */
import type { ActivationName } from '@chainrule/core';

/** The hidden layer sizes the page offers. */
export const HIDDEN_SIZES = [32, 64, 128, 256] as const;
export type HiddenSize = (typeof HIDDEN_SIZES)[number];
export const DEFAULT_HIDDEN: HiddenSize = 128;
export const BATCH = 64;
export const LEARNING_RATE = 0.001;
/** Steps between two points of the chart (and refreshes of the weights and the inspector): 5 per epoch of 125. */
export const POINT_EVERY = 25;
/** Training digits the inspector's gradients are taken over (the first of the training split). */
export const INSPECT_ROWS = 256;

/** What the user looks at in the inspector: a hidden unit and one of its 784 incoming weights. */
export interface Selection {
  unit: number;
  pixel: number;
}

export type ToWorker =
  /** Load the digits from `url` and build the network. */
  | { type: 'init'; url: string; hidden: HiddenSize }
  | { type: 'play' }
  | { type: 'pause' }
  /** Fresh weights (the same seed: the same start) with `hidden` units; pauses. */
  | { type: 'reset'; hidden: HiddenSize }
  /** The drawn digit, 784 values in [0, 1] (null: the pad is blank). */
  | { type: 'predict'; pixels: Float32Array | null }
  | { type: 'select'; selection: Selection }
  /** The weights grid shows W¹ itself, or its change since the reset, W¹ − W¹₀. */
  | { type: 'weightsView'; change: boolean };

/** One point of the chart: the mean training loss since the last point, and the held-out set's loss and accuracy. */
export interface ChartPoint {
  /** Epochs trained, fractional (steps / steps per epoch). */
  epoch: number;
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
}

/** One hidden unit, looked at closely. */
export interface UnitView {
  unit: number;
  pixel: number;
  /** Its 784 incoming weights W¹[·][unit]. */
  weights: Float32Array;
  /** ∂J/∂W¹[·][unit] over the inspection batch. */
  gradient: Float32Array;
  /** Its outgoing weights W²[unit][·], one per digit. */
  outgoing: number[];
  bias: number;
  /** Core's `inspect` of W¹[pixel][unit] over the inspection batch. */
  inspection: {
    value: number;
    gradient: number;
    sumOfProducts: number;
    finiteDifference: number;
    epsilon: number;
    reliable: boolean;
    /** Examples whose z at this unit lies within ε of its activation's kink (core's `kinks`), and that activation. */
    kinks: number;
    activation: ActivationName;
    /** Examples whose z in a later layer the first ε tried moved across a kink (core's `laterKinks`), and where. */
    laterKinks: number;
    laterKinkLayers: { layer: number; activation: ActivationName }[];
    examples: number;
    loss: number;
  };
}

export interface Progress {
  /** Steps trained since the last reset. */
  step: number;
  /** Whole epochs done. */
  epoch: number;
  playing: boolean;
  /** New chart points since the last progress message. */
  points: ChartPoint[];
  /** Per step since the last message: ‖∂J/∂W¹‖ and ‖∂J/∂W²‖ (Frobenius), as [step, first, second] triples. */
  norms: Float64Array;
  /** Measured while playing: steps per second, and seconds per epoch (0 when not known yet). */
  stepsPerSecond: number;
  secondsPerEpoch: number;
}

export type FromWorker =
  | {
      type: 'ready';
      /** The kernels' name, e.g. “wasm-relaxed-simd, 2 threads”. */
      kernels: string;
      threads: number;
      /** Why fewer threads run than asked for, or null. */
      threadsNote: string | null;
      /** The cores the browser reports. */
      cores: number;
      train: number;
      test: number;
      hidden: HiddenSize;
    }
  | { type: 'progress'; progress: Progress }
  /** The first layer's weights W¹ (784 × hidden, row-major), or W¹ − W¹₀; after a reset and at every chart point. */
  | { type: 'weights'; hidden: number; step: number; change: boolean; data: Float32Array }
  | { type: 'unit'; view: UnitView }
  /** The ten probabilities for the drawn digit (null: nothing drawn). */
  | { type: 'prediction'; probabilities: number[] | null }
  | { type: 'error'; message: string };
