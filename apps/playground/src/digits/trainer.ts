import {
  type Kernels,
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
/** `fit`'s epochs when training runs until it is paused (a signal or `steps` ends it long before). */
const UNTIL_STOPPED = Number.MAX_SAFE_INTEGER;

/** What `train` reports after each step: ‖∂J/∂W¹‖ and ‖∂J/∂W²‖ of its gradients, and a chart point if one is due. */
export type OnStep = (first: number, second: number, point: ChartPoint | null) => void;

/** How `train` runs. */
export interface TrainOptions {
  /** Aborting stops training after the current step (between two, the worker handles the page's messages). */
  signal?: { readonly aborted: boolean };
  /** Stop after this many steps (default: until the signal aborts). */
  steps?: number;
  /** Yield to the event loop at most this often (ms), so a worker's messages get in; default 40. */
  yieldEveryMs?: number;
  onStep?: OnStep;
}

/**
 * 784-H-10 on the digits (ReLU, softmax cross-entropy, Adam 0.001, batches of 64) built by core's `mlp` and trained
 * by core's batch loop (`fit`: the seeded shuffle and batching `trainEpoch` runs, with yields so a worker stays
 * responsive); the chart's points, the per-step gradient norms, and the inspector's view of one hidden unit. No DOM
 * or worker API: unit-tested in Node.
 */
export class DigitTrainer {
  private model!: Sequential;
  private optimizer!: Optimizer;
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
   * Trains until `signal` aborts (or `steps` more steps are done): core's `fit`, whose batches are `trainEpoch`'s
   * (the model's seeded shuffle each epoch, one `trainBatch` per batch of 64), yielding every `yieldEveryMs`.
   * After each step `onStep` gets its gradient norms and, every `POINT_EVERY` steps of an epoch and at its end, a
   * chart point. A stop mid-epoch ends that epoch there: the next call starts a new one (core has no way to resume
   * an epoch). Rejects with core's DIVERGED error, the weights left as before the failing step.
   */
  async train({ signal, steps, yieldEveryMs = 40, onStep }: TrainOptions = {}): Promise<void> {
    if (steps !== undefined && !(Number.isInteger(steps) && steps >= 0))
      throw new Error(`train: steps must be a whole number ≥ 0, got ${steps}`);
    const stopAt = steps === undefined ? Number.POSITIVE_INFINITY : this.step + steps;
    if (this.step >= stopAt || signal?.aborted) return;
    const { x, y } = this.data.train;
    await this.model.fit(x, y, {
      epochs: steps === undefined ? UNTIL_STOPPED : Math.ceil(steps / this.stepsPerEpoch),
      batchSize: BATCH,
      optimizer: this.optimizer,
      yieldEveryMs,
      ...(signal ? { signal } : {}),
      callbacks: {
        onBatchEnd: ({ loss, batch, batches }) => {
          this.step++;
          this.lossSum += loss;
          this.lossSteps++;
          // Read before anything else runs a backward pass: the gradients this step's update used.
          const first = this.gradientNorm(0);
          const second = this.gradientNorm(1);
          const endOfEpoch = batch === batches;
          if (endOfEpoch) this.epoch++;
          onStep?.(first, second, endOfEpoch || batch % POINT_EVERY === 0 ? this.point() : null);
          return this.step < stopAt;
        },
      },
    });
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
