import { Adam, Dense, type Kernels, Matrix, Rng, Sequential } from '@chainrule/core';
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

/**
 * 784-H-10 on the digits (ReLU, softmax cross-entropy, Adam 0.001, batches of 64), trained a step at a time so the
 * worker can slice the work; the chart's points, the per-step gradient norms, and the inspector's view of one hidden
 * unit. No DOM or worker API: unit-tested in Node.
 */
export class DigitTrainer {
  private model!: Sequential;
  private optimizer!: Adam;
  private rng!: Rng;
  /** W¹ as the reset drew it. */
  private initialFirst!: Float32Array;
  private readonly order: Uint32Array;
  private readonly xb = new Matrix(BATCH, PIXELS);
  private readonly yb = new Matrix(BATCH, CLASSES);
  private readonly inspectX: Matrix;
  private readonly inspectY: Matrix;
  /** Steps since the reset, and the next batch of the current epoch. */
  step = 0;
  epoch = 0;
  private batch = 0;
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
    this.order = new Uint32Array(rows);
    const n = Math.min(INSPECT_ROWS, rows);
    this.inspectX = new Matrix(n, PIXELS, data.train.x.data.slice(0, n * PIXELS));
    this.inspectY = new Matrix(n, CLASSES, data.train.y.data.slice(0, n * CLASSES));
    this.hidden = hidden;
    this.reset(hidden);
  }

  /** Fresh weights (seed 1) and optimizer, `hidden` units. */
  reset(hidden: HiddenSize): void {
    this.model?.dispose();
    this.optimizer?.dispose();
    this.hidden = hidden;
    this.model = new Sequential(
      [
        new Dense(PIXELS, hidden, { activation: 'relu', init: 'glorotUniform' }),
        new Dense(hidden, CLASSES, { activation: 'softmax', init: 'glorotUniform' }),
      ],
      { loss: 'softmaxCrossEntropy', kernels: this.kernels, seed: SEED },
    );
    this.optimizer = new Adam({ learningRate: LEARNING_RATE });
    this.initialFirst = (this.model.getWeights()[0] as { W: Matrix }).W.data;
    this.rng = new Rng(SEED);
    // The order from the start too (each epoch shuffles it in place): the same seed, the same batches.
    for (let i = 0; i < this.order.length; i++) this.order[i] = i;
    this.step = 0;
    this.epoch = 0;
    this.batch = 0;
    this.lossSum = 0;
    this.lossSteps = 0;
  }

  /**
   * One step on the next batch (a new epoch reshuffles the order with core's Rng). `norms` gets ‖∂J/∂W¹‖ and
   * ‖∂J/∂W²‖ of this step's gradients. Returns a chart point every `POINT_EVERY` steps and at each epoch's end.
   */
  trainStep(norms?: number[]): ChartPoint | null {
    const { x, y } = this.data.train;
    if (this.batch === 0) this.rng.shuffle(this.order);
    const start = this.batch * BATCH;
    for (let r = 0; r < BATCH; r++) {
      const row = this.order[start + r] as number;
      this.xb.data.set(x.data.subarray(row * PIXELS, (row + 1) * PIXELS), r * PIXELS);
      this.yb.data.set(y.data.subarray(row * CLASSES, (row + 1) * CLASSES), r * CLASSES);
    }
    const loss = this.model.trainBatch(this.xb, this.yb, this.optimizer);
    this.step++;
    this.batch++;
    this.lossSum += loss;
    this.lossSteps++;
    if (norms) norms.push(this.step, this.gradientNorm(0), this.gradientNorm(1));
    const endOfEpoch = this.batch === this.stepsPerEpoch;
    if (endOfEpoch) {
      this.batch = 0;
      this.epoch++;
    }
    return endOfEpoch || this.batch % POINT_EVERY === 0 ? this.point() : null;
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
