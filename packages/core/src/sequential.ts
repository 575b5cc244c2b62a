import { checkBatch, checkTargets } from './batch.js';
import { argmaxRows } from './encoding.js';
import { batchSizeFor, Epochs, runFit, splitValidation } from './epochs.js';
import { ChainruleError, checkNumber } from './errors.js';
import { inspectParameter, type ParameterInspection, type ParameterTarget } from './inspect.js';
import { jsKernels } from './js-kernels.js';
import type { Kernels } from './kernels.js';
import { labelsProblem } from './labels.js';
import type { Layer, LayerWeights, Param } from './layer.js';
import { type Loss, resolveLoss } from './losses.js';
import type { Matrix, MatrixLike } from './matrix.js';
import { accuracy, classificationThreshold } from './metrics.js';
import type {
  Cursor,
  EpochLog,
  EpochOptions,
  EpochRun,
  Evaluation,
  FitOptions,
  FromJSONOptions,
  Gradients,
  GradientsResult,
  History,
  SequentialOptions,
  Trace,
} from './model-types.js';
import { type Optimizer, resolveOptimizer } from './optimizers.js';
import { MAX_SEED, Rng } from './rng.js';
import { type ModelJSON, parseModelJSON, serializeModel } from './serialization.js';
import { type Workspace, WorkspacePool } from './workspace.js';

/**
 * A stack of layers trained by backpropagation (docs/math.md §4): forward layer by layer, the loss and its
 * gradient, backward layer by layer, then the optimizer's update. All buffers come from `kernels` and are
 * reused; a training step allocates nothing.
 */
export class Sequential {
  readonly layers: readonly Layer[];
  readonly loss: Loss;
  readonly kernels: Kernels;
  readonly seed: number;
  private readonly rng: Rng;
  private readonly params: readonly Param[];
  private readonly pool: WorkspacePool;
  /** The training loop's state: the epochs' row order and count (epochs.ts). */
  private readonly epochs: Epochs;
  /** Optimizers that have stepped this model: their state for its parameters is freed with it. */
  private readonly optimizers = new Set<Optimizer>();
  private disposed = false;
  private classNames: readonly string[] | null = null;

  constructor(layers: readonly Layer[], options: SequentialOptions) {
    if (!Array.isArray(layers) || layers.length === 0) {
      throw new ChainruleError('EMPTY', 'Sequential: needs at least one layer');
    }
    this.loss = resolveLoss(options?.loss);
    this.kernels = options.kernels ?? jsKernels;
    this.seed = checkNumber('Sequential', 'seed', options.seed ?? 1, {
      integer: true,
      min: 0,
      max: MAX_SEED,
    });
    this.rng = new Rng(this.seed);
    this.epochs = new Epochs({
      rng: this.rng,
      workspace: (rows) => this.pool.get(rows),
      step: (ws, optimizer, cursor) => this.step(ws, optimizer, cursor),
      traced: (ws, optimizer, cursor) => this.tracedStep(ws, optimizer, cursor),
      disposed: () => this.disposed,
      threshold: () => classificationThreshold(this.outputLayer.activation.name),
      output: (ws) => lastOf(ws).a,
    });
    // Training-time noise (dropout masks) from a stream of its own: turning dropout on or off leaves the shuffles alone.
    const noise = new Rng((this.seed ^ 0x2545f491) >>> 0);
    // A constructor that fails after allocating frees what it allocated and leaves its layers buildable again.
    const built: Layer[] = [];
    try {
      layers.forEach((layer, i) => {
        if (!layer || typeof layer.forward !== 'function' || typeof layer.build !== 'function') {
          throw new ChainruleError('INVALID_OPTION', `Sequential: layers[${i}] does not implement Layer`);
        }
        layer.build({
          kernels: this.kernels,
          rng: this.rng,
          noise,
          index: i,
          inputSize: layers[i - 1]?.outputSize,
        });
        built.push(layer);
        const prev = layers[i - 1];
        if (prev && prev.outputSize !== layer.inputSize) {
          throw new ChainruleError(
            'SHAPE',
            `Sequential: layer '${layer.name}' expects ${layer.inputSize} inputs but layer '${prev.name}' outputs ${prev.outputSize}`,
          );
        }
      });
      const last = layers[layers.length - 1] as Layer;
      if (this.loss.fusedActivation && last.activation.name !== this.loss.fusedActivation) {
        throw new ChainruleError(
          'INVALID_OPTION',
          `Sequential: loss ${this.loss.name} needs a ${this.loss.fusedActivation} output layer, but layer '${last.name}' uses ${last.activation.name}`,
        );
      }
      this.layers = [...layers];
      if (options.labels !== undefined && options.labels !== null) this.labels = options.labels;
      this.params = this.layers.flatMap((l) => l.params());
      this.pool = new WorkspacePool(this.kernels, this.layers);
    } catch (err) {
      for (const layer of built) {
        try {
          layer.dispose();
        } catch {
          // The constructor's own error is the one to report; keep freeing the other layers.
        }
      }
      throw err;
    }
  }

  /** Columns of X the model takes. */
  get inputSize(): number {
    return (this.layers[0] as Layer).inputSize;
  }

  /** Columns of the model's output. */
  get outputSize(): number {
    return this.outputLayer.outputSize;
  }

  private get outputLayer(): Layer {
    return this.layers[this.layers.length - 1] as Layer;
  }

  /**
   * The class names, in the order `predictClasses` numbers the classes (one per output column; for one sigmoid or
   * tanh column, the class below the threshold then the one at or above it), or null. Kept in `toJSON`. Setting it
   * checks the names against the output (count, non-empty, unique) and throws INVALID_OPTION naming the problem.
   */
  get labels(): readonly string[] | null {
    return this.classNames;
  }

  /** Sets the class names (checked against the output layer), or clears them with null. */
  set labels(labels: readonly string[] | null) {
    if (labels === null) {
      this.classNames = null;
      return;
    }
    const problem = labelsProblem(labels, this.outputSize, this.outputLayer.activation.name);
    if (problem) throw new ChainruleError('INVALID_OPTION', `Sequential: labels: ${problem}`);
    this.classNames = Object.freeze([...labels]);
  }

  /** A(L) for every row of X, as a new matrix on the JS heap. */
  predict(x: MatrixLike): Matrix {
    const X = this.checkInput('predict', x);
    const ws = this.pool.get(X.rows);
    ws.x.data.set(X.data);
    this.forward(ws, false);
    return (ws.layers[ws.layers.length - 1] as { a: Matrix }).a.clone();
  }

  /**
   * The class of every row of X: the argmax of a multi-column output, or for one column 1 where the output is at
   * or above its activation's threshold (sigmoid 0.5, tanh 0), else 0. Throws for outputs that do not classify.
   */
  predictClasses(x: MatrixLike): number[] {
    const out = this.predict(x);
    if (out.cols > 1) return argmaxRows(out);
    const threshold = classificationThreshold(this.outputLayer.activation.name);
    if (threshold === null) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `predictClasses: the output layer '${this.outputLayer.name}' (${this.outputLayer.activation.name}, one column) does not classify`,
      );
    }
    return Array.from(out.data, (v) => (v >= threshold ? 1 : 0));
  }

  /** The class name of every row of X: `predictClasses` looked up in `labels`. Throws if the model has none. */
  predictLabels(x: MatrixLike): string[] {
    const labels = this.classNames;
    if (!labels) {
      throw new ChainruleError(
        'INVALID_OPTION',
        'predictLabels: the model has no class names; give them as new Sequential(layers, { labels }) or set model.labels (predictClasses gives the indices)',
      );
    }
    return this.predictClasses(x).map((k) => labels[k] as string);
  }

  /** Forward only: every layer's Z and A for each row of X (copies) — what a visual trainer draws in each neuron. */
  forwardTrace(x: MatrixLike): { Z: Matrix; A: Matrix }[] {
    const X = this.checkInput('forwardTrace', x);
    const ws = this.pool.get(X.rows);
    ws.x.data.set(X.data);
    this.forward(ws, false);
    return ws.layers.map((b) => ({ Z: b.z.clone(), A: b.a.clone() }));
  }

  /** Loss (and accuracy, for classification outputs) over a whole set, without training. */
  evaluate(x: MatrixLike, y: MatrixLike): Evaluation {
    const [X, Y] = this.checkPair('evaluate', x, y);
    const ws = this.load(X, Y);
    this.forward(ws, false);
    const loss = this.computeLoss(ws) + this.penalty();
    const out = (ws.layers[ws.layers.length - 1] as { a: Matrix }).a;
    const threshold = classificationThreshold(this.outputLayer.activation.name);
    return threshold === null ? { loss } : { loss, accuracy: accuracy(out, ws.y, threshold) };
  }

  /**
   * One forward and backward pass over (X, Y) without updating: J, ∂J/∂W and ∂J/∂b per layer, and the trace of
   * every intermediate the derivations name (Z, A, ∂J/∂A, ∂J/∂Z, ∂J/∂W, ∂J/∂b, and ∂J/∂X). With
   * `{ trace: false }` only the loss and the gradients, nothing else built or copied (close to `trainBatch`'s
   * cost). `training: true` runs the training-time forward (Dropout drops, from the model's generator); default
   * false, the inference forward.
   */
  gradients(x: MatrixLike, y: MatrixLike, options?: { trace?: true; training?: boolean }): GradientsResult;
  gradients(x: MatrixLike, y: MatrixLike, options: { trace: false; training?: boolean }): Gradients;
  gradients(
    x: MatrixLike,
    y: MatrixLike,
    options: { trace?: boolean; training?: boolean } = {},
  ): GradientsResult | Gradients {
    const withTrace = options.trace !== false;
    // Without a trace, as in trainBatch: shapes up front, values only if J is not finite (to name the culprit).
    const X = this.checkInput('gradients', x, withTrace);
    const Y = checkTargets('gradients', this.outputLayer, X, y, withTrace);
    const ws = this.load(X, Y);
    const dataLoss = this.pass(ws, withTrace, options.training === true);
    const penalty = this.regularize();
    if (!withTrace) {
      if (!Number.isFinite(dataLoss)) this.checkPair('gradients', X, Y);
      return { loss: dataLoss + penalty, penalty, grads: this.layers.map((l) => l.getGradients()) };
    }
    const grads = this.layers.map((l) => l.getGradients());
    return { loss: dataLoss + penalty, penalty, grads, trace: this.traceOf(ws, grads) };
  }

  /** One training step on `ws`'s batch, traced: J, the gradients the update used, and the trace of its pass. */
  private tracedStep(
    ws: Workspace,
    optimizer: Optimizer,
    cursor: Cursor | null,
  ): { loss: number; grads: LayerWeights[]; trace: Trace } {
    const loss = this.step(ws, optimizer, cursor, true);
    // The update changed the weights, not the pass's buffers or the gradients it used.
    const grads = this.layers.map((l) => l.getGradients());
    return { loss, grads, trace: this.traceOf(ws, grads) };
  }

  /** The trace of the pass last run on `ws` (copies): what `gradients` and a traced `trainBatch` return. */
  private traceOf(ws: Workspace, grads: readonly LayerWeights[]): Trace {
    const last = ws.layers[ws.layers.length - 1] as { a: Matrix; dA: Matrix };
    if (this.loss.fusedActivation && this.loss.outputGradient)
      this.loss.outputGradient(last.a, ws.y, last.dA);
    else if (this.loss.fusedActivation) last.dA.data.fill(Number.NaN);
    return {
      X: ws.x.clone(),
      layers: ws.layers.map((b, i) => ({
        Z: b.z.clone(),
        A: b.a.clone(),
        dA: b.dA.clone(),
        dZ: b.dZ.clone(),
        dW: (grads[i] as LayerWeights).W.clone(),
        db: Float32Array.from((grads[i] as LayerWeights).b),
      })),
      dX: this.pool.inputGradient(ws).clone(),
    };
  }

  /**
   * One training step on one batch: forward, loss, backward, update. Returns J measured before the update — or,
   * with `{ trace: true }`, J and the trace of the very pass the update used (with Dropout, its masks): what a
   * step-through shows. Throws DIVERGED, leaving weights and optimizer state as they were, if the loss or the
   * updated weights are not finite.
   */
  trainBatch(x: MatrixLike, y: MatrixLike, optimizer: Optimizer): number;
  trainBatch(
    x: MatrixLike,
    y: MatrixLike,
    optimizer: Optimizer,
    options: { trace: true },
  ): { loss: number; trace: Trace; grads: LayerWeights[] };
  trainBatch(
    x: MatrixLike,
    y: MatrixLike,
    optimizer: Optimizer,
    options?: { trace?: boolean },
  ): number | { loss: number; trace: Trace; grads: LayerWeights[] } {
    // Shapes are checked up front; values only if the step goes non-finite, to name the culprit without
    // scanning every batch in the hot path.
    const X = this.checkInput('trainBatch', x, false);
    const Y = checkTargets('trainBatch', this.outputLayer, X, y, false);
    const traced = options?.trace === true;
    try {
      const ws = this.load(X, Y);
      return traced ? this.tracedStep(ws, optimizer, null) : this.step(ws, optimizer, null);
    } catch (err) {
      if (err instanceof ChainruleError && err.code === 'DIVERGED') this.checkPair('trainBatch', X, Y);
      throw err;
    }
  }

  /** Trains for `epochs` passes over (X, Y) in shuffled mini-batches and returns the per-epoch history. */
  async fit(x: MatrixLike, y: MatrixLike, options: FitOptions = {}): Promise<History> {
    const [X, Y] = this.checkPair('fit', x, y);
    const split = splitValidation(X, Y, options);
    const validation = split.validation
      ? this.checkPair('fit validation', split.validation.x, split.validation.y)
      : null;
    const epochs = checkNumber('fit', 'epochs', options.epochs ?? 1, { min: 1, integer: true });
    const batchSize = batchSizeFor('fit', options.batchSize, split.X.rows);
    const yieldEveryMs = checkNumber('fit', 'yieldEveryMs', options.yieldEveryMs ?? 16, { min: 0 });
    const optimizer = resolveOptimizer(options.optimizer);
    // An optimizer made here from a spec lives only for this call; one passed in keeps its state for the next.
    const ownsOptimizer = optimizer !== options.optimizer;
    try {
      return await runFit(this, this.epochs, {
        X: split.X,
        Y: split.Y,
        validation,
        options,
        epochs,
        batchSize,
        yieldEveryMs,
        optimizer,
      });
    } finally {
      if (ownsOptimizer) {
        optimizer.dispose();
        this.optimizers.delete(optimizer);
      }
    }
  }

  /**
   * One parameter's gradient taken apart over a set: per example ∂J/∂a · ∂a/∂z · ∂z/∂w, their sum, the penalty's
   * share, the backward pass's ∂J/∂w, and a finite difference that knows about kinks (see `inspectParameter`).
   */
  inspect(
    x: MatrixLike,
    y: MatrixLike,
    target: ParameterTarget,
    options: { maxTerms?: number } = {},
  ): ParameterInspection {
    return inspectParameter(this, x, y, target, options);
  }

  /**
   * One synchronous pass over (X, Y) in mini-batches: the loop `fit` runs, for callers that schedule epochs
   * themselves (a worker's time slices, a CLI). Rows are shuffled by the model's seeded generator (one seed,
   * bit-identical runs); each batch is one training step, as in `trainBatch`. Returns the epoch's mean loss (each batch's measured
   * before its update) and, for classifier outputs, its accuracy; `epoch` counts every epoch this model trained.
   * Throws DIVERGED like `fit`, leaving weights and optimizer state as they were before the failing batch.
   */
  trainEpoch(x: MatrixLike, y: MatrixLike, options: EpochOptions): EpochLog {
    const [X, Y] = this.checkPair('trainEpoch', x, y);
    checkOptimizer('trainEpoch', options);
    const run = this.epochs.open(X, Y, batchSizeFor('trainEpoch', options.batchSize, X.rows), options);
    run.run();
    return run.log();
  }

  /**
   * Starts one epoch of the same loop as `trainEpoch` and returns it to run in slices: `run(until)` trains batches
   * until a time, `traced()` one batch with its trace (the rows, Z, A, ∂J/∂…), `log()` once done. A worker runs an
   * epoch in time slices and answers messages between them, resuming the same epoch (same row order).
   */
  epoch(x: MatrixLike, y: MatrixLike, options: EpochOptions): EpochRun {
    const [X, Y] = this.checkPair('epoch', x, y);
    checkOptimizer('epoch', options);
    return this.epochs.open(X, Y, batchSizeFor('epoch', options.batchSize, X.rows), options);
  }

  /** Copies of every layer's W (inputs×units) and b. */
  getWeights(): LayerWeights[] {
    return this.layers.map((l) => l.getWeights());
  }

  /** Replaces every layer's weights; validates the count, the shapes and finiteness before changing any. */
  setWeights(weights: readonly LayerWeights[]): void {
    if (!Array.isArray(weights) || weights.length !== this.layers.length) {
      throw new ChainruleError(
        'SHAPE',
        `setWeights: expected weights for ${this.layers.length} layers, got ${Array.isArray(weights) ? weights.length : typeof weights}`,
      );
    }
    const before = this.getWeights();
    try {
      for (const [i, l] of this.layers.entries()) l.setWeights(weights[i] as LayerWeights);
    } catch (err) {
      for (const [i, l] of this.layers.entries()) l.setWeights(before[i] as LayerWeights);
      throw err;
    }
  }

  /** The model as plain JSON (format `chainrule.sequential`, with a version), weights included. */
  toJSON(): ModelJSON {
    return serializeModel(this);
  }

  /**
   * Rebuilds a model from `toJSON()` output (an object or its JSON text), validating every field; a custom
   * loss must be passed in `options.loss`, and readers for layer types of your own in `options.layerTypes`
   * (`type` → reader; the built-in `dense`, `dropout` and `activation` are always known).
   */
  static fromJSON(json: unknown, options: FromJSONOptions = {}): Sequential {
    const { layers, loss, seed, weights, labels } = parseModelJSON(json, options.loss, options.layerTypes);
    const model = new Sequential(layers, {
      loss,
      seed,
      ...(labels ? { labels } : {}),
      ...(options.kernels ? { kernels: options.kernels } : {}),
    });
    model.setWeights(weights);
    return model;
  }

  /** Frees every buffer the model holds in kernel memory. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pool.dispose();
    for (const o of this.optimizers) o.release(this.params);
    this.optimizers.clear();
    for (const l of this.layers) l.dispose();
  }

  // ——— the pass itself ———

  // The step's methods use indexed loops only: no closures or iterators, so a step allocates nothing.
  private forward(ws: Workspace, training: boolean): void {
    let input = ws.x;
    for (let i = 0; i < this.layers.length; i++) {
      const buffers = ws.layers[i] as Workspace['layers'][number];
      (this.layers[i] as Layer).forward(input, buffers, training);
      input = buffers.a;
    }
  }

  private computeLoss(ws: Workspace): number {
    const last = lastOf(ws);
    const fused = this.loss.fusedActivation !== undefined;
    return this.loss.compute(fused ? last.z : last.a, ws.y, fused ? last.dZ : last.dA, this.kernels);
  }

  /** Forward, loss, backward; returns the data loss. The parameter gradients are left in each layer. */
  private pass(ws: Workspace, wantInputGradient: boolean, training: boolean): number {
    this.forward(ws, training);
    const loss = this.computeLoss(ws);
    const fused = this.loss.fusedActivation !== undefined;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const input = i === 0 ? ws.x : (ws.layers[i - 1] as Workspace['layers'][number]).a;
      const dX =
        i > 0
          ? (ws.layers[i - 1] as Workspace['layers'][number]).dA
          : wantInputGradient
            ? this.pool.inputGradient(ws)
            : null;
      (this.layers[i] as Layer).backward(
        input,
        ws.layers[i] as Workspace['layers'][number],
        fused && i === this.layers.length - 1,
        dX,
      );
    }
    return loss;
  }

  /** Adds the penalties' gradients to the parameter gradients; returns the total penalty. */
  private regularize(): number {
    let penalty = 0;
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i] as Param;
      if (p.l1 > 0 || p.l2 > 0) penalty += this.kernels.regularize(p.value, p.grad, p.l1, p.l2);
    }
    return penalty;
  }

  private penalty(): number {
    let penalty = 0;
    for (const p of this.params) {
      const W = p.value.data;
      for (let i = 0; i < W.length && (p.l1 > 0 || p.l2 > 0); i++) {
        const w = W[i] as number;
        penalty += p.l1 * Math.abs(w) + 0.5 * p.l2 * w * w;
      }
    }
    return penalty;
  }

  private step(ws: Workspace, optimizer: Optimizer, cursor: Cursor | null, inputGradient = false): number {
    const loss = this.pass(ws, inputGradient, true) + this.regularize();
    if (!Number.isFinite(loss)) {
      throw new ChainruleError(
        'DIVERGED',
        `training diverged${where(cursor)}: the loss is ${loss}; the weights and the optimizer's state are left as they were (try a lower learning rate)`,
      );
    }
    if (!this.optimizers.has(optimizer)) this.optimizers.add(optimizer);
    // The update backs up what it changes and reports finiteness in the same pass (Kernels docs); on a
    // non-finite result the optimizer puts the weights and its own state back.
    if (!optimizer.step(this.params, this.kernels, true)) {
      const bad = this.params.find((p) => !this.kernels.allFinite(p.value));
      optimizer.undo(this.params);
      throw new ChainruleError(
        'DIVERGED',
        `training diverged${where(cursor)}: the update made ${bad?.name ?? 'a parameter'} non-finite; the weights and the optimizer's state are left as they were (lower optimizer.learningRate and train on)`,
      );
    }
    return loss;
  }

  // ——— input checks: once per call, never per element in the hot loop ———

  private load(X: Matrix, Y: Matrix): Workspace {
    const ws = this.pool.get(X.rows);
    ws.x.data.set(X.data);
    ws.y.data.set(Y.data);
    return ws;
  }

  private checkInput(op: string, x: MatrixLike, scanValues = true): Matrix {
    if (this.disposed) throw new ChainruleError('INVALID_OPTION', `${op}: the model has been disposed`);
    return checkBatch(op, this.layers[0] as Layer, x, scanValues);
  }

  private checkPair(op: string, x: MatrixLike, y: MatrixLike): [Matrix, Matrix] {
    const X = this.checkInput(op, x);
    return [X, checkTargets(op, this.outputLayer, X, y)];
  }
}

/** ` at epoch e, batch b` for messages from inside `fit`. */
function where(cursor: Cursor | null): string {
  return cursor ? ` at epoch ${cursor.epoch}, batch ${cursor.batch}` : '';
}

function lastOf(ws: Workspace): Workspace['layers'][number] {
  return ws.layers[ws.layers.length - 1] as Workspace['layers'][number];
}

/** An epoch's optimizer must be an instance: its state carries over from epoch to epoch. */
function checkOptimizer(op: string, options: EpochOptions | undefined): void {
  if (!options || typeof options.optimizer?.step !== 'function') {
    throw new ChainruleError(
      'INVALID_OPTION',
      `${op}: options.optimizer must be an Optimizer instance (its state carries over from epoch to epoch; resolveOptimizer makes one from a name)`,
    );
  }
}
