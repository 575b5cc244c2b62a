import { describe, expect, it } from 'vitest';
import { Adam, Dense, datasets, Matrix, mlp, Normalization, Sequential } from '../src/index.js';
import { caught } from './caught.js';
import { kernels } from './kernels.js';

// Features on wildly different scales, as spreadsheets have them.
const raw = Array.from({ length: 40 }, (_, i) => [1000 + 300 * Math.sin(i), 0.002 * Math.cos(1.7 * i), 5]);
const target = raw.map(([a = 0, b = 0]) => [Math.tanh((a - 1000) / 300 - b / 0.002)]);

describe(`Normalization (${kernels.name} kernels)`, () => {
  it('adapt measures each feature’s mean and population variance; a constant feature is centred, not blown up', () => {
    const n = new Normalization().adapt(raw);
    const s = n.statistics;
    // The layer sees float32 inputs, as a model does.
    const col = (j: number) => raw.map((r) => Math.fround(r[j] as number));
    const mean = (v: number[]) => v.reduce((p, q) => p + q, 0) / v.length;
    for (const j of [0, 1, 2]) {
      const m = mean(col(j));
      expect(s?.mean[j]).toBeCloseTo(m, 9);
      expect(s?.variance[j]).toBeCloseTo(mean(col(j).map((v) => (v - m) ** 2)), 9);
    }
    expect(s?.variance[2]).toBe(0);
    expect(s?.std[2]).toBe(1e-7);
  });

  it('forward standardizes; a Dense after it sees (X − μ)/σ: predictions and gradients, ∂J/∂X = ∂J/∂Z/σ', () => {
    const norm = new Normalization().adapt(raw);
    const m = new Sequential([norm, new Dense(3, 4, { activation: 'tanh' }), new Dense(4, 1)], {
      loss: 'mse',
      kernels,
      seed: 2,
    });
    const { mean = [], std = [] } = norm.statistics ?? {};
    const standard = raw.map((r) => r.map((v, j) => (v - (mean[j] as number)) / (std[j] as number)));
    const plain = new Sequential([new Dense(3, 4, { activation: 'tanh' }), new Dense(4, 1)], {
      loss: 'mse',
      kernels,
    });
    plain.setWeights(m.getWeights().slice(1));
    const p = m.predict(raw).data;
    const q = plain.predict(standard).data;
    for (let i = 0; i < p.length; i++)
      expect(Math.abs((p[i] as number) - (q[i] as number))).toBeLessThan(1e-5);
    const g = m.gradients(raw, target);
    const h = plain.gradients(standard, target);
    for (let i = 0; i < (h.grads[0]?.W.data.length ?? 0); i++)
      expect(Math.abs((g.grads[1]?.W.data[i] as number) - (h.grads[0]?.W.data[i] as number))).toBeLessThan(
        1e-5,
      );
    for (let r = 0; r < raw.length; r++)
      for (const j of [0, 1]) {
        const want = h.trace.dX.get(r, j) / (std[j] as number);
        expect(Math.abs(g.trace.dX.get(r, j) - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
      }
    m.dispose();
    plain.dispose();
  });

  it('its statistics travel in the model JSON', () => {
    const m = new Sequential([new Normalization().adapt(raw), new Dense(3, 1)], { loss: 'mse', kernels });
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    expect(json.layers[0].type).toBe('normalization');
    const back = Sequential.fromJSON(json, { kernels });
    expect(back.predict(raw).data).toEqual(m.predict(raw).data);
    expect((back.layers[0] as Normalization).statistics).toEqual((m.layers[0] as Normalization).statistics);
    const broken = { ...json, layers: [{ ...json.layers[0], variance: [1, -1, 1] }, json.layers[1]] };
    expect(caught(() => Sequential.fromJSON(broken)).code).toBe('INVALID_MODEL_JSON');
    m.dispose();
    back.dispose();
  });

  it('mlp({ standardize: X }) puts a Normalization adapted to X first', () => {
    const m = mlp([3, 4, 1], { loss: 'mse', standardize: raw, kernels });
    expect(m.layers.map((l) => l.type)).toEqual(['normalization', 'dense', 'dense']);
    expect((m.layers[0] as Normalization).statistics).toEqual(new Normalization().adapt(raw).statistics);
    m.dispose();
  });

  it('refuses to build before adapt, and statistics of the wrong width', () => {
    expect(
      caught(() => new Sequential([new Normalization(), new Dense(3, 1)], { loss: 'mse', kernels })).message,
    ).toMatch(/no statistics yet — call adapt\(X\)/);
    const n = new Normalization().adapt(raw);
    const m = new Sequential([n, new Dense(3, 1)], { loss: 'mse', kernels });
    expect(caught(() => n.adapt([[1, 2]])).code).toBe('SHAPE');
    expect(caught(() => new Normalization({ mean: [0, 1] })).code).toBe('INVALID_OPTION');
    m.dispose();
  });

  it('what it is for: on badly scaled features a net trains far better with it than without', async () => {
    const data = datasets.split(datasets.circle({ count: 200, noise: 0.05, seed: 3 }), 0.8, 3);
    const scale = (x: Matrix) =>
      new Matrix(
        x.rows,
        x.cols,
        x.data.map((v, i) => (i % 2 ? v * 1000 + 5000 : v * 0.001)),
      );
    const [X, Xt] = [scale(data.train.x), scale(data.test.x)];
    const run = async (withNorm: boolean) => {
      const layers = [
        ...(withNorm ? [new Normalization().adapt(X)] : []),
        new Dense(2, 8, { activation: 'tanh' }),
        new Dense(8, 1, { activation: 'sigmoid' }),
      ];
      const m = new Sequential(layers, { loss: 'binaryCrossEntropy', kernels, seed: 4 });
      await m.fit(X, data.train.y, {
        epochs: 150,
        batchSize: 16,
        optimizer: new Adam({ learningRate: 0.02 }),
      });
      const acc = m.evaluate(Xt, data.test.y).accuracy ?? 0;
      m.dispose();
      return acc;
    };
    const [without, withNorm] = [await run(false), await run(true)];
    expect(withNorm).toBeGreaterThan(0.9);
    expect(withNorm).toBeGreaterThan(without + 0.1);
  });
});
