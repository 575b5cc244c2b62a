import {
  type ActivationName,
  activationTable,
  ChainruleError,
  Dense,
  type Kernels,
  type LossSpec,
  Matrix,
  type Optimizer,
  type OptimizerSpec,
  resolveOptimizer,
  Sequential,
} from '@chainrule/core';
import { featureMatrix, gridPoints, type Point, targetMatrix } from '../data/datasets';
import { activationChoices, type Config, defaultConfig, layerActivation } from '../state/config';
import type {
  ChainRow,
  Inspection,
  InspectTarget,
  IterationTrace,
  LayerSnapshot,
  Snapshot,
} from './protocol';

export const GRID = 48;
const CHAIN_ROWS = 6;

/**
 * The training side of the playground, free of any worker or DOM API so it runs in tests too: it builds the model
 * a config describes, trains it epoch by epoch, and answers with snapshots, inspections and traced iterations.
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
  private order: number[] = [];
  private batchX: Matrix[] = [];
  private batchY: Matrix[] = [];
  epoch = 0;
  iterations = 0;
  private rng = 1;

  constructor(private kernels: Kernels) {}

  get kernelsName(): string {
    return this.kernels.name;
  }

  /** Rebuilds the model (or keeps its weights, when only data-side settings changed) and the data matrices. */
  configure(config: Config, train: Point[], test: Point[], keepWeights = false): void {
    if (keepWeights && this.optimizer && this.config && onlyLearningRateDiffers(this.config, config)) {
      // Same network, data and optimizer: the optimizer keeps its velocity or moments and trains on at the new rate.
      this.optimizer.learningRate = config.learningRate;
      this.config = config;
      return;
    }
    const weights = keepWeights && this.model ? this.model.getWeights() : null;
    this.config = config;
    this.X = featureMatrix(train, config.features);
    this.Y = targetMatrix(train, config);
    this.Xtest = featureMatrix(test, config.features);
    this.Ytest = targetMatrix(test, config);
    this.grid = featureMatrix(gridPoints(GRID), config.features);
    this.order = train.map((_, i) => i);
    this.rng = config.seed + 1;
    this.buildBatches();
    this.model?.dispose();
    this.model = buildModel(config, this.X.cols, this.kernels);
    if (weights && sameShapes(weights, this.model.getWeights())) this.model.setWeights(weights);
    else {
      this.epoch = 0;
      this.iterations = 0;
    }
    this.optimizer?.dispose();
    this.optimizer = optimizerFor(config);
  }

  /** Same config, fresh weights from the seed, epoch 0. */
  reset(): void {
    if (!this.config) return;
    this.model?.dispose();
    this.model = buildModel(this.config, this.X.cols, this.kernels);
    this.optimizer?.dispose();
    this.optimizer = optimizerFor(this.config);
    this.epoch = 0;
    this.iterations = 0;
    this.rng = this.config.seed + 1;
  }

  /** Moves training to other kernels, keeping the weights. */
  setKernels(kernels: Kernels): void {
    this.kernels = kernels;
    if (!this.config || !this.model) return;
    const weights = this.model.getWeights();
    this.model.dispose();
    this.model = buildModel(this.config, this.X.cols, kernels);
    this.model.setWeights(weights);
    this.optimizer?.dispose();
    this.optimizer = optimizerFor(this.config);
  }

  private buildBatches(): void {
    const n = this.X.rows;
    const size = Math.max(1, Math.min(this.config?.batchSize ?? 10, n));
    this.batchX = [];
    this.batchY = [];
    for (let start = 0; start < n; start += size) {
      const rows = Math.min(size, n - start);
      this.batchX.push(new Matrix(rows, this.X.cols));
      this.batchY.push(new Matrix(rows, this.Y.cols));
    }
  }

  private shuffle(): void {
    for (let i = this.order.length - 1; i > 0; i--) {
      this.rng = (this.rng * 1664525 + 1013904223) >>> 0;
      const j = this.rng % (i + 1);
      [this.order[i], this.order[j]] = [this.order[j] as number, this.order[i] as number];
    }
  }

  private gather(b: number): { x: Matrix; y: Matrix } {
    const x = this.batchX[b] as Matrix;
    const y = this.batchY[b] as Matrix;
    const size = (this.batchX[0] as Matrix).rows;
    for (let r = 0; r < x.rows; r++) {
      const src = this.order[b * size + r] as number;
      for (let c = 0; c < x.cols; c++) x.data[r * x.cols + c] = this.X.data[src * x.cols + c] as number;
      for (let c = 0; c < y.cols; c++) y.data[r * y.cols + c] = this.Y.data[src * y.cols + c] as number;
    }
    return { x, y };
  }

  /** One pass over the training set in shuffled mini-batches. Returns the number of updates. */
  trainEpoch(): number {
    const model = this.need();
    if (this.X.rows === 0) return 0;
    this.shuffle();
    for (let b = 0; b < this.batchX.length; b++) {
      const { x, y } = this.gather(b);
      model.trainBatch(x, y, this.optimizer as Optimizer);
      this.iterations++;
    }
    this.epoch++;
    return this.batchX.length;
  }

  /** Losses, accuracies, weights, gradients and (optionally) every neuron's heatmap. */
  snapshot(withHeatmaps: boolean, rates: { steps: number; epochs: number }, playing: boolean): Snapshot {
    const model = this.need();
    const hasTrain = this.X.rows > 0;
    const g = hasTrain ? model.gradients(this.X, this.Y) : null;
    const train = hasTrain ? model.evaluate(this.X, this.Y) : null;
    const test = this.Xtest.rows > 0 ? model.evaluate(this.Xtest, this.Ytest) : null;
    const weights = model.getWeights();
    const layers: LayerSnapshot[] = weights.map((w, i) => ({
      inputs: w.W.rows,
      units: w.W.cols,
      activation: (model.layers[i] as Dense).activation.name,
      W: w.W.data,
      b: w.b,
      dW: g ? (g.grads[i] as { W: Matrix }).W.data : new Float32Array(w.W.data.length),
      db: g ? (g.grads[i] as { b: Float32Array }).b : new Float32Array(w.b.length),
    }));
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

  private heatmaps(): Snapshot['heatmaps'] {
    const model = this.need();
    const trace = model.forwardTrace(this.grid);
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

  setWeight(layer: number, from: number, to: number, value: number): void {
    const model = this.need();
    if (!Number.isFinite(value))
      throw new ChainruleError(
        'NON_FINITE',
        `weight ${layer}:${from}→${to}: ${value} is not a finite number`,
      );
    const weights = model.getWeights();
    const w = weights[layer];
    if (!w || from < 0 || from >= w.W.rows || to < 0 || to >= w.W.cols) {
      throw new ChainruleError(
        'SHAPE',
        `there is no weight from unit ${from} to unit ${to} in layer ${layer + 1}`,
      );
    }
    w.W.set(from, to, value);
    model.setWeights(weights);
  }

  /**
   * The chain rule for one parameter on the training set, term by term (docs/math.md §4): per example ∂J/∂a,
   * ∂a/∂z, ∂z/∂w and their product; their sum plus the regularization term; the backward pass's ∂J/∂w; and a
   * central finite difference of J.
   */
  inspect(target: InspectTarget): Inspection {
    const model = this.need();
    const l = target.layer;
    const layer = model.layers[l] as Dense | undefined;
    if (!layer) throw new ChainruleError('SHAPE', `there is no layer ${l + 1}`);
    const unit = target.kind === 'weight' ? target.to : target.unit;
    const from = target.kind === 'weight' ? target.from : -1;
    if (unit < 0 || unit >= layer.outputSize || from >= layer.inputSize) {
      throw new ChainruleError('SHAPE', `layer ${l + 1} has no such parameter`);
    }
    const { loss, grads, trace } = model.gradients(this.X, this.Y);
    const t = trace.layers[l] as (typeof trace.layers)[number];
    const input = l === 0 ? trace.X : (trace.layers[l - 1] as (typeof trace.layers)[number]).A;
    const act = layer.activation;
    const entry = activationTable[act.name];
    const rows: ChainRow[] = [];
    let sum = 0;
    for (let n = 0; n < this.X.rows; n++) {
      const z = t.Z.get(n, unit);
      const a = t.A.get(n, unit);
      const dA = t.dA.get(n, unit);
      const dZ = t.dZ.get(n, unit);
      // A row-wise activation (softmax) has a Jacobian-vector product, not one factor per unit.
      const dadz = entry.kind === 'elementwise' ? entry.derivative(z, a, act.alpha) : null;
      const dzdw = from >= 0 ? input.get(n, from) : 1;
      const product = dZ * dzdw;
      sum += product;
      if (rows.length < CHAIN_ROWS) rows.push({ example: n, dA, dadz, dZ, dzdw, product });
    }
    const weights = model.getWeights();
    const w = weights[l] as { W: Matrix; b: Float32Array };
    const value = from >= 0 ? w.W.get(from, unit) : (w.b[unit] as number);
    const regularization = from >= 0 ? layer.l1 * Math.sign(value) + layer.l2 * value : 0;
    const gradient =
      from >= 0
        ? (grads[l] as { W: Matrix }).W.get(from, unit)
        : ((grads[l] as { b: Float32Array }).b[unit] as number);
    // Central difference in float32: ε large enough that rounding in J stays small against the change.
    const epsilon = 1e-3;
    const J = (v: number) => {
      const copy = model.getWeights();
      const cw = copy[l] as { W: Matrix; b: Float32Array };
      if (from >= 0) cw.W.set(from, unit, v);
      else cw.b[unit] = v;
      model.setWeights(copy);
      return model.evaluate(this.X, this.Y).loss;
    };
    const finiteDifference = (J(value + epsilon) - J(value - epsilon)) / (2 * epsilon);
    model.setWeights(weights);
    return {
      target,
      value,
      activation: act.name,
      examples: this.X.rows,
      rows,
      sumOfProducts: sum,
      regularization,
      gradient,
      finiteDifference,
      epsilon,
      loss,
    };
  }

  /** One update on the next mini-batch, traced: Z, A, ∂J/∂A, ∂J/∂Z, ∂J/∂W, ∂J/∂b, and W, b before and after. */
  iterate(): IterationTrace {
    const model = this.need();
    if (this.X.rows === 0) throw new ChainruleError('EMPTY', 'there are no training points');
    const b = this.iterations % this.batchX.length;
    if (b === 0) this.shuffle();
    const { x, y } = this.gather(b);
    const before = model.getWeights();
    const { loss, trace } = model.gradients(x, y);
    model.trainBatch(x, y, this.optimizer as Optimizer);
    this.iterations++;
    if (b === this.batchX.length - 1) this.epoch++;
    const after = model.getWeights();
    return {
      iteration: this.iterations,
      batch: x.rows,
      loss,
      layers: trace.layers.map((t, i) => ({
        Z: t.Z.data,
        A: t.A.data,
        dA: t.dA.data,
        dZ: t.dZ.data,
        dW: t.dW.data,
        db: t.db,
        Wbefore: (before[i] as { W: Matrix }).W.data,
        Wafter: (after[i] as { W: Matrix }).W.data,
        bBefore: (before[i] as { b: Float32Array }).b,
        bAfter: (after[i] as { b: Float32Array }).b,
        units: t.Z.cols,
        inputs: (before[i] as { W: Matrix }).W.rows,
      })),
    };
  }

  exportModel(): string {
    return JSON.stringify(this.need().toJSON());
  }

  /**
   * Loads a model exported by chainrule (core's JSON format, validated there). Returns the config changes its
   * architecture implies; its input count must match the enabled features.
   */
  importModel(json: string): Partial<Config> {
    const loaded = Sequential.fromJSON(json);
    const features = this.config?.features.length ?? 0;
    if (loaded.inputSize !== features) {
      loaded.dispose();
      throw new ChainruleError(
        'SHAPE',
        `the model takes ${loaded.inputSize} inputs but ${features} features are on; turn on ${loaded.inputSize} features first`,
      );
    }
    const layers = loaded.layers as Dense[];
    const hidden = layers.slice(0, -1);
    const out = layers[layers.length - 1] as Dense;
    const acts = hidden.map((l) => l.activation.name);
    const unsupported = acts.find((a) => !activationChoices.includes(a));
    if (unsupported) {
      loaded.dispose();
      throw new ChainruleError(
        'INVALID_OPTION',
        `the model has a ${unsupported} hidden layer; the playground's hidden layers take ${activationChoices.join(', ')}`,
      );
    }
    const activation = acts[0] ?? defaultConfig.activation;
    const changes: Partial<Config> = {
      hidden: hidden.map((l) => l.outputSize),
      activation,
      layerActivations: acts.map((a) => (a === activation ? null : a)),
      output: out.activation.name,
      loss: loaded.loss.name as Config['loss'],
    };
    const weights = loaded.getWeights();
    loaded.dispose();
    const config = { ...(this.config as Config), ...changes };
    this.config = config;
    this.model?.dispose();
    this.model = buildModel(config, this.X.cols, this.kernels);
    this.model.setWeights(weights);
    this.optimizer?.dispose();
    this.optimizer = optimizerFor(config);
    return changes;
  }

  private need(): Sequential {
    if (!this.model) throw new ChainruleError('INVALID_OPTION', 'the trainer has no model yet');
    return this.model;
  }
}

export function buildModel(config: Config, inputs: number, kernels: Kernels): Sequential {
  const reg =
    config.regularization === 'none'
      ? {}
      : {
          regularization: { [config.regularization]: config.regularizationRate } as {
            l1?: number;
            l2?: number;
          },
        };
  const sizes = [inputs, ...config.hidden, config.output === 'softmax' ? 3 : 1];
  const layers = sizes.slice(1).map((units, i) => {
    const last = i === sizes.length - 2;
    const activation: ActivationName = last ? config.output : layerActivation(config, i);
    return new Dense(sizes[i] as number, units, { activation, ...reg });
  });
  return new Sequential(layers, { loss: config.loss as LossSpec, kernels, seed: config.seed });
}

function onlyLearningRateDiffers(a: Config, b: Config): boolean {
  return JSON.stringify({ ...a, learningRate: 0 }) === JSON.stringify({ ...b, learningRate: 0 });
}

/** The config's optimizer, by name from core's `optimizerTable`, at the config's learning rate. */
function optimizerFor(config: Config): Optimizer {
  // (A union of names is no one member of OptimizerSpec's union, hence the assertion.)
  return resolveOptimizer({ name: config.optimizer, learningRate: config.learningRate } as OptimizerSpec);
}

function sameShapes(a: { W: Matrix }[], b: { W: Matrix }[]): boolean {
  return a.length === b.length && a.every((w, i) => w.W.rows === b[i]?.W.rows && w.W.cols === b[i]?.W.cols);
}
