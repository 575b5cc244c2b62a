import {
  type EpochRun,
  type Kernels,
  type Layer,
  Matrix,
  mlp,
  type Optimizer,
  resolveOptimizer,
  type Sequential,
} from '@chainrule/core';
import { CLASSES, type DigitData, PIXELS } from './data';
import {
  BATCH,
  type ChartPoint,
  type HiddenSize,
  INSPECT_ROWS,
  LEARNING_RATE,
  POINT_EVERY,
  type Selection,
  type UnitView,
} from './protocol';

/** The seed of the weights and of the batch order: a reset starts the same run again. */
const SEED = 1;

/** What `train` reports after each step: ‖∂J/∂W¹‖ and ‖∂J/∂W²‖ of its gradients, and a chart point if one is due. */
export type OnStep = (first: number, second: number, point: ChartPoint | null) => void;

/** How much `train` trains: until a time, or a number of steps, whichever comes first (at least one step). */
export interface TrainOptions {
  /** Date.now() (ms) to stop at, after the step running then: a worker's time slice. Default: no limit. */
  until?: number;
  /** Stop after this many steps. Default: no limit (then `until` must be given). */
  steps?: number;
  onStep?: OnStep;
}

/**
 * 784-H-10 on the digits (ReLU, softmax cross-entropy, Adam 0.001, batches of 64) built by core's `mlp` and trained
 * by core's batch loop (`model.epoch`: the seeded shuffle and batching `trainEpoch` and `fit` run) in slices, the
 * epoch kept from one slice to the next so a pause resumes it; the chart's points, the per-step gradient norms, and
 * the inspector's view of one hidden unit. No DOM or worker API: unit-tested in Node.
 */
export class DigitTrainer {
  private model!: Sequential;
  private optimizer!: Optimizer;
  /** The epoch in progress (core's `EpochRun`), kept across slices and pauses; null between epochs. */
  private run: EpochRun | null = null;
  /** Who hears the steps of the slice running now. */
  private onStep: OnStep | undefined;
  /** W¹ as the reset drew it. */
  private initialFirst!: Float32Array;
  private readonly inspectX: Matrix;
  private readonly inspectY: Matrix;
  /** Steps since the reset, and whole epochs. */
  step = 0;
  epoch = 0;
  private lossSum = 0;
  private lossSteps = 0;
  readonly stepsPerEpoch: number;
  hidden: HiddenSize;

  constructor(
    private readonly kernels: Kernels,
    private readonly data: DigitData,
    hidden: HiddenSize,
  ) {
    const rows = data.train.x.rows;
    if (rows % BATCH !== 0 || rows === 0)
      throw new Error(`DigitTrainer: ${rows} training digits are not a whole number of batches of ${BATCH}`);
    this.stepsPerEpoch = rows / BATCH;
    const n = Math.min(INSPECT_ROWS, rows);
    this.inspectX = new Matrix(n, PIXELS, data.train.x.data.slice(0, n * PIXELS));
    this.inspectY = new Matrix(n, CLASSES, data.train.y.data.slice(0, n * CLASSES));
    this.hidden = hidden;
    this.reset(hidden);
  }

  /** Fresh weights and batch order (seed 1: the same run again) and a fresh optimizer, `hidden` units. */
  reset(hidden: HiddenSize): void {
    this.run = null;
    this.model?.dispose();
    this.optimizer?.dispose();
    this.hidden = hidden;
    // Glorot for the ReLU layer too (mlp would default it to He): the start the page has always drawn.
    this.model = mlp([PIXELS, hidden, CLASSES], {
      loss: 'softmaxCrossEntropy',
      activation: 'relu',
      init: 'glorotUniform',
      kernels: this.kernels,
      seed: SEED,
    });
    this.optimizer = resolveOptimizer({ name: 'adam', learningRate: LEARNING_RATE });
    this.initialFirst = (this.model.getWeights()[0] as { W: Matrix }).W.data;
    this.step = 0;
    this.epoch = 0;
    this.lossSum = 0;
    this.lossSteps = 0;
  }

  /**
   * Trains until `until` (Date.now() ms) or for `steps` steps, whichever comes first, and at least one step: the
   * epoch in progress resumed where the last call left it (the same row order), the next one (`model.epoch`: the
   * model's seeded shuffle, batches of 64) started when it is done. After each step `onStep` gets its gradient
   * norms and, every `POINT_EVERY` steps of an epoch and at its end, a chart point. Returns the steps trained. Throws
   * core's DIVERGED error, the weights left as before the failing step and that epoch dropped.
   */
  train({ until = Number.POSITIVE_INFINITY, steps, onStep }: TrainOptions): number {
    if (steps !== undefined && !(Number.isInteger(steps) && steps >= 0))
      throw new Error(`train: steps must be a whole number ≥ 0, got ${steps}`);
    if (steps === undefined && until === Number.POSITIVE_INFINITY)
      throw new Error('train: give `until` or `steps`; training without either would never stop');
    const start = this.step;
    const stopAt = steps === undefined ? Number.POSITIVE_INFINITY : start + steps;
    this.onStep = onStep;
    try {
      while (this.step < stopAt) {
        const run = this.current();
        // Counted in steps, one batch at a time (a deadline already passed runs exactly one); else to the deadline.
        run.run(steps === undefined ? until : Number.NEGATIVE_INFINITY);
        if (run.done) this.run = null;
        if (Date.now() >= until) break;
      }
    } catch (err) {
      this.run = null;
      throw err;
    } finally {
      this.onStep = undefined;
    }
    return this.step - start;
  }

  /** The epoch in progress, or the next: core's `model.epoch` over the training digits, batches of 64. */
  private current(): EpochRun {
    this.run ??= this.model.epoch(this.data.train.x, this.data.train.y, {
      optimizer: this.optimizer,
      batchSize: BATCH,
      onBatchEnd: ({ loss, batch, batches }) => {
        this.step++;
        this.lossSum += loss;
        this.lossSteps++;
        // Read before anything else runs a backward pass: the gradients this step's update used.
        const first = this.gradientNorm(0);
        const second = this.gradientNorm(1);
        const endOfEpoch = batch === batches;
        if (endOfEpoch) this.epoch++;
        const point = endOfEpoch || batch % POINT_EVERY === 0 ? this.point() : null;
        this.onStep?.(first, second, point);
      },
    });
    return this.run;
  }

  /** ‖∂J/∂W‖ of a Dense layer from its last backward pass (the live gradient, read in place). */
  private gradientNorm(layer: number): number {
    const W = this.model.layers[layer]?.params()[0];
    if (!W) return Number.NaN;
    const g = W.grad.data;
    let s = 0;
    for (let i = 0; i < g.length; i++) s += (g[i] as number) * (g[i] as number);
    return Math.sqrt(s);
  }

  /** The chart's point now: the mean training loss since the last point, the held-out loss and accuracy. */
  point(): ChartPoint {
    const { loss, accuracy } = this.model.evaluate(this.data.test.x, this.data.test.y);
    const trainLoss = this.lossSteps > 0 ? this.lossSum / this.lossSteps : Number.NaN;
    this.lossSum = 0;
    this.lossSteps = 0;
    return { epoch: this.step / this.stepsPerEpoch, trainLoss, testLoss: loss, testAccuracy: accuracy ?? 0 };
  }

  /** W¹, 784 × hidden, row-major (a copy); with `change`, W¹ − W¹₀, its change since the reset. */
  firstLayerWeights(change = false): Float32Array {
    const W = (this.model.getWeights()[0] as { W: Matrix }).W.data;
    if (change) for (let i = 0; i < W.length; i++) W[i] = (W[i] as number) - (this.initialFirst[i] as number);
    return W;
  }

  /** The probabilities of the ten digits for one 784-pixel image. */
  predict(pixels: Float32Array): number[] {
    if (pixels.length !== PIXELS)
      throw new Error(`predict: an image has ${PIXELS} pixels, got ${pixels.length}`);
    return Array.from(this.model.predict(new Matrix(1, PIXELS, Float32Array.from(pixels))).data);
  }

  /**
   * One hidden unit: its incoming weights, their gradient over the inspection batch (core's `gradients`), its
   * outgoing weights and bias, and core's `inspect` of the weight from `pixel`.
   */
  unitView({ unit, pixel }: Selection): UnitView {
    if (!(Number.isInteger(unit) && unit >= 0 && unit < this.hidden))
      throw new Error(`The hidden layer has units 0 to ${this.hidden - 1}; unit ${unit} is not one of them`);
    if (!(Number.isInteger(pixel) && pixel >= 0 && pixel < PIXELS))
      throw new Error(`An image has pixels 0 to ${PIXELS - 1}; pixel ${pixel} is not one of them`);
    const [first, second] = this.model.getWeights() as [
      { W: Matrix; b: Float32Array },
      { W: Matrix; b: Float32Array },
    ];
    const { grads } = this.model.gradients(this.inspectX, this.inspectY, { trace: false });
    const dW = (grads[0] as { W: Matrix }).W;
    const column = (m: Matrix) => Float32Array.from({ length: PIXELS }, (_, p) => m.get(p, unit));
    const inspected = this.model.inspect(
      this.inspectX,
      this.inspectY,
      { layer: 0, kind: 'weight', from: pixel, unit },
      { maxTerms: 0 },
    );
    return {
      unit,
      pixel,
      weights: column(first.W),
      gradient: column(dW),
      outgoing: Array.from({ length: CLASSES }, (_, c) => second.W.get(unit, c)),
      bias: first.b[unit] as number,
      inspection: {
        value: inspected.value,
        gradient: inspected.gradient,
        sumOfProducts: inspected.sumOfProducts,
        finiteDifference: inspected.finiteDifference.value,
        epsilon: inspected.finiteDifference.epsilon,
        reliable: inspected.finiteDifference.reliable,
        kinks: inspected.finiteDifference.kinks,
        activation: inspected.activation,
        laterKinks: inspected.finiteDifference.laterKinks ?? 0,
        // An mlp without Dropout: the model's layers are the page's.
        laterKinkLayers: (inspected.finiteDifference.laterKinkLayers ?? []).map((layer) => ({
          layer,
          activation: (this.model.layers[layer] as Layer).activation.name,
        })),
        examples: inspected.examples,
        loss: inspected.loss,
      },
    };
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }
}
