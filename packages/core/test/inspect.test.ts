import { describe, expect, it } from 'vitest';
import { Activation, Dense, Dropout, Matrix, Sequential } from '../src/index.js';
import { caught } from './caught.js';
import { kernels } from './kernels.js';

const X = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(1.3 * i)]);
const Y = X.map(([a = 0, b = 0]) => [Math.tanh(a - b)]);

describe(`inspect: one parameter's chain rule, term by term (${kernels.name} kernels)`, () => {
  it('the per-example products sum, with the penalty, to the backward pass’s ∂J/∂w, and the finite difference agrees', () => {
    const m = new Sequential(
      [new Dense(2, 4, { activation: 'tanh', regularization: { l2: 0.05 } }), new Dense(4, 1)],
      { loss: 'mse', kernels, seed: 3 },
    );
    for (const target of [
      { layer: 0, kind: 'weight', from: 1, unit: 2 },
      { layer: 1, kind: 'weight', from: 3, unit: 0 },
      { layer: 0, kind: 'bias', unit: 1 },
    ] as const) {
      const before = m.getWeights();
      const i = m.inspect(X, Y, target);
      expect(i.examples).toBe(12);
      expect(i.terms).toHaveLength(12);
      expect(Math.abs(i.sumOfProducts + i.regularization - i.gradient)).toBeLessThan(
        1e-6 * Math.max(1, Math.abs(i.gradient)),
      );
      expect(i.finiteDifference.reliable).toBe(true);
      expect(Math.abs(i.finiteDifference.value - i.gradient)).toBeLessThan(
        2e-3 * Math.max(1, Math.abs(i.gradient)),
      );
      for (const t of i.terms) {
        expect(t.product).toBeCloseTo(t.dZ * t.dzdw, 10);
        if (t.dadz !== null) expect(t.dZ).toBeCloseTo(t.dA * t.dadz, 6);
      }
      expect(m.getWeights()).toEqual(before); // left as it was
    }
    expect(m.inspect(X, Y, { layer: 0, kind: 'weight', from: 0, unit: 0 }).regularization).not.toBe(0);
    expect(m.inspect(X, Y, { layer: 0, kind: 'bias', unit: 0 }).regularization).toBe(0);
    expect(m.inspect(X, Y, { layer: 1, kind: 'bias', unit: 0 }, { maxTerms: 3 }).terms).toHaveLength(3);
    m.dispose();
  });

  it('a ReLU unit one example has just switched off: the kink is detected, ε shrunk, and the difference agrees again', () => {
    // z = w·x + b with x = 1, 2, 3 and w = 1, b = −1.0002: z₀ = −0.0002, within ε = 1e-3 of ReLU's kink.
    const xs = [[1], [2], [3]];
    const ys = [[0.5], [1.5], [2]];
    const m = new Sequential([new Dense(1, 1, { activation: 'relu' }), new Dense(1, 1)], {
      loss: 'mse',
      kernels,
    });
    m.setWeights([
      { W: Matrix.from([[1]]), b: Float32Array.of(-1.0002) },
      { W: Matrix.from([[1.5]]), b: Float32Array.of(0.1) },
    ]);
    const target = { layer: 0, kind: 'weight', from: 0, unit: 0 } as const;
    const i = m.inspect(xs, ys, target);
    expect(i.finiteDifference.kinks).toBe(1);
    expect(i.finiteDifference.epsilon).toBeLessThan(2e-4);
    expect(i.finiteDifference.reliable).toBe(true);
    expect(Math.abs(i.finiteDifference.value - i.gradient)).toBeLessThan(
      2e-3 * Math.max(1, Math.abs(i.gradient)),
    );
    // Why it matters: the plain central difference with ε = 1e-3 steps over the kink and misses.
    const J = (w: number) => {
      m.setWeights([
        { W: Matrix.from([[w]]), b: Float32Array.of(-1.0002) },
        { W: Matrix.from([[1.5]]), b: Float32Array.of(0.1) },
      ]);
      return m.evaluate(xs, ys).loss;
    };
    const naive = (J(1 + 1e-3) - J(1 - 1e-3)) / 2e-3;
    expect(Math.abs(naive - i.gradient)).toBeGreaterThan(5 * Math.abs(i.finiteDifference.value - i.gradient));
    m.dispose();
  });

  it('a kink in an Activation layer right after a linear Dense is seen too', () => {
    const m = new Sequential([new Dense(1, 1), new Activation('relu'), new Dense(1, 1)], {
      loss: 'mse',
      kernels,
    });
    m.setWeights([
      { W: Matrix.from([[1]]), b: Float32Array.of(-1 + 1e-4) },
      { W: new Matrix(0, 0), b: new Float32Array(0) },
      { W: Matrix.from([[2]]), b: Float32Array.of(0) },
    ]);
    const i = m.inspect([[1], [3]], [[1], [1]], { layer: 0, kind: 'bias', unit: 0 });
    expect(i.finiteDifference.kinks).toBe(1);
    expect(i.finiteDifference.epsilon).toBeLessThan(1e-4);
    m.dispose();
  });

  it('a z exactly at the kink cannot be stepped around: the difference is flagged unreliable', () => {
    const m = new Sequential([new Dense(1, 1, { activation: 'relu' }), new Dense(1, 1)], {
      loss: 'mse',
      kernels,
    });
    m.setWeights([
      { W: Matrix.from([[1]]), b: Float32Array.of(-1) },
      { W: Matrix.from([[1]]), b: Float32Array.of(0) },
    ]);
    const i = m.inspect([[1], [2]], [[1], [1]], { layer: 0, kind: 'weight', from: 0, unit: 0 });
    expect(i.finiteDifference.kinks).toBe(1);
    expect(i.finiteDifference.reliable).toBe(false);
    m.dispose();
  });

  it('softmax units have no single ∂a/∂z; bad targets and parameter-free layers are refused by name', () => {
    const m = new Sequential(
      [new Dense(2, 3), new Dropout(0.3), new Dense(3, 2, { activation: 'softmax' })],
      {
        loss: 'softmaxCrossEntropy',
        kernels,
      },
    );
    const Y2 = X.map((_, i) => (i % 2 ? [1, 0] : [0, 1]));
    const i = m.inspect(X, Y2, { layer: 2, kind: 'weight', from: 0, unit: 1 });
    expect(i.terms.every((t) => t.dadz === null)).toBe(true);
    expect(Math.abs(i.finiteDifference.value - i.gradient)).toBeLessThan(
      2e-3 * Math.max(1, Math.abs(i.gradient)),
    );
    expect(caught(() => m.inspect(X, Y2, { layer: 1, kind: 'bias', unit: 0 })).message).toBe(
      "inspect: layer 'dropout_2' has no parameters",
    );
    expect(caught(() => m.inspect(X, Y2, { layer: 0, kind: 'weight', from: 2, unit: 0 })).message).toBe(
      "inspect: layer 'dense_1' has no W[2][0] (W is 2×3)",
    );
    expect(caught(() => m.inspect(X, Y2, { layer: 5, kind: 'bias', unit: 0 })).code).toBe('SHAPE');
    expect(caught(() => m.inspect(X, Y2, { layer: 0, kind: 'weight', from: -1, unit: 0 })).message).toBe(
      "inspect: layer 'dense_1' has no W[-1][0] (W is 2×3)",
    );
    m.dispose();
  });
});
