import { gatherRows, yieldToEventLoop } from './batch.js';
import { ChainruleError, checkNumber } from './errors.js';
import type { LayerWeights } from './layer.js';
import { Matrix } from './matrix.js';
import { accuracy } from './metrics.js';
import type {
  BatchHooks,
  Cursor,
  EpochLog,
  EpochOptions,
  EpochRun,
  EpochState,
  FitCallbacks,
  FitOptions,
  History,
  Trace,
  TracedBatch,
} from './model-types.js';
import type { Optimizer } from './optimizers.js';
import type { Rng } from './rng.js';
import type { Sequential } from './sequential.js';
import type { Workspace } from './workspace.js';

/**
 * The one training loop (docs/math.md §4 is one step of it): epochs of shuffled mini-batches, each batch one
 * training step of the model. `Sequential.fit` runs it in time slices across epochs; `Sequential.trainEpoch` runs
 * one epoch of it synchronously, for callers that schedule epochs themselves (a worker, a CLI); `Sequential.epoch`
 * hands out one epoch to run in slices of the caller's choosing (a batch at a time, traced or not).
 */

/** What the loop needs of a model: its seeded generator, a workspace per batch size, one step, and a threshold. */
export interface Stepper {
  /** The model's seeded generator: the epochs' shuffles. */
  readonly rng: Rng;
  /** The workspace for a batch of `rows` (its `x` and `y` are where the batch is gathered). */
  workspace(rows: number): Workspace;
  /** One training step on the workspace's batch: J before the update (throws DIVERGED naming `cursor`). */
  step(ws: Workspace, optimizer: Optimizer, cursor: Cursor): number;
  /** The same step, traced: J, the gradients it used and the trace of its pass (copies). */
  traced(
    ws: Workspace,
    optimizer: Optimizer,
    cursor: Cursor,
  ): { loss: number; grads: LayerWeights[]; trace: Trace };
  /** Whether the model has been disposed: its open epochs refuse to go on. */
  disposed(): boolean;
  /** The output layer's classification threshold (null: not a classifier), for the epochs' accuracy. */
  threshold(): number | null;
  /** The outputs of the batch just stepped. */
  output(ws: Workspace): Matrix;
}

/** The batch size an epoch runs with: validated, and at most the rows there are. */
export function batchSizeFor(op: string, batchSize: number | undefined, rows: number): number {
  return Math.min(checkNumber(op, 'batchSize', batchSize ?? 32, { min: 1, integer: true }), rows);
}

/**
 * A model's epochs: the last epoch's row order (the next one reshuffles a copy of it, while the row count stays the
 * same) and how many it has trained. Each epoch owns its order, so epochs open at once (a paused `epoch` run and a
 * `trainEpoch`) never reorder each other's rows.
 */
export class Epochs {
  /** The row order of the last epoch begun. */
  private last = new Uint32Array(0);
  /** Epochs trained by `fit`, `trainEpoch` and `epoch`, over the model's life. */
  private trained = 0;

  constructor(private readonly model: Stepper) {}

  /** Whether the model has been disposed. */
  disposed(): boolean {
    return this.model.disposed();
  }

  /** Starts an epoch for `Sequential.epoch` (and `trainEpoch`, which runs it to the end at once). */
  open(X: Matrix, Y: Matrix, batchSize: number, options: EpochOptions): EpochRun {
    const state = this.begin(X, Y, batchSize, options.shuffle ?? true, ++this.trained);
    return new Run(this, state, options.optimizer, options);
  }

  /** Each fit starts from the rows in order, so a fit's shuffles depend only on the seed and what came before. */
  restart(): void {
    this.last = new Uint32Array(0);
  }

  /**
   * Starts an epoch: its row order (without shuffling, the rows in order; with it, the last epoch's order
   * reshuffled — the rows in order first when the row count changed), sums at zero. One allocation per epoch.
   */
  begin(X: Matrix, Y: Matrix, batchSize: number, shuffle: boolean, number: number): EpochState {
    const order = new Uint32Array(X.rows);
    if (shuffle && this.last.length === X.rows) order.set(this.last);
    else for (let i = 0; i < X.rows; i++) order[i] = i;
    if (shuffle) this.model.rng.shuffle(order);
    this.last = order;
    return {
      X,
      Y,
      order,
      number,
      batchSize,
      batches: Math.ceil(X.rows / batchSize),
      next: 0,
      lossSum: 0,
      correct: 0,
      threshold: this.model.threshold(),
      cursor: { epoch: number, batch: 0 },
      stopped: undefined,
    };
  }

  /** Counts an epoch `fit` starts. */
  count(): void {
    this.trained++;
  }

  /**
   * Trains the epoch's batches from `epoch.next` until the last, a stop (callback or signal) or `deadline`
   * (Date.now() ms; at least one batch runs): the one batch loop behind `fit`, `trainEpoch` and `epoch`. Returns
   * whether the epoch is finished.
   */
  run(epoch: EpochState, optimizer: Optimizer, hooks: BatchHooks, deadline: number): boolean {
    while (epoch.next < epoch.batches) {
      if (hooks.signal?.aborted) {
        epoch.stopped = 'aborted';
        return true;
      }
      this.batch(epoch, optimizer, hooks, false);
      if (epoch.stopped) return true;
      if (Date.now() >= deadline) return epoch.next >= epoch.batches;
    }
    return true;
  }

  /**
   * Trains the epoch's next batch: its rows gathered in the epoch's order, one step, the sums, the hooks. Traced,
   * it returns the batch and the trace of the very pass its update used; untraced, nothing (and allocates nothing).
   */
  batch(epoch: EpochState, optimizer: Optimizer, hooks: BatchHooks, traced: true): TracedBatch;
  batch(epoch: EpochState, optimizer: Optimizer, hooks: BatchHooks, traced: false): null;
  batch(epoch: EpochState, optimizer: Optimizer, hooks: BatchHooks, traced: boolean): TracedBatch | null {
    const { X, Y, batchSize, batches, order } = epoch;
    const b = epoch.next;
    const start = b * batchSize;
    const rows = Math.min(batchSize, X.rows - start);
    const ws = this.model.workspace(rows);
    gatherRows(X, order, start, ws.x);
    gatherRows(Y, order, start, ws.y);
    epoch.cursor.batch = b + 1;
    const result = traced ? this.model.traced(ws, optimizer, epoch.cursor) : null;
    const loss = result ? result.loss : this.model.step(ws, optimizer, epoch.cursor);
    // Counted once its step succeeded: after a DIVERGED (weights and optimizer state restored), an open epoch
    // retries this batch, so a lowered learning rate trains on every row once.
    epoch.next = b + 1;
    epoch.lossSum += loss * rows;
    if (epoch.threshold !== null)
      epoch.correct += accuracy(this.model.output(ws), ws.y, epoch.threshold) * rows;
    // The info object only when someone listens: a batch allocates nothing otherwise.
    if (
      hooks.onBatchEnd &&
      hooks.onBatchEnd({ epoch: epoch.cursor.epoch, batch: b + 1, batches, loss, size: rows }) === false
    )
      epoch.stopped = 'callback';
    if (hooks.signal?.aborted) epoch.stopped = 'aborted';
    if (!result) return null;
    return {
      epoch: epoch.number,
      batch: b + 1,
      batches,
      rows: order.slice(start, start + rows),
      x: result.trace.X,
      y: ws.y.clone(),
      ...result,
    };
  }

  /** The epoch's log: mean loss over its rows (each batch's before its update), and accuracy for a classifier. */
  end(epoch: EpochState): EpochLog {
    const log: EpochLog = { epoch: epoch.number, loss: epoch.lossSum / epoch.X.rows };
    if (epoch.threshold !== null) log.accuracy = epoch.correct / epoch.X.rows;
    return log;
  }
}

/**
 * `fit`'s `validationSplit`: the last ⌊rows·f⌉ rows held out (before any shuffling, as Keras does), or the data as
 * given. Refuses a split that leaves no row on a side, and a split given together with `validation`.
 */
export function splitValidation(
  X: Matrix,
  Y: Matrix,
  options: FitOptions,
): { X: Matrix; Y: Matrix; validation: FitOptions['validation'] } {
  if (options.validationSplit === undefined) return { X, Y, validation: options.validation };
  const f = checkNumber('fit', 'validationSplit', options.validationSplit, { min: 0, max: 1 });
  if (options.validation) {
    throw new ChainruleError('INVALID_OPTION', 'fit: give validation or validationSplit, not both');
  }
  const held = Math.round(X.rows * f);
  if (held < 1 || held >= X.rows) {
    throw new ChainruleError(
      'INVALID_OPTION',
      `fit: validationSplit ${f} of ${X.rows} rows holds out ${held}; it must leave at least one row on each side`,
    );
  }
  const cut = X.rows - held;
  const rows = (m: Matrix, from: number, to: number) =>
    new Matrix(to - from, m.cols, m.data.slice(from * m.cols, to * m.cols));
  return {
    X: rows(X, 0, cut),
    Y: rows(Y, 0, cut),
    validation: { x: rows(X, cut, X.rows), y: rows(Y, cut, Y.rows) },
  };
}

/** What `fit` has checked and resolved before the loop starts. */
export interface FitRun {
  readonly X: Matrix;
  readonly Y: Matrix;
  readonly validation: readonly [Matrix, Matrix] | null;
  readonly options: FitOptions;
  readonly epochs: number;
  readonly batchSize: number;
  readonly yieldEveryMs: number;
  readonly optimizer: Optimizer;
}

/**
 * `fit`'s loop: epochs of `Epochs.run` in slices of `yieldEveryMs` (giving timers, UIs and the signal a turn
 * between slices, across epochs too), validation after each epoch, callbacks, the learning-rate schedule, stops.
 */
export async function runFit(model: Sequential, loop: Epochs, run: FitRun): Promise<History> {
  const { X, Y, validation, options, epochs, batchSize, yieldEveryMs, optimizer } = run;
  const hooks = Array.isArray(options.callbacks)
    ? (options.callbacks as readonly FitCallbacks[])
    : options.callbacks
      ? [options.callbacks as FitCallbacks]
      : [];
  loop.restart();
  const history: History = { epochs: [] };
  const batchHooks: BatchHooks = {
    onBatchEnd: hooks.some((h) => h.onBatchEnd)
      ? (info) => {
          let go: unknown = true;
          for (const h of hooks) if (h.onBatchEnd?.(info) === false) go = false;
          return go;
        }
      : undefined,
    signal: options.signal,
  };
  for (const h of hooks) await h.onTrainBegin?.(model);
  try {
    let sliceEnd = Date.now() + yieldEveryMs;
    const pause = async () => {
      await yieldToEventLoop();
      sliceEnd = Date.now() + yieldEveryMs;
      return options.signal?.aborted === true;
    };
    for (let e = 1; e <= epochs; e++) {
      if (options.learningRateSchedule) optimizer.learningRate = options.learningRateSchedule(e);
      loop.count();
      const epoch = loop.begin(X, Y, batchSize, options.shuffle ?? true, e);
      while (!loop.run(epoch, optimizer, batchHooks, sliceEnd)) {
        if (await pause()) epoch.stopped = 'aborted';
        if (epoch.stopped) break;
      }
      // Stopped before its last batch, an epoch is not logged; stopped after it, it is, and training ends there.
      if (epoch.stopped && epoch.next < epoch.batches) {
        history.stopped = epoch.stopped;
        break;
      }
      const log = loop.end(epoch);
      if (validation) {
        const v = model.evaluate(validation[0], validation[1]);
        log.valLoss = v.loss;
        if (v.accuracy !== undefined) log.valAccuracy = v.accuracy;
      }
      history.epochs.push(log);
      if (epoch.stopped) {
        history.stopped = epoch.stopped;
        break;
      }
      let go = true;
      for (const h of hooks) if ((await h.onEpochEnd?.(log)) === false) go = false;
      if (!go) {
        history.stopped = 'callback';
        break;
      }
      if (e < epochs && Date.now() >= sliceEnd && (await pause())) {
        history.stopped = 'aborted';
        break;
      }
    }
  } finally {
    for (const h of hooks) await h.onTrainEnd?.(model, history);
  }
  return history;
}

/** `EpochRun` over the loop: the epoch's state between slices. */
class Run implements EpochRun {
  constructor(
    private readonly loop: Epochs,
    private readonly state: EpochState,
    private readonly optimizer: Optimizer,
    private readonly hooks: BatchHooks,
  ) {}

  get epoch(): number {
    return this.state.number;
  }

  get batches(): number {
    return this.state.batches;
  }

  get batchesDone(): number {
    return this.state.next;
  }

  get done(): boolean {
    return this.state.next >= this.state.batches || this.state.stopped !== undefined;
  }

  run(until = Number.POSITIVE_INFINITY): boolean {
    this.checkOpen('run');
    if (!this.done) this.loop.run(this.state, this.optimizer, this.hooks, until);
    return this.done;
  }

  traced(): TracedBatch {
    this.checkOpen('traced');
    if (!this.done && this.hooks.signal?.aborted) this.state.stopped = 'aborted';
    if (this.done) {
      const { stopped, next } = this.state;
      const why = stopped
        ? `it was stopped (${stopped === 'aborted' ? 'its signal aborted' : 'onBatchEnd returned false'}) after ${next} of ${this.batches} batches`
        : `its last batch has run (${next} of ${this.batches})`;
      throw new ChainruleError(
        'INVALID_OPTION',
        `epoch ${this.epoch}: traced() after ${why}; start the next epoch`,
      );
    }
    return this.loop.batch(this.state, this.optimizer, this.hooks, true);
  }

  private checkOpen(op: string): void {
    if (this.loop.disposed())
      throw new ChainruleError('INVALID_OPTION', `epoch ${this.epoch}: ${op}(): the model has been disposed`);
  }

  log(): EpochLog {
    const { state } = this;
    // Stopped before its last batch, the epoch has no loss to report (NaN); stopped after it, it is complete.
    if (state.stopped && state.next < state.batches) return { epoch: state.number, loss: Number.NaN };
    if (!this.done) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `epoch ${state.number}: log() before its last batch (${state.next} of ${state.batches} run)`,
      );
    }
    return this.loop.end(state);
  }
}
