import { describe, expect, it } from 'vitest';
import { Adam, Dense, datasets, Matrix, Momentum, Sequential, SGD } from '../src/index.js';
import { caught } from './caught.js';
import { kernels } from './kernels.js';

const XOR_X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const XOR_Y = [[0], [1], [1], [0]];

describe('training works', () => {
  it('XOR with 2-4-1 reaches loss < 0.01 and classifies all four points', async () => {
    const model = new Sequential(
      [new Dense(2, 4, { activation: 'tanh' }), new Dense(4, 1, { activation: 'sigmoid' })],
      { kernels, loss: 'binaryCrossEntropy', seed: 3 },
    );
    const history = await model.fit(XOR_X, XOR_Y, {
      epochs: 1500,
      batchSize: 4,
      optimizer: new Adam({ learningRate: 0.05 }),
    });
    const final = history.epochs.at(-1)!;
    expect(history.epochs).toHaveLength(1500);
    expect(final.loss).toBeLessThan(0.01);
    expect(final.accuracy).toBe(1);
    expect(Array.from(model.predict(XOR_X).data, (p) => (p > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
    // The loss actually fell (it did not start below the bar).
    expect(history.epochs[0]!.loss).toBeGreaterThan(0.5);
  });

  it('the spiral reaches ≥ 95% training accuracy and the circle ≥ 95% held-out accuracy', async () => {
    const spiral = datasets.spiral({ count: 300, noise: 0, seed: 4 });
    const s = new Sequential(
      [
        new Dense(2, 16, { activation: 'tanh' }),
        new Dense(16, 16, { activation: 'tanh' }),
        new Dense(16, 1, { activation: 'sigmoid' }),
      ],
      { kernels, loss: 'binaryCrossEntropy', seed: 5 },
    );
    await s.fit(spiral.x, spiral.y, {
      epochs: 600,
      batchSize: 16,
      optimizer: new Adam({ learningRate: 0.01 }),
    });
    expect(s.evaluate(spiral.x, spiral.y).accuracy).toBeGreaterThanOrEqual(0.95);

    const { train, test } = datasets.split(datasets.circle({ count: 400, noise: 0.05, seed: 6 }), 0.5, 6);
    const c = new Sequential(
      [new Dense(2, 8, { activation: 'relu' }), new Dense(8, 1, { activation: 'sigmoid' })],
      { kernels, loss: 'binaryCrossEntropy', seed: 7 },
    );
    const before = c.evaluate(test.x, test.y).accuracy!;
    const history = await c.fit(train.x, train.y, {
      epochs: 150,
      batchSize: 10,
      optimizer: new Adam({ learningRate: 0.02 }),
      validation: test,
    });
    const after = c.evaluate(test.x, test.y);
    expect(before).toBeLessThan(0.8);
    expect(after.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(history.epochs.at(-1)!.valAccuracy).toBe(after.accuracy);
  });

  it('softmax cross-entropy separates three clusters', async () => {
    const data = datasets.clusters({ count: 300, classes: 3, seed: 8 });
    const model = new Sequential(
      [new Dense(2, 8, { activation: 'relu' }), new Dense(8, 3, { activation: 'softmax' })],
      { kernels, loss: 'softmaxCrossEntropy', seed: 9 },
    );
    await model.fit(data.x, data.y, {
      epochs: 60,
      batchSize: 16,
      optimizer: new Momentum({ learningRate: 0.05 }),
    });
    expect(model.evaluate(data.x, data.y).accuracy).toBeGreaterThanOrEqual(0.97);
  });

  it('a regression plane reaches low error with plain SGD', async () => {
    const data = datasets.plane({ count: 200, seed: 10 });
    const model = new Sequential([new Dense(2, 8, { activation: 'tanh' }), new Dense(8, 1)], {
      kernels,
      loss: 'mse',
      seed: 11,
    });
    const start = model.evaluate(data.x, data.y).loss;
    await model.fit(data.x, data.y, {
      epochs: 200,
      batchSize: 10,
      optimizer: new SGD({ learningRate: 0.05 }),
    });
    const end = model.evaluate(data.x, data.y).loss;
    expect(end).toBeLessThan(1e-3);
    expect(end).toBeLessThan(start / 50);
  });

  it('the same seed gives bit-identical weights; another seed does not', async () => {
    const run = async (seed: number) => {
      const data = datasets.circle({ count: 100, noise: 0.1, seed: 12 });
      const model = new Sequential(
        [new Dense(2, 6, { activation: 'tanh' }), new Dense(6, 1, { activation: 'sigmoid' })],
        { kernels, loss: 'binaryCrossEntropy', seed },
      );
      await model.fit(data.x, data.y, {
        epochs: 20,
        batchSize: 7,
        optimizer: new Adam({ learningRate: 0.01 }),
      });
      return model.getWeights().flatMap((w) => [...w.W.data, ...w.b]);
    };
    const a = await run(42);
    const b = await run(42);
    const c = await run(43);
    expect(new Uint32Array(Float32Array.from(a).buffer)).toEqual(
      new Uint32Array(Float32Array.from(b).buffer),
    );
    expect(c).not.toEqual(a);
  });

  it('L2 regularization shrinks the weights', async () => {
    const data = datasets.gaussians({ count: 100, seed: 13 });
    const norm = async (l2: number) => {
      const model = new Sequential(
        [
          new Dense(2, 8, { activation: 'tanh', regularization: { l2 } }),
          new Dense(8, 1, { activation: 'sigmoid', regularization: { l2 } }),
        ],
        { kernels, loss: 'binaryCrossEntropy', seed: 14 },
      );
      await model.fit(data.x, data.y, { epochs: 50, optimizer: new SGD({ learningRate: 0.1 }) });
      return model.getWeights().reduce((s, w) => s + w.W.data.reduce((t, v) => t + v * v, 0), 0);
    };
    expect(await norm(0.1)).toBeLessThan((await norm(0)) * 0.5);
  });
});

describe('fit stops when asked', () => {
  const model = () =>
    new Sequential([new Dense(2, 3, { activation: 'tanh' }), new Dense(3, 1, { activation: 'sigmoid' })], {
      kernels,
      loss: 'binaryCrossEntropy',
    });

  it('an onEpochEnd returning false stops after that epoch', async () => {
    const seen: number[] = [];
    const h = await model().fit(XOR_X, XOR_Y, {
      epochs: 50,
      callbacks: {
        onEpochEnd: (log) => {
          seen.push(log.epoch);
          return log.epoch < 3;
        },
      },
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(h.epochs).toHaveLength(3);
    expect(h.stopped).toBe('callback');
  });

  it('onBatchEnd sees every batch, numbered, with its size', async () => {
    const infos: string[] = [];
    await model().fit(XOR_X, XOR_Y, {
      epochs: 2,
      batchSize: 3,
      callbacks: { onBatchEnd: (b) => void infos.push(`${b.epoch}.${b.batch}/${b.batches}:${b.size}`) },
    });
    expect(infos).toEqual(['1.1/2:3', '1.2/2:1', '2.1/2:3', '2.2/2:1']);
  });

  it('an aborted signal stops training and returns the history so far', async () => {
    const controller = new AbortController();
    const h = await model().fit(XOR_X, XOR_Y, {
      epochs: 1000,
      callbacks: { onEpochEnd: (log) => void (log.epoch === 5 && controller.abort()) },
      signal: controller.signal,
    });
    expect(h.stopped).toBe('aborted');
    expect(h.epochs).toHaveLength(5);
  });
});

describe('models travel as JSON', () => {
  it('toJSON → fromJSON gives the same predictions, loss and layer names', () => {
    const model = new Sequential(
      [
        new Dense(2, 5, { activation: { name: 'leakyRelu', alpha: 0.2 }, regularization: { l2: 0.01 } }),
        new Dense(5, 3, { activation: 'softmax', name: 'probs' }),
      ],
      { kernels, loss: 'softmaxCrossEntropy', seed: 15 },
    );
    const text = JSON.stringify(model.toJSON());
    const back = Sequential.fromJSON(text, { kernels });
    expect(back.loss.name).toBe('softmaxCrossEntropy');
    expect(back.layers.map((l) => l.name)).toEqual(['dense_1', 'probs']);
    expect(back.layers[0]!.activation).toEqual({ name: 'leakyRelu', alpha: 0.2 });
    expect((back.layers[0] as Dense).l2).toBe(0.01);
    const x = [
      [0.3, -1],
      [2, 0.5],
    ];
    expect(back.predict(x).data).toEqual(model.predict(x).data);
    expect(JSON.parse(text).version).toBe(1);
  });
});

describe('forwardTrace', () => {
  it('gives every layer’s Z and A, the last A equal to predict', () => {
    const model = new Sequential(
      [new Dense(2, 3, { activation: 'relu' }), new Dense(3, 2, { activation: 'softmax' })],
      {
        kernels,
        loss: 'softmaxCrossEntropy',
        seed: 2,
      },
    );
    const x = [
      [0.5, -1],
      [2, 1],
    ];
    const t = model.forwardTrace(x);
    expect(t.map((l) => l.A.shape)).toEqual([
      [2, 3],
      [2, 2],
    ]);
    expect(t[1]!.A.data).toEqual(model.predict(x).data);
    expect(Array.from(t[0]!.A.data)).toEqual(Array.from(t[0]!.Z.data, (z) => Math.max(z, 0)));
  });
});

describe('one training loop: trainEpoch is the loop fit runs', () => {
  const data = datasets.split(datasets.circle({ count: 120, noise: 0.05, seed: 4 }), 0.5, 4);
  const net = () =>
    new Sequential([new Dense(2, 6, { activation: 'tanh' }), new Dense(6, 1, { activation: 'sigmoid' })], {
      kernels,
      loss: 'binaryCrossEntropy',
      seed: 21,
    });

  it('five trainEpoch calls give bit for bit the history and weights of fit({ epochs: 5 })', async () => {
    const [a, b] = [net(), net()];
    const [optA, optB] = [new Adam({ learningRate: 0.02 }), new Adam({ learningRate: 0.02 })];
    const history = await a.fit(data.train.x, data.train.y, { epochs: 5, batchSize: 8, optimizer: optA });
    const logs = Array.from({ length: 5 }, () =>
      b.trainEpoch(data.train.x, data.train.y, { batchSize: 8, optimizer: optB }),
    );
    expect(logs).toEqual(history.epochs);
    expect(b.getWeights()).toEqual(a.getWeights());
    a.dispose();
    b.dispose();
  });

  it('an epoch run in slices — a batch at a time, some traced — trains bit for bit as trainEpoch does', () => {
    const [a, b] = [net(), net()];
    const [optA, optB] = [new Adam({ learningRate: 0.02 }), new Adam({ learningRate: 0.02 })];
    for (let e = 0; e < 3; e++) {
      const want = a.trainEpoch(data.train.x, data.train.y, { batchSize: 8, optimizer: optA });
      const run = b.epoch(data.train.x, data.train.y, { batchSize: 8, optimizer: optB });
      expect(run.batches).toBe(Math.ceil(data.train.x.rows / 8));
      let slices = 0;
      while (!run.done) {
        // A deadline already past: exactly one batch per slice; every third batch traced.
        if (run.batchesDone % 3 === 1) run.traced();
        else run.run(0);
        slices++;
      }
      expect(slices).toBe(run.batches);
      expect(run.log()).toEqual(want);
      expect(b.getWeights()).toEqual(a.getWeights());
    }
    a.dispose();
    b.dispose();
  });

  it('a traced batch is the rows it gathered and the pass its update used (ΔW = −η·∂J/∂W with SGD)', () => {
    const m = net();
    const eta = 0.1;
    const run = m.epoch(data.train.x, data.train.y, {
      batchSize: 10,
      optimizer: new SGD({ learningRate: eta }),
    });
    run.run(0);
    const before = m.getWeights();
    const t = run.traced();
    const after = m.getWeights();
    expect([t.epoch, t.batch, t.batches, t.rows.length]).toEqual([run.epoch, 2, run.batches, 10]);
    const X = data.train.x;
    t.rows.forEach((r, i) => {
      expect(Array.from(t.x.data.subarray(i * X.cols, (i + 1) * X.cols))).toEqual(
        Array.from(X.data.subarray(r * X.cols, (r + 1) * X.cols)),
      );
    });
    expect(new Set(t.rows).size).toBe(10);
    for (const [l, g] of t.grads.entries()) {
      const w0 = before[l]?.W.data as Float32Array;
      const w1 = after[l]?.W.data as Float32Array;
      for (let i = 0; i < w0.length; i++) {
        const want = Math.fround((w0[i] as number) - Math.fround(eta * (g.W.data[i] as number)));
        expect(Math.abs((w1[i] as number) - want)).toBeLessThanOrEqual(2 ** -23 * Math.abs(want) + 1e-12);
      }
    }
    // J of the batch, measured before the update, is what a twin evaluates on those rows at the old weights.
    const twin = net();
    twin.setWeights(before);
    expect(t.loss).toBeCloseTo(twin.evaluate(t.x, t.y).loss, 6);
    twin.dispose();
    m.dispose();
  });

  it('an epoch refuses log() before its end and traced() after it; a callback stop logs NaN', () => {
    const m = net();
    const opt = new SGD({ learningRate: 0.1 });
    const run = m.epoch(data.train.x, data.train.y, { batchSize: 10, optimizer: opt });
    run.run(0);
    expect(() => run.log()).toThrow(/log\(\) before its last batch \(1 of \d+ run\)/);
    expect(run.run()).toBe(true);
    expect(run.log().loss).toBeGreaterThan(0);
    expect(() => run.traced()).toThrow(/traced\(\) after its last batch/);
    expect(() => m.epoch(data.train.x, data.train.y, { optimizer: 'sgd' as never })).toThrow(
      /epoch: options.optimizer must be an Optimizer instance/,
    );
    const stopped = m.epoch(data.train.x, data.train.y, {
      batchSize: 10,
      optimizer: opt,
      onBatchEnd: (b) => b.batch < 2,
    });
    expect(stopped.run()).toBe(true);
    expect(stopped.batchesDone).toBe(2);
    expect(stopped.log().loss).toBeNaN();
    m.dispose();
  });

  it('epochs open at once each keep their own row order: a paused run resumes on its rows, whatever else trained', async () => {
    const rowsOf = (runs: { rows: Uint32Array }[]) => runs.flatMap((t) => Array.from(t.rows));
    const every = (n: number) => Array.from({ length: n }, (_, i) => i);
    // Alone: the rows run A trains on. Then the same, with another epoch, a trainEpoch on fewer rows and a fit in
    // between: A trains on exactly the same rows, each once.
    const ref = net();
    const a1 = ref.epoch(data.train.x, data.train.y, {
      batchSize: 10,
      optimizer: new SGD({ learningRate: 0.05 }),
    });
    const alone = rowsOf(Array.from({ length: a1.batches }, () => a1.traced()));
    expect([...alone].sort((p, q) => p - q)).toEqual(every(data.train.x.rows));
    const m = net();
    const opt = new SGD({ learningRate: 0.05 });
    const a = m.epoch(data.train.x, data.train.y, { batchSize: 10, optimizer: opt });
    const seen = [a.traced(), a.traced()];
    const b = m.epoch(data.train.x, data.train.y, { batchSize: 10, optimizer: opt });
    b.traced();
    seen.push(a.traced());
    const half = { x: data.train.x.rows / 2 };
    const rows = (mm: Matrix, n: number) => new Matrix(n, mm.cols, mm.data.slice(0, n * mm.cols));
    m.trainEpoch(rows(data.train.x, half.x), rows(data.train.y, half.x), { batchSize: 10, optimizer: opt });
    seen.push(a.traced());
    await m.fit(data.train.x, data.train.y, {
      epochs: 1,
      batchSize: 10,
      optimizer: opt,
      validationSplit: 0.5,
    });
    while (!a.done) seen.push(a.traced());
    expect(rowsOf(seen)).toEqual(alone);
    expect(a.log().loss).toBeGreaterThan(0);
    ref.dispose();
    m.dispose();
  });

  it('a batch that diverges in an open epoch is retried: lowering the rate trains on as if it never happened', () => {
    const [a, b] = [net(), net()];
    const [optA, optB] = [new Adam({ learningRate: 0.02 }), new Adam({ learningRate: 0.02 })];
    const want = b.trainEpoch(data.train.x, data.train.y, { batchSize: 8, optimizer: optB });
    const run = a.epoch(data.train.x, data.train.y, { batchSize: 8, optimizer: optA });
    run.run(0);
    optA.learningRate = 1e300;
    expect(caught(() => run.traced()).code).toBe('DIVERGED');
    expect(run.batchesDone).toBe(1); // the failed batch is not counted
    optA.learningRate = 0.02;
    run.run();
    expect(run.log()).toEqual(want);
    expect(a.getWeights()).toEqual(b.getWeights());
    a.dispose();
    b.dispose();
  });

  it('an aborted or disposed epoch refuses traced() and run() with the reason', () => {
    const m = net();
    const controller = new AbortController();
    const run = m.epoch(data.train.x, data.train.y, {
      batchSize: 10,
      optimizer: new SGD({ learningRate: 0.1 }),
      signal: controller.signal,
    });
    run.traced();
    controller.abort();
    const w = m.getWeights();
    expect(() => run.traced()).toThrow(
      'epoch 1: traced() after it was stopped (its signal aborted) after 1 of',
    );
    expect(m.getWeights()).toEqual(w); // no batch ran
    expect(run.log().loss).toBeNaN();
    const open = m.epoch(data.train.x, data.train.y, {
      batchSize: 10,
      optimizer: new SGD({ learningRate: 0.1 }),
    });
    m.dispose();
    expect(() => open.run()).toThrow('epoch 2: run(): the model has been disposed');
    expect(() => open.traced()).toThrow('epoch 2: traced(): the model has been disposed');
  });

  it('trainEpoch needs an optimizer instance, and stops on onBatchEnd returning false', () => {
    const m = net();
    expect(() => m.trainEpoch(data.train.x, data.train.y, { optimizer: 'adam' as never })).toThrow(
      /options.optimizer must be an Optimizer instance/,
    );
    let seen = 0;
    const log = m.trainEpoch(data.train.x, data.train.y, {
      optimizer: new SGD({ learningRate: 0.1 }),
      batchSize: 10,
      onBatchEnd: (b) => {
        seen = b.batch;
        return b.batch < 3;
      },
    });
    expect(seen).toBe(3);
    expect(log.loss).toBeNaN();
    m.dispose();
  });

  it('shuffle: false trains the rows in order, even after shuffled epochs', () => {
    const [a, b] = [net(), net()];
    const [optA, optB] = [new SGD({ learningRate: 0.05 }), new SGD({ learningRate: 0.05 })];
    a.trainEpoch(data.train.x, data.train.y, { batchSize: 10, optimizer: optA }); // shuffled
    b.trainEpoch(data.train.x, data.train.y, { batchSize: 10, optimizer: optB });
    a.trainEpoch(data.train.x, data.train.y, { batchSize: 10, optimizer: optA, shuffle: false });
    const X = data.train.x;
    const Y = data.train.y;
    for (let start = 0; start < X.rows; start += 10) {
      const rows = Math.min(10, X.rows - start);
      const slice = (m: typeof X) =>
        new Matrix(rows, m.cols, m.data.slice(start * m.cols, (start + rows) * m.cols));
      b.trainBatch(slice(X), slice(Y), optB);
    }
    expect(a.getWeights()).toEqual(b.getWeights());
    a.dispose();
    b.dispose();
  });

  it('an aborted signal stops fit before any batch; a stop on an epoch’s last batch keeps that epoch', async () => {
    const m = net();
    const before = m.getWeights();
    const controller = new AbortController();
    controller.abort();
    const h = await m.fit(data.train.x, data.train.y, {
      epochs: 3,
      optimizer: new SGD({ learningRate: 0.1 }),
      signal: controller.signal,
    });
    expect(h).toEqual({ epochs: [], stopped: 'aborted' });
    expect(m.getWeights()).toEqual(before);
    const batches = Math.ceil(data.train.x.rows / 20);
    const stopped = await m.fit(data.train.x, data.train.y, {
      epochs: 5,
      batchSize: 20,
      optimizer: new SGD({ learningRate: 0.1 }),
      callbacks: { onBatchEnd: (b) => !(b.epoch === 2 && b.batch === batches) },
    });
    expect(stopped.stopped).toBe('callback');
    expect(stopped.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(Number.isFinite(stopped.epochs[1]?.loss)).toBe(true);
    m.dispose();
  });

  it('fit yields to the event loop across many short epochs, so a timer and an abort get their turn', async () => {
    const m = net();
    const controller = new AbortController();
    let ticks = 0;
    const timer = setInterval(() => {
      ticks++;
      if (ticks === 3) controller.abort();
    }, 5);
    const history = await m.fit(data.train.x, data.train.y, {
      epochs: 1_000_000,
      batchSize: 60,
      optimizer: new SGD({ learningRate: 0.05 }),
      signal: controller.signal,
      yieldEveryMs: 4,
    });
    clearInterval(timer);
    expect(history.stopped).toBe('aborted');
    expect(history.epochs.length).toBeGreaterThan(0);
    expect(history.epochs.length).toBeLessThan(1_000_000);
    m.dispose();
  });
});
