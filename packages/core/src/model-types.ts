import type { Kernels } from './kernels.js';
import type { LayerWeights } from './layer.js';
import type { LossSpec } from './losses.js';
import type { Matrix, MatrixLike } from './matrix.js';
import type { Optimizer, OptimizerName, OptimizerSpec } from './optimizers.js';
import type { Sequential } from './sequential.js';
import type { LayerReader } from './serialization.js';

// The shapes of what a Sequential takes and returns (sequential.ts holds the model itself).

/** How a `Sequential` is built. */
export interface SequentialOptions {
  /** The loss J: a name, `{ name, reduction }`, or an object implementing `Loss`. */
  loss: LossSpec;
  /** Where the arithmetic runs; default `jsKernels`. */
  kernels?: Kernels;
  /** Seeds initialization and shuffling: one seed, bit-identical runs. Default 1. */
  seed?: number;
  /** The class names, in output order (see `Sequential.labels`); kept in the model JSON. */
  labels?: readonly string[] | null;
}

/** How `Sequential.fromJSON` (and `loadModel`) rebuild a model. */
export interface FromJSONOptions {
  /** Where the arithmetic runs; default `jsKernels`. */
  kernels?: Kernels;
  /** The loss, instead of the JSON's (required for a custom loss, which JSON cannot hold). */
  loss?: LossSpec;
  /** Readers for layer types of your own, by `type` (the built-in ones are always known). */
  layerTypes?: Readonly<Record<string, LayerReader>>;
}

/** One layer's part of a backward pass, as the derivations name it. Copies, on the JS heap. */
export interface LayerTrace {
  /** Z = X·W + b */
  Z: Matrix;
  /** A = φ(Z) */
  A: Matrix;
  /** ∂J/∂A */
  dA: Matrix;
  /** ∂J/∂Z = ∂J/∂A ⊙ φ'(Z) */
  dZ: Matrix;
  /** ∂J/∂W = Xᵀ·∂J/∂Z (plus the regularization gradient) */
  dW: Matrix;
  /** ∂J/∂b = Σ_rows ∂J/∂Z */
  db: Float32Array;
}

/** Everything one backward pass computed, as `gradients()` returns it. */
export interface Trace {
  /** The batch the pass ran on. */
  X: Matrix;
  layers: LayerTrace[];
  /** ∂J/∂X = ∂J/∂Z¹·W¹ᵀ, the gradient with respect to the input (seed 003's ∂E/∂a¹). */
  dX: Matrix;
}

/** What `gradients(x, y, { trace: false })` returns. */
export interface Gradients {
  /** J on this batch, including any regularization penalty. */
  loss: number;
  /** The regularization part of `loss` (0 without regularization). */
  penalty: number;
  /** ∂J/∂W and ∂J/∂b per layer (empty for layers without parameters). */
  grads: LayerWeights[];
}

/** What `gradients()` returns: the gradients and the trace of the pass. */
export interface GradientsResult extends Gradients {
  trace: Trace;
}

/** What `onBatchEnd` receives after each batch. */
export interface BatchInfo {
  epoch: number;
  batch: number;
  batches: number;
  /** J on this batch (before the update). */
  loss: number;
  /** Rows in this batch. */
  size: number;
}

/** One epoch of a `fit` history. */
export interface EpochLog {
  epoch: number;
  /** Mean J over the epoch's batches, weighted by batch size, measured before each update. */
  loss: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
}

/** Hooks `fit` calls as it trains (an object such as `EarlyStopping`, or your own). */
export interface FitCallbacks {
  /** Called once before the first epoch, with the model being trained. */
  onTrainBegin?(model: Sequential): unknown;
  /** Called after every batch's update; return `false` to stop training. */
  onBatchEnd?(info: BatchInfo): unknown;
  /** Called after every epoch; return `false` (or a promise of it) to stop training. */
  onEpochEnd?(log: EpochLog): unknown;
  /** Called once when training ends, however it ends (finished, stopped, or diverged), with the history so far. */
  onTrainEnd?(model: Sequential, history: History): unknown;
}

/** How `fit` trains. */
export interface FitOptions {
  /** Passes over the data; default 1. */
  epochs?: number;
  /** Rows per update; default 32 (at most N). */
  batchSize?: number;
  /** Reshuffle the rows every epoch (seeded); default true. */
  shuffle?: boolean;
  /** Default SGD with learning rate 0.01. Reusing one instance across calls keeps its state. */
  optimizer?: Optimizer | OptimizerSpec | OptimizerName;
  /** Held-out data evaluated after every epoch. */
  validation?: { x: MatrixLike; y: MatrixLike };
  /**
   * Hold out this fraction of the rows — the last ones, before any shuffling, as Keras does — and evaluate on them
   * after every epoch (instead of `validation`). In (0, 1).
   */
  validationSplit?: number;
  /** The learning rate for each epoch (1-based), set on the optimizer before it: `stepDecay`, `cosineDecay`, … */
  learningRateSchedule?: (epoch: number) => number;
  /** One hooks object, or several called in order. */
  callbacks?: FitCallbacks | readonly FitCallbacks[];
  /** Aborting stops training after the current batch; the history so far is returned. */
  signal?: { readonly aborted: boolean };
  /** Yield to the event loop at most this often (ms) so timers, UIs and `signal` get a turn; default 16. */
  yieldEveryMs?: number;
}

/** What `fit` returns: one log per finished epoch. */
export interface History {
  epochs: EpochLog[];
  /** Why training ended before `epochs`, if it did. */
  stopped?: 'aborted' | 'callback';
}

/** What `evaluate` returns. */
export interface Evaluation {
  loss: number;
  /** Fraction of rows classified right, for classification outputs (sigmoid, tanh or softmax). */
  accuracy?: number;
}

/** How `trainEpoch` trains. */
export interface EpochOptions {
  /** The optimizer; an instance, so its state carries over from epoch to epoch. */
  optimizer: Optimizer;
  /** Rows per update; default 32 (at most N). */
  batchSize?: number;
  /** Reshuffle the rows (seeded); default true. */
  shuffle?: boolean;
  /** Called after every batch's update; return `false` to stop the epoch there (its log then has loss NaN). */
  onBatchEnd?(info: BatchInfo): unknown;
  /** Aborting stops the epoch after the current batch. */
  signal?: { readonly aborted: boolean };
}

/**
 * An epoch in progress (`Sequential.epoch`): the same loop as `trainEpoch`, run in as many slices as the caller
 * wants — until a time, one batch at a time, or one batch traced — so a worker can answer messages between slices
 * and resume the same epoch (same row order) after.
 */
export interface EpochRun {
  /** The epoch's number over the model's life (as `EpochLog.epoch`). */
  readonly epoch: number;
  /** Batches in the epoch, and how many have run. */
  readonly batches: number;
  readonly batchesDone: number;
  /** Every batch has run, or a callback or the signal stopped it. */
  readonly done: boolean;
  /** Runs batches until the epoch is done or `until` (Date.now() ms) has passed; at least one. Returns `done`. */
  run(until?: number): boolean;
  /** Runs the next batch with the trace of the very pass its update used (the rows it gathered, Z, A, ∂J/∂…). */
  traced(): TracedBatch;
  /** The epoch's log once done (loss NaN if stopped before its last batch); throws before. */
  log(): EpochLog;
}

/** One batch of an epoch, traced: which rows it trained on, the batch itself, J before the update, the trace. */
export interface TracedBatch {
  readonly epoch: number;
  /** 1-based, of `batches`. */
  readonly batch: number;
  readonly batches: number;
  /** The rows of X and Y it gathered, in order. */
  readonly rows: Uint32Array;
  readonly x: Matrix;
  readonly y: Matrix;
  readonly loss: number;
  /** ∂J/∂W and ∂J/∂b the update used. */
  readonly grads: LayerWeights[];
  readonly trace: Trace;
}

/** Passing the state of one `fit` to its batches without allocating per batch. */
export interface Cursor {
  epoch: number;
  batch: number;
}

/** What the batch loop needs from its caller. */
export interface BatchHooks {
  onBatchEnd?: ((info: BatchInfo) => unknown) | undefined;
  signal?: { readonly aborted: boolean } | undefined;
}

/** One epoch in progress. */
export interface EpochState {
  readonly X: Matrix;
  readonly Y: Matrix;
  /** The epoch's own row order. */
  readonly order: Uint32Array;
  readonly number: number;
  readonly batchSize: number;
  readonly batches: number;
  /** The next batch to train. */
  next: number;
  lossSum: number;
  correct: number;
  readonly threshold: number | null;
  readonly cursor: Cursor;
  stopped: 'aborted' | 'callback' | undefined;
}
