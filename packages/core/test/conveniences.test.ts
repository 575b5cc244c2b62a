import { describe, expect, it } from 'vitest';
import {
  Adam,
  argmaxRows,
  cosineDecay,
  Dense,
  datasets,
  EarlyStopping,
  type EpochLog,
  exponentialDecay,
  Matrix,
  oneHot,
  Sequential,
  SGD,
  stepDecay,
} from '../src/index.js';
import { caught } from './caught.js';
import { kernels } from './kernels.js';

const data = datasets.circle({ count: 120, noise: 0.1, seed: 8 });
const net = (seed = 3) =>
  new Sequential([new Dense(2, 8, { activation: 'tanh' }), new Dense(8, 1, { activation: 'sigmoid' })], {
    loss: 'binaryCrossEntropy',
    kernels,
    seed,
  });

describe('conveniences a TensorFlow.js user reaches for', () => {
  it('oneHot and argmaxRows', () => {
    expect(oneHot([2, 0, 1], 3).toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(
      argmaxRows(
        Matrix.from([
          [0.1, 0.7, 0.2],
          [3, 3, 1],
        ]),
      ),
    ).toEqual([1, 0]);
    expect(caught(() => oneHot([0, 3], 3)).message).toBe('oneHot: label 1 is 3, expected an integer in 0…2');
  });

  it('predictClasses: argmax for softmax, the threshold for one sigmoid column, refused for a regression output', () => {
    const m = net();
    const p = m.predict(data.x).data;
    expect(m.predictClasses(data.x)).toEqual(Array.from(p, (v) => (v >= 0.5 ? 1 : 0)));
    const s = new Sequential([new Dense(2, 3, { activation: 'softmax' })], {
      loss: 'softmaxCrossEntropy',
      kernels,
    });
    expect(s.predictClasses(data.x)).toEqual(argmaxRows(s.predict(data.x)));
    const r = new Sequential([new Dense(2, 1)], { loss: 'mse', kernels });
    expect(caught(() => r.predictClasses(data.x)).message).toMatch(/does not classify/);
    for (const x of [m, s, r]) x.dispose();
  });

  it('fit({ validationSplit }) holds out the last rows, exactly as passing them as validation', async () => {
    const [a, b] = [net(), net()];
    const cut = 96; // 120 rows, 0.2 held out
    const rows = (m: Matrix, from: number, to: number) =>
      new Matrix(to - from, m.cols, m.data.slice(from * m.cols, to * m.cols));
    const ha = await a.fit(data.x, data.y, { epochs: 4, batchSize: 16, validationSplit: 0.2 });
    const hb = await b.fit(rows(data.x, 0, cut), rows(data.y, 0, cut), {
      epochs: 4,
      batchSize: 16,
      validation: { x: rows(data.x, cut, 120), y: rows(data.y, cut, 120) },
    });
    expect(ha).toEqual(hb);
    expect(ha.epochs[0]?.valLoss).toBeGreaterThan(0);
    await expect(a.fit(data.x, data.y, { validationSplit: 0.999 })).rejects.toThrow(
      /at least one row on each side/,
    );
    await expect(
      a.fit(data.x, data.y, { validationSplit: 0.2, validation: { x: data.x, y: data.y } }),
    ).rejects.toThrow(/not both/);
    a.dispose();
    b.dispose();
  });

  it('EarlyStopping stops when the validation loss stops improving and restores the best epoch’s weights', async () => {
    // Validation labels flipped: as the net learns the training set, its validation loss must rise.
    const flipped = new Matrix(
      data.y.rows,
      1,
      data.y.data.map((v) => 1 - v),
    );
    const m = net(4);
    const stop = new EarlyStopping({ monitor: 'valLoss', patience: 3 });
    const h = await m.fit(data.x, data.y, {
      epochs: 200,
      batchSize: 16,
      optimizer: new Adam({ learningRate: 0.05 }),
      validation: { x: data.x, y: flipped },
      callbacks: stop,
    });
    expect(h.stopped).toBe('callback');
    expect(h.epochs.length).toBeLessThan(200);
    expect(stop.stoppedEpoch).toBe(h.epochs.length);
    expect(stop.stoppedEpoch - stop.bestEpoch).toBe(3);
    const best = h.epochs[stop.bestEpoch - 1] as EpochLog;
    expect(best.valLoss).toBe(Math.min(...h.epochs.map((e) => e.valLoss as number)));
    // The weights are the best epoch's: evaluating now gives its validation loss.
    expect(m.evaluate(data.x, flipped).loss).toBeCloseTo(best.valLoss as number, 6);
    // Without validation data, monitoring valLoss says what is missing.
    await expect(m.fit(data.x, data.y, { epochs: 2, callbacks: new EarlyStopping() })).rejects.toThrow(
      /no valLoss \(give fit validation data or validationSplit\)/,
    );
    m.dispose();
  });

  it('a learning-rate schedule sets the optimizer’s rate before every epoch', async () => {
    const m = net();
    const opt = new SGD({ learningRate: 1 });
    const seen: number[] = [];
    const schedule = stepDecay(0.2, { factor: 0.5, every: 2 });
    await m.fit(data.x, data.y, {
      epochs: 5,
      optimizer: opt,
      learningRateSchedule: schedule,
      callbacks: { onEpochEnd: () => void seen.push(opt.learningRate) },
    });
    expect(seen).toEqual([0.2, 0.2, 0.1, 0.1, 0.05]);
    expect(exponentialDecay(1, 0.5)(3)).toBe(0.25);
    const cos = cosineDecay(1, 11, 0.1);
    expect(cos(1)).toBe(1);
    expect(cos(6)).toBeCloseTo(0.55, 12);
    expect(cos(11)).toBeCloseTo(0.1, 12);
    expect(cos(50)).toBeCloseTo(0.1, 12);
    m.dispose();
  });
});
