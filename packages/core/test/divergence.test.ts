import { describe, expect, it } from 'vitest';
import {
  Adam,
  Dense,
  type Kernels,
  type Matrix,
  Momentum,
  type Optimizer,
  optimizerNames,
  optimizerTable,
  type Param,
  resolveOptimizer,
  Sequential,
  SGD,
} from '../src/index.js';
import { caught } from './caught.js';
import { kernels } from './kernels.js';

// A divergence must leave everything as it was — the weights and the optimizer's state (velocity, moments, step
// count) — so the same optimizer keeps training once its learning rate is lowered. Runs on `kernels` (jsKernels
// here; both WebAssembly builds under memory-growth stress in @chainrule/kernels-wasm).

const X = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(1.7 * i), 0.3 * i - 1.5]);
const Y = X.map(([a = 0, b = 0]) => [Math.tanh(a - b) * 0.8]);

const model = () =>
  new Sequential([new Dense(3, 5, { activation: 'tanh' }), new Dense(5, 1)], {
    loss: 'mse',
    kernels,
    seed: 11,
  });

/** Every optimizer of core's table (a new one is tested here without editing this file), at these rates. */
const rates: Readonly<Record<string, number>> = { sgd: 0.05, momentum: 0.05, adam: 0.01 };
const optimizers: [string, () => Optimizer][] = optimizerNames.map((name) => [
  optimizerTable[name].label,
  () => resolveOptimizer({ name, learningRate: rates[name] ?? optimizerTable[name].defaultLearningRate }),
]);

/** A learning rate far past float32: every update it drives overflows. */
const HUGE = 1e300;

const weights = (m: Sequential) => m.getWeights().flatMap((w) => [...w.W.data, ...w.b]);

describe(`a divergence leaves the weights and the optimizer's state as they were (${kernels.name} kernels)`, () => {
  for (const [name, make] of optimizers) {
    it(`${name}: after a diverged trainBatch, lowering the learning rate trains on exactly as if it never happened`, () => {
      const [a, b] = [model(), model()];
      const [optA, optB] = [make(), make()];
      for (let i = 0; i < 5; i++) {
        a.trainBatch(X, Y, optA);
        b.trainBatch(X, Y, optB);
      }
      const before = weights(a);
      optA.learningRate = HUGE;
      const e = caught(() => a.trainBatch(X, Y, optA));
      expect(e.code).toBe('DIVERGED');
      expect(e.message).toMatch(
        /the update made dense_\d\.[Wb] non-finite; the weights and the optimizer's state/,
      );
      expect(weights(a)).toEqual(before);
      if (optA instanceof Adam) expect(optA.iterations).toBe(5);

      optA.learningRate = optB.learningRate;
      const lossesA: number[] = [];
      const lossesB: number[] = [];
      for (let i = 0; i < 5; i++) {
        lossesA.push(a.trainBatch(X, Y, optA));
        lossesB.push(b.trainBatch(X, Y, optB));
      }
      // Bit for bit: a velocity or moment left changed by the failed step would show here.
      expect(lossesA).toEqual(lossesB);
      expect(weights(a)).toEqual(weights(b));
      if (optA instanceof Adam && optB instanceof Adam) expect(optA.iterations).toBe(optB.iterations);
      a.dispose();
      b.dispose();
    });
  }

  it('the check can fail: without restoring the state, momentum trains on differently', () => {
    // The same scenario, but the twin's optimizer state is disturbed by one extra (finite) step that is then
    // only partly undone by restoring the weights alone: the comparison above must see that.
    const [a, b] = [model(), model()];
    const [optA, optB] = [new Momentum({ learningRate: 0.05 }), new Momentum({ learningRate: 0.05 })];
    for (let i = 0; i < 3; i++) {
      a.trainBatch(X, Y, optA);
      b.trainBatch(X, Y, optB);
    }
    const saved = a.getWeights();
    a.trainBatch(X, Y, optA); // changes the velocity…
    a.setWeights(saved); // …and only the weights go back
    a.trainBatch(X, Y, optA);
    b.trainBatch(X, Y, optB);
    expect(weights(a)).not.toEqual(weights(b));
    a.dispose();
    b.dispose();
  });

  it('fit: the same optimizer keeps training after a divergence once its learning rate is lowered', async () => {
    const m = model();
    const opt = new Adam({ learningRate: 0.01 });
    await m.fit(X, Y, { epochs: 3, batchSize: 4, optimizer: opt });
    const steps = opt.iterations;
    const before = weights(m);
    opt.learningRate = HUGE;
    await expect(m.fit(X, Y, { epochs: 1, batchSize: 4, optimizer: opt })).rejects.toThrow(
      /training diverged at epoch 1, batch 1/,
    );
    expect(weights(m)).toEqual(before);
    expect(opt.iterations).toBe(steps);
    opt.learningRate = 0.01;
    const start = m.evaluate(X, Y).loss;
    const history = await m.fit(X, Y, { epochs: 40, batchSize: 4, optimizer: opt });
    expect(history.epochs).toHaveLength(40);
    expect(m.evaluate(X, Y).loss).toBeLessThan(start * 0.8);
    m.dispose();
  });
});

describe('learningRate is settable on every optimizer, and validated', () => {
  for (const [name, make] of optimizers) {
    it(name, () => {
      const opt = make();
      opt.learningRate = 0.125;
      expect(opt.learningRate).toBe(0.125);
      expect(opt.toJSON().learningRate).toBe(0.125);
      for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '0.1' as unknown as number]) {
        const e = caught(() => {
          opt.learningRate = bad;
        });
        expect(e.code).toBe('INVALID_OPTION');
        expect(e.message).toContain('learningRate');
      }
      expect(opt.learningRate).toBe(0.125);
    });
  }

  it('undo without a backed-up step is refused', () => {
    const opt = new SGD({ learningRate: 0.1 });
    expect(caught(() => opt.undo([])).code).toBe('INVALID_OPTION');
  });

  it('undo restores once, only the parameters of the last completed step, and never after a step that threw', () => {
    const param = (n: number, m = n): Param => ({
      name: `p${n}x${m}`,
      value: kernels.alloc(1, n),
      grad: kernels.alloc(1, m),
      l1: 0,
      l2: 0,
    });
    const good = [param(3)];
    const other = [param(3)];
    for (const opt of [new SGD({ learningRate: 0.1 }), new Momentum({ learningRate: 0.1 }), new Adam()]) {
      good[0]?.value.data.fill(0);
      good[0]?.grad.data.fill(1);
      expect(opt.step(good, kernels, true)).toBe(true);
      expect(caught(() => opt.undo(other)).message).toMatch(/nothing to undo for these parameters/);
      opt.undo(good);
      expect(Array.from(good[0]?.value.data ?? [])).toEqual([0, 0, 0]);
      expect(caught(() => opt.undo(good)).code).toBe('INVALID_OPTION'); // once
      // A step that throws part-way (a gradient of the wrong shape) leaves nothing to undo.
      const broken = [param(3), param(2, 5)];
      expect(opt.step(good, kernels, true)).toBe(true);
      expect(caught(() => opt.step(broken, kernels, true)).code).toBe('SHAPE');
      expect(caught(() => opt.undo(good)).code).toBe('INVALID_OPTION');
      expect(caught(() => opt.undo(broken)).code).toBe('INVALID_OPTION');
      if (opt instanceof Adam) expect(opt.iterations).toBe(1); // the step that threw did not count
      opt.dispose();
    }
  });
});

/** The kernels, counting the buffers alive (alloc minus free), whatever backend is underneath. */
function counting(base: Kernels): Kernels & { live: number } {
  const k = Object.create(base) as Kernels & { live: number };
  k.live = 0;
  k.alloc = (rows: number, cols: number) => {
    k.live++;
    return base.alloc(rows, cols);
  };
  k.free = (m: Matrix) => {
    k.live--;
    base.free(m);
  };
  return k;
}

describe(`a failed Sequential constructor frees what it allocated (${kernels.name} kernels)`, () => {
  const bytes = () => (kernels as { bytesInUse?: number }).bytesInUse;

  it('a shape mismatch: memory in use is back where it was, and the same layers build a valid model', () => {
    const k = counting(kernels);
    const startBytes = bytes();
    const first = new Dense(2, 4, { activation: 'tanh' });
    const wrong = new Dense(5, 1);
    const e = caught(() => new Sequential([first, wrong], { loss: 'mse', kernels: k }));
    expect(e.code).toBe('SHAPE');
    expect(k.live).toBe(0);
    expect(bytes()).toBe(startBytes);
    const m = new Sequential([first, new Dense(4, 1)], { loss: 'mse', kernels: k });
    expect(m.predict([[0.5, -0.5]]).rows).toBe(1);
    expect(m.layers[0]).toBe(first);
    m.dispose();
    expect(k.live).toBe(0);
    expect(bytes()).toBe(startBytes);
  });

  it('a loss that needs another output activation: every layer is freed and reusable', async () => {
    const k = counting(kernels);
    const layers = [new Dense(2, 3, { activation: 'relu' }), new Dense(3, 2, { activation: 'relu' })];
    const e = caught(() => new Sequential(layers, { loss: 'softmaxCrossEntropy', kernels: k }));
    expect(e.code).toBe('INVALID_OPTION');
    expect(k.live).toBe(0);
    const m = new Sequential(layers, { loss: 'mse', kernels: k });
    const h = await m.fit(
      [
        [0, 1],
        [1, 0],
      ],
      [
        [1, 0],
        [0, 1],
      ],
      { epochs: 2, optimizer: new Adam({ learningRate: 0.01 }) },
    );
    expect(h.epochs).toHaveLength(2);
    m.dispose();
    expect(k.live).toBe(0);
  });

  it('a layer whose initializer throws: what it and the layers before it allocated is freed', () => {
    const k = counting(kernels);
    const startBytes = bytes();
    const first = new Dense(2, 3);
    for (const init of ['orthogonal', { name: 'uniform', min: 1, max: 0 }] as const) {
      const bad = new Dense(3, 1, { init: init as never });
      expect(caught(() => new Sequential([first, bad], { loss: 'mse', kernels: k })).code).toMatch(
        /UNKNOWN_NAME|INVALID_OPTION/,
      );
      expect(k.live).toBe(0);
      expect(bytes()).toBe(startBytes);
    }
    const m = new Sequential([first, new Dense(3, 1)], { loss: 'mse', kernels: k });
    m.dispose();
    expect(k.live).toBe(0);
  });

  it('a layer listed twice: the first build is undone, nothing leaks', () => {
    const k = counting(kernels);
    const twice = new Dense(3, 3);
    const e = caught(() => new Sequential([twice, twice], { loss: 'mse', kernels: k }));
    expect(e.message).toMatch(/already part of a model/);
    expect(k.live).toBe(0);
    const m = new Sequential([twice], { loss: 'mse', kernels: k });
    m.dispose();
  });

  it('a layer owned by another model is left alone', () => {
    const k = counting(kernels);
    const owned = new Dense(2, 2);
    const owner = new Sequential([owned], { loss: 'mse', kernels: k });
    const live = k.live;
    const e = caught(() => new Sequential([new Dense(2, 2), owned], { loss: 'mse', kernels: k }));
    expect(e.message).toMatch(/already part of a model/);
    expect(k.live).toBe(live);
    expect(owner.predict([[1, 2]]).cols).toBe(2);
    owner.dispose();
    expect(k.live).toBe(0);
  });
});
