import {
  type ActivationName,
  ChainruleError,
  type ChainTerm,
  type Dropout,
  type EpochRun,
  type FiniteDifference,
  type Kernels,
  type LayerWeights,
  type LossSpec,
  Matrix,
  mlp,
  type Optimizer,
  type OptimizerSpec,
  type ParameterTarget,
  resolveOptimizer,
  Sequential,
  type TracedBatch,
} from '@chainrule/core';
import { featureMatrix, gridPoints, type Point, targetMatrix } from '../data/datasets';
import {
  activationChoices,
  CLASSES,
  type Config,
  consistencyProblem,
  defaultConfig,
  layerDropout,
  normalAlphas,
  normalDropout,
  normalOutputAlpha,
  outputUnits,
  problemLabels,
  problemOf,
  resolvedActivation,
} from '../state/config';
import type {
  ExampleDetail,
  ExampleLayer,
  Inspection,
  InspectTarget,
  IterationTrace,
  LayerSnapshot,
  PageFiniteDifference,
  Snapshot,
} from './protocol';

export const GRID = 48;
const CHAIN_ROWS = 6;

/**
 * The training side of the playground, free of any worker or DOM API so it runs in tests too: it builds the model
 * a config describes, trains it through core's one batch loop (`model.epoch`: whole epochs while playing, one traced
 * batch per step-through iteration, both on the same epoch), and answers with snapshots, inspections (core's
 * `inspect`) and traced iterations.
 *
 * The page addresses layers as it draws them, Dense by Dense (`InspectTarget`); `dense` maps those indices to the
 * model's, where a Dropout may follow a hidden Dense.
 */
export class Trainer {
  private model: Sequential | null = null;
  private optimizer: Optimizer | null = null;
  private config: Config | null = null;
  private X = new Matrix(0, 0);
  private Y = new Matrix(0, 0);
  private Xtest = new Matrix(0, 0);
  private Ytest = new Matrix(0, 0);
  private grid = new Matrix(0, 0);
  /** The points X, Y and Xtest, Ytest were made from. */
  private points: { train: readonly Point[]; test: readonly Point[] } = { train: [], test: [] };
  /** Model index of each Dense layer: page layer l is `model.layers[dense[l]]`. */
  private dense: number[] = [];
  /**
   * The epoch in progress (core's `model.epoch`: the model's seeded shuffle, the config's batch size and the
   * optimizer): the step-through's iterations take its batches one at a time, and play (`trainEpoch`) runs the rest
   * of it, so an epoch begun by stepping is finished by play, not dropped. Null between epochs; dropped with the
   * model, optimizer or data it was started on.
   */
  private run: EpochRun | null = null;
  /** Whole epochs trained (however their batches ran), and updates made. */
  epoch = 0;
  iterations = 0;

  constructor(private kernels: Kernels) {}

  get kernelsName(): string {
    return this.kernels.name;
  }

  /** Rebuilds the model (or keeps its weights, when only training-side settings changed) and the data matrices. */
  configure(config: Config, train: Point[], test: Point[], keepWeights = false): void {
    if (keepWeights && this.optimizer && this.config && onlyLearningRateDiffers(this.config, config)) {
      // Same network and optimizer: it keeps its velocity or moments and trains on at the new rate.
      this.optimizer.learningRate = config.learningRate;
      this.config = config;
      if (samePoints(this.points.train, train) && samePoints(this.points.test, test)) return;
      // New points (a click, an undo, an import): the same model trains on them, from a fresh epoch over them.
      this.setData(config, train, test);
      this.run = null;
      return;
    }
    const weights = keepWeights && this.model ? denseWeights(this.model) : null;
    this.config = config;
    this.setData(config, train, test);
    this.install(buildModel(config, this.X.cols, this.kernels));
    const model = this.need();
    // Dropout layers have no parameters: the Dense layers' weights carry over when a rate changes.
    if (weights && sameShapes(weights, denseWeights(model))) setDenseWeights(model, weights);
    else {
      this.epoch = 0;
      this.iterations = 0;
    }
  }

  /** The training, test and grid matrices of these points under this config's features and targets. */
  private setData(config: Config, train: Point[], test: Point[]): void {
    this.points = { train: train.slice(), test: test.slice() };
    this.X = featureMatrix(train, config.features);
    this.Y = targetMatrix(train, config);
    this.Xtest = featureMatrix(test, config.features);
    this.Ytest = targetMatrix(test, config);
    this.grid = featureMatrix(gridPoints(GRID), config.features);
  }

  /** Same config, fresh weights from the seed, epoch 0. */
  reset(): void {
    if (!this.config) return;
    this.install(buildModel(this.config, this.X.cols, this.kernels));
    this.epoch = 0;
    this.iterations = 0;
  }

  /** Moves training to other kernels, keeping the weights. */
  setKernels(kernels: Kernels): void {
    this.kernels = kernels;
    if (!this.config || !this.model) return;
    const weights = this.model.getWeights();
    this.install(buildModel(this.config, this.X.cols, kernels));
    this.need().setWeights(weights);
  }

  /** Replaces the model (freeing the old one) and starts a fresh optimizer for it (and a fresh epoch). */
  private install(model: Sequential): void {
    this.run = null;
    this.model?.dispose();
    this.model = model;
    this.dense = denseIndices(model);
    this.optimizer?.dispose();
    this.optimizer = optimizerFor(this.config as Config);
  }

  /** Rows per update: the config's, at most the training set. */
  private get batchSize(): number {
    return Math.max(1, Math.min(this.config?.batchSize ?? defaultConfig.batchSize, this.X.rows));
  }

  /**
   * The epoch in progress, or the next one: core's `model.epoch`, the loop `fit` and `trainEpoch` run (the model's
   * seeded shuffle, one training step per batch of the config's size, the trainer's optimizer).
   */
  private current(): EpochRun {
    this.run ??= this.need().epoch(this.X, this.Y, {
      optimizer: this.optimizer as Optimizer,
      batchSize: this.batchSize,
      // Counted per batch, so a divergence mid-epoch leaves the count at the updates actually made.
      onBatchEnd: () => {
        this.iterations++;
      },
    });
    return this.run;
  }

  /**
   * Runs `batches` on the epoch in progress; when that finishes it, the epoch counts and the next call starts the
   * next. A divergence (core's DIVERGED: the weights as before the failing batch) drops the epoch.
   */
  private advance<T>(batches: (run: EpochRun) => T): T {
    const run = this.current();
    let result: T;
    try {
      result = batches(run);
    } catch (err) {
      this.run = null;
      throw err;
    }
    if (run.done) {
      this.run = null;
      this.epoch++;
    }
    return result;
  }

  /**
   * Trains to the end of the epoch: all of a new one, or the rest of one the step-through began. Returns the number
   * of updates.
   */
  trainEpoch(): number {
    this.need();
    if (this.X.rows === 0) return 0;
    const before = this.iterations;
    this.advance((run) => run.run());
    return this.iterations - before;
  }

  /** Losses, accuracies, weights, gradients and (optionally) every neuron's heatmap, Dense layer by Dense layer. */
  snapshot(withHeatmaps: boolean, rates: { steps: number; epochs: number }, playing: boolean): Snapshot {
    const model = this.need();
    const hasTrain = this.X.rows > 0;
    // Inference passes: Dropout is the identity here, as in what the network predicts.
    const g = hasTrain ? model.gradients(this.X, this.Y, { trace: false }) : null;
    const train = hasTrain ? model.evaluate(this.X, this.Y) : null;
    const test = this.Xtest.rows > 0 ? model.evaluate(this.Xtest, this.Ytest) : null;
    const weights = model.getWeights();
    const layers: LayerSnapshot[] = this.dense.map((m) => {
      const w = weights[m] as LayerWeights;
      const grad = g?.grads[m];
      return {
        inputs: w.W.rows,
        units: w.W.cols,
        activation: (model.layers[m] as (typeof model.layers)[number]).activation.name,
        W: w.W.data,
        b: w.b,
        dW: grad ? grad.W.data : new Float32Array(w.W.data.length),
        db: grad ? grad.b : new Float32Array(w.b.length),
      };
    });
    return {
      epoch: this.epoch,
      iterations: this.iterations,
      lossTrain: train?.loss ?? Number.NaN,
      lossTest: test?.loss ?? Number.NaN,
      accTrain: train?.accuracy ?? null,
      accTest: test?.accuracy ?? null,
      layers,
      heatmaps: withHeatmaps ? this.heatmaps() : null,
      stepsPerSecond: rates.steps,
      epochsPerSecond: rates.epochs,
      playing,
    };
  }

  /** Each Dense unit's output over the grid (Dropout layers, the identity at inference, are skipped). */
  private heatmaps(): Snapshot['heatmaps'] {
    const model = this.need();
    const all = model.forwardTrace(this.grid);
    const trace = this.dense.map((m) => all[m] as (typeof all)[number]);
    const cells = GRID * GRID;
    const total = trace.reduce((s, l) => s + l.A.cols * cells, 0);
    const data = new Float32Array(total);
    const offsets: number[][] = [];
    let at = 0;
    for (const layer of trace) {
      const row: number[] = [];
      for (let u = 0; u < layer.A.cols; u++) {
        row.push(at);
        for (let p = 0; p < cells; p++) data[at + p] = layer.A.data[p * layer.A.cols + u] as number;
        at += cells;
      }
      offsets.push(row);
    }
    return { size: GRID, data, offsets };
  }

  /** Sets W[from][to] of the page's layer `layer` (a Dense index). */
  setWeight(layer: number, from: number, to: number, value: number): void {
    const model = this.need();
    if (!Number.isFinite(value))
      throw new ChainruleError(
        'NON_FINITE',
        `weight ${layer}:${from}→${to}: ${value} is not a finite number`,
      );
    const weights = model.getWeights();
    const m = this.dense[layer];
    const w = m === undefined ? undefined : weights[m];
    if (!w || from < 0 || from >= w.W.rows || to < 0 || to >= w.W.cols) {
      throw new ChainruleError(
        'SHAPE',
        `there is no weight from unit ${from} to unit ${to} in layer ${layer + 1}`,
      );
    }
    w.W.set(from, to, value);
    model.setWeights(weights);
  }

  /** Sets b[unit] of the page's layer `layer` (a Dense index). */
  setBias(layer: number, unit: number, value: number): void {
    const model = this.need();
    if (!Number.isFinite(value))
      throw new ChainruleError('NON_FINITE', `bias ${layer}:${unit}: ${value} is not a finite number`);
    const weights = model.getWeights();
    const m = this.dense[layer];
    const w = m === undefined ? undefined : weights[m];
    if (!w || unit < 0 || unit >= w.b.length)
      throw new ChainruleError('SHAPE', `there is no unit ${unit + 1} in layer ${layer + 1}`);
    w.b[unit] = value;
    model.setWeights(weights);
  }

  /**
   * The chain rule for one parameter on the training set, term by term (docs/math.md §4): core's `inspect` — per
   * example ∂J/∂a, ∂a/∂z, ∂z/∂w and their product; their sum plus the regularization term; the backward pass's
   * ∂J/∂w; and a central finite difference of J that steps clear of kinks (ReLU's z = 0) or says it cannot.
   */
  inspect(target: InspectTarget, example = 0): Inspection {
    const model = this.need();
    const m = this.dense[target.layer];
    if (m === undefined) throw new ChainruleError('SHAPE', `there is no layer ${target.layer + 1}`);
    const at: ParameterTarget =
      target.kind === 'weight'
        ? { layer: m, kind: 'weight', from: target.from, unit: target.to }
        : { layer: m, kind: 'bias', unit: target.unit };
    // The followed example: a row of the training set (the last one when the set has shrunk below it).
    const n = Math.max(0, Math.min(this.X.rows - 1, Math.floor(example)));
    const i = model.inspect(this.X, this.Y, at, { maxTerms: Math.max(CHAIN_ROWS, n + 1) });
    return {
      target,
      value: i.value,
      activation: i.activation,
      examples: i.examples,
      rows: i.terms.slice(0, CHAIN_ROWS),
      sumOfProducts: i.sumOfProducts,
      regularization: i.regularization,
      gradient: i.gradient,
      finiteDifference: this.pageFiniteDifference(i.finiteDifference),
      loss: i.loss,
      detail: this.exampleDetail(target, n, i.terms[n] as ChainTerm),
    };
  }

  /**
   * Core's finite difference with its later-kink layers (model indices) as the page counts them: Dense layers, each
   * with its activation. (A Dropout's activation is the identity, so every layer core names is a Dense.)
   */
  private pageFiniteDifference(fd: FiniteDifference): PageFiniteDifference {
    const model = this.need();
    const laterKinkLayers = (fd.laterKinkLayers ?? []).map((m) => {
      const layer = this.dense.indexOf(m);
      if (layer < 0)
        throw new ChainruleError(
          'SHAPE',
          `inspect: a kink was found in model layer ${m} ('${model.layers[m]?.name}'), which is not one of the page's Dense layers`,
        );
      return { layer, activation: (model.layers[m] as (typeof model.layers)[number]).activation.name };
    });
    return { ...fd, laterKinks: fd.laterKinks ?? 0, laterKinkLayers };
  }

  /**
   * Example `n` through the network for the derivation panel: the inference pass over the whole training set that
   * `inspect` also runs (so ∂J/∂… carry the mean's 1/N), read at row n, page-indexed by Dense layer.
   */
  private exampleDetail(target: InspectTarget, n: number, term: ChainTerm): ExampleDetail {
    const model = this.need();
    const { trace } = model.gradients(this.X, this.Y);
    const row = (M: Matrix) => Array.from(M.data.subarray(n * M.cols, (n + 1) * M.cols));
    const layers = this.dense.map((m) => {
      const t = trace.layers[m] as (typeof trace.layers)[number];
      return { z: row(t.Z), a: row(t.A), dA: row(t.dA), dZ: row(t.dZ) };
    });
    const l = target.layer;
    const weights = model.getWeights();
    return {
      example: n,
      term,
      x: row(this.X),
      y: row(this.Y),
      layers,
      input: l === 0 ? row(this.X) : (layers[l - 1] as ExampleLayer).a,
      weights: this.dense.map((m) => {
        const w = weights[m] as LayerWeights;
        return { W: Array.from(w.W.data), b: Array.from(w.b), inputs: w.W.rows, units: w.W.cols };
      }),
      dX: row(trace.dX),
    };
  }

  /**
   * One update on the next mini-batch, traced: Z, A, ∂J/∂A, ∂J/∂Z, ∂J/∂W, ∂J/∂b of each Dense layer (and the output
   * of the Dropout after it), and W, b before and after. The batch is the next of the epoch in progress (core's
   * `EpochRun.traced`: the same loop, order, batch size and optimizer as play), starting the next epoch after the
   * last.
   */
  iterate(): IterationTrace {
    const model = this.need();
    if (this.X.rows === 0) throw new ChainruleError('EMPTY', 'there are no training points');
    const before = model.getWeights();
    // The trace of the very pass the update used (with Dropout, its masks): ΔW is −η·∂J/∂W of what is shown.
    const { x, y, loss, trace, grads }: TracedBatch = this.advance((run) => run.traced());
    const after = model.getWeights();
    return {
      iteration: this.iterations,
      batch: x.rows,
      loss,
      X: x.data,
      Y: y.data,
      layers: this.dense.map((m) => {
        const t = trace.layers[m] as (typeof trace.layers)[number];
        const next = model.layers[m + 1];
        const dropped = trace.layers[m + 1];
        const wBefore = before[m] as LayerWeights;
        const wAfter = after[m] as LayerWeights;
        const g = grads[m] as LayerWeights;
        return {
          Z: t.Z.data,
          A: t.A.data,
          dA: t.dA.data,
          dZ: t.dZ.data,
          dW: g.W.data,
          db: g.b,
          Wbefore: wBefore.W.data,
          Wafter: wAfter.W.data,
          bBefore: wBefore.b,
          bAfter: wAfter.b,
          units: t.Z.cols,
          inputs: wBefore.W.rows,
          dropout:
            next?.type === 'dropout' && dropped ? { rate: (next as Dropout).rate, A: dropped.A.data } : null,
        };
      }),
    };
  }

  exportModel(): string {
    return JSON.stringify(this.need().toJSON());
  }

  /**
   * Loads a model exported by chainrule (core's JSON format, validated there). Returns the config changes its
   * architecture implies — hidden sizes, activations, dropout rates — and its input count must match the enabled
   * features.
   */
  importModel(json: string): Partial<Config> {
    const loaded = Sequential.fromJSON(json);
    try {
      const features = this.config?.features.length ?? 0;
      if (loaded.inputSize !== features) {
        throw new ChainruleError(
          'SHAPE',
          `the model takes ${loaded.inputSize} inputs but ${features} features are on; turn on ${loaded.inputSize} features first`,
        );
      }
      const changes = architectureOf(loaded);
      // The model's outputs must fit the data's problem type: 3 for multi-class, 1 for binary or regression.
      const problem = problemOf(this.config as Config);
      const outputs = loaded.layers[loaded.layers.length - 1]?.outputSize ?? 0;
      const wants = problem === 'multi' ? CLASSES : 1;
      if (outputs !== wants) {
        throw new ChainruleError(
          'SHAPE',
          `the model has ${outputs} output${outputs === 1 ? '' : 's'} but the ${problemLabels[problem].toLowerCase()} problem needs ${wants}; choose the ${outputs === CLASSES ? 'multi-class' : 'binary or regression'} problem type first`,
        );
      }
      const problemCheck = consistencyProblem({ ...(this.config as Config), ...changes });
      if (problemCheck)
        throw new ChainruleError('INVALID_OPTION', `the model does not fit the data: ${problemCheck}`);
      const weights = denseWeights(loaded);
      this.config = { ...(this.config as Config), ...changes };
      this.install(buildModel(this.config, this.X.cols, this.kernels));
      setDenseWeights(this.need(), weights);
      return changes;
    } finally {
      loaded.dispose();
    }
  }

  private need(): Sequential {
    if (!this.model) throw new ChainruleError('INVALID_OPTION', 'the trainer has no model yet');
    return this.model;
  }
}

/**
 * The model a config describes: a Dense per hidden layer, followed by a `Dropout(rate)` when the layer's dropout
 * rate is above 0, then the output Dense.
 */
export function buildModel(config: Config, inputs: number, kernels: Kernels): Sequential {
  const hidden = config.hidden.map((_, i) => i);
  // Core's one model builder: a Dense per size, a Dropout after a hidden layer whose rate is above 0; each
  // activation with its α.
  return mlp([inputs, ...config.hidden, outputUnits(config)], {
    loss: config.loss as LossSpec,
    activation: hidden.map((i) => resolvedActivation(config, i)),
    output: resolvedActivation(config, config.hidden.length),
    dropout: hidden.map((i) => layerDropout(config, i)),
    ...(config.regularization === 'none'
      ? {}
      : { regularization: { [config.regularization]: config.regularizationRate } }),
    kernels,
    // The weights' own seed (⟲ draws a new one); the data's seed only decides the points.
    seed: config.initSeed,
  });
}

/** Where the Dense layers sit in the model: the page's layer l is `model.layers[denseIndices(model)[l]]`. */
export function denseIndices(model: Sequential): number[] {
  return model.layers.flatMap((layer, i) => (layer.type === 'dense' ? [i] : []));
}

/** The Dense layers' weights, in order (what carries over between models that differ only in Dropout). */
function denseWeights(model: Sequential): LayerWeights[] {
  const all = model.getWeights();
  return denseIndices(model).map((i) => all[i] as LayerWeights);
}

/** Sets the Dense layers' weights, in order; the parameter-free layers keep their empty entries. */
function setDenseWeights(model: Sequential, dense: readonly LayerWeights[]): void {
  const all = model.getWeights();
  denseIndices(model).forEach((i, l) => {
    all[i] = dense[l] as LayerWeights;
  });
  model.setWeights(all);
}

/**
 * The config a model's layers imply: Dense layers, each hidden one optionally followed by a Dropout, whose rate
 * becomes that layer's dropout; every activation with its α (leaky ReLU's, ELU's). Anything else (an Activation
 * layer, a Dropout elsewhere, a row-wise hidden activation) is refused by name.
 */
function architectureOf(model: Sequential): Partial<Config> {
  const layers = model.layers;
  const hidden: { units: number; activation: ActivationName; alpha: number; dropout: number }[] = [];
  for (const [i, layer] of layers.entries()) {
    const last = i === layers.length - 1;
    if (layer.type === 'dense' && !last) {
      const { name, alpha } = layer.activation;
      hidden.push({ units: layer.outputSize, activation: name, alpha, dropout: 0 });
    } else if (layer.type === 'dropout' && !last && layers[i - 1]?.type === 'dense') {
      (hidden[hidden.length - 1] as { dropout: number }).dropout = (layer as Dropout).rate;
    } else if (!(layer.type === 'dense' && last)) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `the model has a layer of type '${layer.type}' ('${layer.name}') at position ${i + 1}; the playground's networks are Dense layers, each hidden one optionally followed by a Dropout`,
      );
    }
  }
  const acts = hidden.map((l) => l.activation);
  const unsupported = acts.find((a) => !activationChoices.includes(a));
  if (unsupported) {
    throw new ChainruleError(
      'INVALID_OPTION',
      `the model has a ${unsupported} hidden layer; the playground's hidden layers take ${activationChoices.join(', ')}`,
    );
  }
  const activation = acts[0] ?? defaultConfig.activation;
  const layerActivations = acts.map((a) => (a === activation ? null : a));
  const out = layers[layers.length - 1] as (typeof layers)[number];
  return {
    hidden: hidden.map((l) => l.units),
    activation,
    layerActivations,
    // Kept where the activation has one and it is not the table's default (config's normal form).
    alphas: normalAlphas({
      hidden: hidden.map((l) => l.units),
      activation,
      layerActivations,
      alphas: hidden.map((l) => l.alpha),
    }),
    dropout: normalDropout(
      hidden.map((l) => l.dropout),
      hidden.length,
    ),
    output: out.activation.name,
    outputAlpha: normalOutputAlpha({ output: out.activation.name, outputAlpha: out.activation.alpha }),
    loss: model.loss.name as Config['loss'],
  };
}

function onlyLearningRateDiffers(a: Config, b: Config): boolean {
  return JSON.stringify({ ...a, learningRate: 0 }) === JSON.stringify({ ...b, learningRate: 0 });
}

/** The config's optimizer, by name from core's `optimizerTable`, at the config's learning rate. */
function optimizerFor(config: Config): Optimizer {
  // (A union of names is no one member of OptimizerSpec's union, hence the assertion.)
  return resolveOptimizer({ name: config.optimizer, learningRate: config.learningRate } as OptimizerSpec);
}

function sameShapes(a: readonly LayerWeights[], b: readonly LayerWeights[]): boolean {
  return a.length === b.length && a.every((w, i) => w.W.rows === b[i]?.W.rows && w.W.cols === b[i]?.W.cols);
}

/** Whether two point lists are the same points in the same order. */
function samePoints(a: readonly Point[], b: readonly Point[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => {
      const q = b[i] as Point;
      return p.x === q.x && p.y === q.y && p.label === q.label;
    })
  );
}
