import { describe, expect, it } from 'vitest';
import {
  Adam,
  activationNames,
  Dense,
  jsKernels,
  type Kernels,
  lossNames,
  Matrix,
  Momentum,
  Sequential,
  SGD,
} from '../src/index.js';
import { caught, caughtAsync } from './caught.js';

const net = (loss: 'mse' | 'binaryCrossEntropy' = 'mse') =>
  new Sequential(
    [
      new Dense(2, 3, { activation: 'tanh' }),
      new Dense(3, 1, { activation: loss === 'mse' ? 'linear' : 'sigmoid' }),
    ],
    {
      loss,
    },
  );

describe('bad input gets a clear error', () => {
  it('layers that do not chain: names both layers and sizes', () => {
    const e = caught(() => new Sequential([new Dense(2, 4), new Dense(5, 1)], { loss: 'mse' }));
    expect(e.code).toBe('SHAPE');
    expect(e.message).toBe("Sequential: layer 'dense_2' expects 5 inputs but layer 'dense_1' outputs 4");
  });

  it('X with the wrong width: names the layer and both shapes', () => {
    const e = caught(() => net().predict([[1, 2, 3]]));
    expect(e.code).toBe('SHAPE');
    expect(e.message).toBe("predict: layer 'dense_1' expects 2 input columns, got X of shape 1×3");
  });

  it('a wrong target width names the output layer and the shape', () => {
    const e = caught(() => net().gradients([[1, 2]], [[1, 2]]));
    expect(e.message).toBe("gradients: layer 'dense_2' outputs 1 columns, got Y of shape 1×2");
  });

  it('X and Y with different row counts', () => {
    const e = caught(() =>
      net().evaluate(
        [
          [1, 2],
          [3, 4],
        ],
        [[1]],
      ),
    );
    expect(e.message).toContain('X has 2 rows but Y has 1 (X 2×2, Y 1×1)');
  });

  it('ragged rows in nested arrays name the row', () => {
    const e = caught(() => net().predict([[1, 2], [3]]));
    expect(e.message).toBe('Matrix.from: row 1 has 1 values, row 0 has 2');
  });

  it('non-finite inputs and targets name the value and where it is', () => {
    expect(
      caught(() =>
        net().predict([
          [1, 2],
          [3, Number.NaN],
        ]),
      ).message,
    ).toBe('predict: X has a non-finite value NaN at row 1, column 1');
    const e = caught(() => net().gradients([[1, 2]], [[Number.POSITIVE_INFINITY]]));
    expect(e.code).toBe('NON_FINITE');
    expect(e.message).toBe('gradients: Y has a non-finite value Infinity at row 0, column 0');
  });

  it('an empty batch', async () => {
    expect(caught(() => net().predict([])).code).toBe('EMPTY');
    const e = await caughtAsync(() => net().fit(new Matrix(0, 2), new Matrix(0, 1)));
    expect(e.message).toBe('fit: X is empty (0 rows); a batch needs at least one row');
  });

  it('non-positive or non-finite learning rates', () => {
    expect(caught(() => new SGD({ learningRate: 0 })).message).toBe('SGD: learningRate must be > 0, got 0');
    expect(caught(() => new Adam({ learningRate: -0.1 })).message).toBe(
      'Adam: learningRate must be > 0, got -0.1',
    );
    expect(caught(() => new Momentum({ learningRate: Number.NaN })).message).toBe(
      'Momentum: learningRate must be a finite number, got NaN',
    );
  });

  it('unknown activation, loss, initializer and optimizer names list the known ones', () => {
    const a = caught(() => new Dense(2, 2, { activation: 'swish' as never }));
    expect(a.code).toBe('UNKNOWN_NAME');
    expect(a.message).toBe(
      `Dense(2, 2): unknown activation "swish"; expected one of ${activationNames.join(', ')}`,
    );
    const l = caught(() => new Sequential([new Dense(2, 1)], { loss: 'hinge' as never }));
    expect(l.message).toContain(`unknown loss "hinge"; expected one of ${lossNames.join(', ')}`);
    const i = caught(
      () => new Sequential([new Dense(2, 1, { init: 'orthogonal' as never })], { loss: 'mse' }),
    );
    expect(i.message).toContain('layer \'dense_1\': unknown initializer "orthogonal"');
  });

  it('a seed past 32 bits (which would repeat a smaller seed’s run) is refused, in options and in model JSON', () => {
    const layers = () => [new Dense(2, 1)];
    expect(caught(() => new Sequential(layers(), { loss: 'mse', seed: 2 ** 32 })).message).toMatch(
      /seed must be .*4294967295.*got 4294967296/,
    );
    const m = new Sequential(layers(), { loss: 'mse', seed: 2 ** 32 - 1 });
    expect(m.seed).toBe(2 ** 32 - 1);
    const json = { ...m.toJSON(), seed: 2 ** 32 };
    expect(caught(() => Sequential.fromJSON(json)).message).toBe(
      'model JSON .seed: expected an integer from 0 to 4294967295, got 4294967296',
    );
    m.dispose();
  });

  it('a loss that needs a particular output activation says so', () => {
    const e = caught(
      () => new Sequential([new Dense(2, 3, { activation: 'relu' })], { loss: 'softmaxCrossEntropy' }),
    );
    expect(e.message).toBe(
      "Sequential: loss softmaxCrossEntropy needs a softmax output layer, but layer 'dense_1' uses relu",
    );
  });

  it('bad options: epochs, batch size, layer sizes, leaky slope', async () => {
    expect((await caughtAsync(() => net().fit([[1, 2]], [[1]], { epochs: 0 }))).message).toBe(
      'fit: epochs must be ≥ 1, got 0',
    );
    expect((await caughtAsync(() => net().fit([[1, 2]], [[1]], { batchSize: 2.5 }))).message).toBe(
      'fit: batchSize must be an integer, got 2.5',
    );
    expect(caught(() => new Dense(0, 3)).message).toBe('Dense(0, 3): inputs must be ≥ 1, got 0');
    expect(caught(() => new Dense(2, 3, { activation: { name: 'leakyRelu', alpha: 2 } })).message).toContain(
      'leakyRelu alpha must be in [0, 1), got 2',
    );
  });

  it('setWeights with a wrong shape names the layer and both shapes, and changes nothing', () => {
    const model = net();
    const before = model.getWeights();
    const bad = [before[0]!, { W: new Matrix(2, 1), b: new Float32Array(1) }];
    const e = caught(() => model.setWeights(bad));
    expect(e.message).toBe("layer 'dense_2': W must be 3×1 (inputs×units), got 2×1");
    expect(model.getWeights()).toEqual(before);
    expect(
      caught(() =>
        model.setWeights([
          before[0]!,
          { W: new Matrix(3, 1, Float32Array.of(1, Number.NaN, 0)), b: new Float32Array(1) },
        ]),
      ).message,
    ).toBe("layer 'dense_2' W has a non-finite value NaN at row 1, column 0");
  });
});

describe('model JSON is validated on load', () => {
  const good = () => {
    const m = net('binaryCrossEntropy');
    return JSON.parse(JSON.stringify(m.toJSON()));
  };

  it('truncated text', () => {
    const text = JSON.stringify(good());
    const e = caught(() => Sequential.fromJSON(text.slice(0, text.length / 2)));
    expect(e.code).toBe('INVALID_MODEL_JSON');
    expect(e.message).toMatch(/^model JSON is not valid JSON \(truncated or corrupted\?\)/);
  });

  it('wrong format and unknown versions', () => {
    expect(caught(() => Sequential.fromJSON({ ...good(), format: 'keras' })).message).toBe(
      'model JSON .format: expected "chainrule.sequential", got "keras"',
    );
    expect(caught(() => Sequential.fromJSON({ ...good(), version: 2 })).message).toBe(
      'model JSON .version: this chainrule reads version 1, got 2',
    );
    expect(caught(() => Sequential.fromJSON([])).message).toBe(
      'model JSON : expected an object, got an array',
    );
  });

  it('weights of the wrong length, non-numbers, bad activations, broken chains', () => {
    const short = good();
    short.layers[1].W.pop();
    expect(caught(() => Sequential.fromJSON(short)).message).toBe(
      'model JSON .layers[1].W: expected 3 numbers (3×1, row-major), got 2',
    );
    const str = good();
    str.layers[0].b[2] = 'x';
    expect(caught(() => Sequential.fromJSON(str)).message).toBe(
      'model JSON .layers[0].b[2]: expected a finite number, got "x"',
    );
    const act = good();
    act.layers[0].activation = 'gelu';
    expect(caught(() => Sequential.fromJSON(act)).message).toContain('model JSON .layers[0].activation: ');
    const chain = good();
    chain.layers[1].inputs = 4;
    expect(caught(() => Sequential.fromJSON(chain)).message).toBe(
      'model JSON .layers[1].inputs: is 4 but layers[0] has 3 units',
    );
    const loss = good();
    loss.loss = 'huber';
    expect(caught(() => Sequential.fromJSON(loss)).message).toContain(
      'model JSON .loss: unknown loss "huber"',
    );
    const none = good();
    none.layers = [];
    expect(caught(() => Sequential.fromJSON(none)).message).toBe(
      'model JSON .layers: expected a non-empty array of layers',
    );
  });
});

describe('a diverging fit stops with an error and keeps the last finite weights', () => {
  it('names the epoch and batch when the loss turns non-finite', async () => {
    // A kernel whose loss goes NaN on the 7th call: stands in for any numerical blow-up.
    let calls = 0;
    const kernels: Kernels = {
      ...jsKernels,
      loss: (...args) => (++calls >= 7 ? Number.NaN : jsKernels.loss(...args)),
    };
    const m = new Sequential([new Dense(2, 3, { activation: 'tanh' }), new Dense(3, 1)], {
      loss: 'mse',
      kernels,
    });
    const X = [
      [0, 1],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    const Y = [[1], [1], [0], [0]];
    let last = m.getWeights();
    const e = await caughtAsync(() =>
      m.fit(X, Y, {
        epochs: 5,
        batchSize: 2,
        shuffle: false,
        callbacks: {
          onBatchEnd: () => {
            last = m.getWeights();
          },
        },
      }),
    );
    expect(e.code).toBe('DIVERGED');
    expect(e.message).toMatch(/^training diverged at epoch 4, batch 1: the loss is NaN;/);
    expect(m.getWeights()).toEqual(last);
  });

  it('an update that overflows the weights is undone', async () => {
    const m = new Sequential([new Dense(2, 1)], { loss: 'mse' });
    m.setWeights([{ W: Matrix.from([[1e30], [1e30]]), b: new Float32Array(1) }]);
    const before = m.getWeights();
    const e = await caughtAsync(() =>
      m.fit([[1e5, 1e5]], [[0]], { optimizer: new SGD({ learningRate: 1e5 }) }),
    );
    expect(e.message).toMatch(
      /^training diverged at epoch 1, batch 1: (the loss is Infinity|the update made dense_1\.W non-finite)/,
    );
    expect(m.getWeights()).toEqual(before);
    for (const w of m.getWeights()) expect(w.W.data.every(Number.isFinite)).toBe(true);
  });

  it('an update that overflows while the loss is still finite is undone', async () => {
    const m = new Sequential([new Dense(1, 1)], { loss: 'mse' });
    m.setWeights([{ W: Matrix.from([[1]]), b: new Float32Array(1) }]);
    const before = m.getWeights();
    const e = await caughtAsync(() => m.fit([[1e3]], [[0]], { optimizer: new SGD({ learningRate: 1e36 }) }));
    expect(e.message).toBe(
      "training diverged at epoch 1, batch 1: the update made dense_1.W non-finite; the weights and the optimizer's state are left as they were (lower optimizer.learningRate and train on)",
    );
    expect(m.getWeights()).toEqual(before);
  });
});

describe('trainBatch', () => {
  it('names a non-finite input value even though it only scans values when a step goes non-finite', () => {
    const m = net();
    const before = m.getWeights();
    const e = caught(() =>
      m.trainBatch(
        [
          [1, 2],
          [Number.NaN, 0],
        ],
        [[1], [0]],
        new SGD({ learningRate: 0.1 }),
      ),
    );
    expect(e.code).toBe('NON_FINITE');
    expect(e.message).toBe('trainBatch: X has a non-finite value NaN at row 1, column 0');
    expect(m.getWeights()).toEqual(before);
  });
});
