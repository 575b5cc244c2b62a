import { describe, expect, it } from 'vitest';
import { Activation, type ActivationSpec, Dense, Dropout, Matrix, Sequential } from '../src/index.js';
import { caught } from './caught.js';
import { kernels } from './kernels.js';

const X = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(1.3 * i)]);
const Y = X.map(([a = 0, b = 0]) => [Math.tanh(a - b)]);

/**
 * The plain central difference of J in w with ε = 1e-3, around w0 (what inspection improves on near a kink); `at`
 * sets w. Leaves w at w0.
 */
function plainDifference(
  m: Sequential,
  at: (w: number) => void,
  xs: number[][],
  ys: number[][],
  w0: number,
): number {
  at(w0 + 1e-3);
  const Jp = m.evaluate(xs, ys).loss;
  at(w0 - 1e-3);
  const Jm = m.evaluate(xs, ys).loss;
  at(w0);
  return (Jp - Jm) / 2e-3;
}

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

  it('L1 at w = 0: a weight within ε of the kink gets a shrunk ε, one exactly at it is flagged unreliable', () => {
    // A smooth network (tanh, mse): the only kink is the penalty's |w| at w = 0.
    const xs = [[1], [-0.5], [2]];
    const ys = [[0.3], [-0.2], [0.8]];
    const l1 = 0.1;
    const m = new Sequential(
      [new Dense(1, 1, { activation: 'tanh', regularization: { l1 } }), new Dense(1, 1)],
      { loss: 'mse', kernels },
    );
    const at = (w: number) =>
      m.setWeights([
        { W: Matrix.from([[w]]), b: Float32Array.of(0.1) },
        { W: Matrix.from([[1.2]]), b: Float32Array.of(0) },
      ]);
    const target = { layer: 0, kind: 'weight', from: 0, unit: 0 } as const;

    at(2e-4);
    const near = m.inspect(xs, ys, target);
    expect(near.regularization).toBeCloseTo(l1 + 0, 6); // l1·sign(w), w > 0 (l2 = 0)
    expect(near.finiteDifference.kinks).toBe(1);
    expect(near.finiteDifference.laterKinks).toBe(0);
    expect(near.finiteDifference.epsilon).toBeLessThanOrEqual(1e-4);
    expect(near.finiteDifference.reliable).toBe(true);
    expect(Math.abs(near.finiteDifference.value - near.gradient)).toBeLessThan(
      2e-3 * Math.max(1, Math.abs(near.gradient)),
    );
    // The plain ε = 1e-3 difference straddles w = 0: it sees l1·w/ε = 0.2·l1 of the penalty's slope, not l1.
    const naive = plainDifference(m, at, xs, ys, 2e-4);
    expect(Math.abs(naive - near.gradient)).toBeGreaterThan(0.5 * l1);

    at(0);
    const zero = m.inspect(xs, ys, target);
    expect(zero.value).toBe(0);
    expect(zero.regularization).toBe(0); // sign(0) = 0
    expect(zero.finiteDifference.kinks).toBe(1);
    expect(zero.finiteDifference.epsilon).toBe(1e-5);
    expect(zero.finiteDifference.reliable).toBe(false);
    m.dispose();
  });

  it('a leaky ReLU unit one example has just crossed: the kink is detected, ε shrunk, and the difference agrees', () => {
    // z = w·x + b with x = 1, 2, 3, w = 1 and b = −0.9999: z₀ = 1e-4, on the near side of leaky ReLU's kink.
    const xs = [[1], [2], [3]];
    const ys = [[0.5], [1.5], [2]];
    const alpha = 0.05;
    const m = new Sequential(
      [new Dense(1, 1, { activation: { name: 'leakyRelu', alpha } }), new Dense(1, 1)],
      { loss: 'mse', kernels },
    );
    const at = (w: number) =>
      m.setWeights([
        { W: Matrix.from([[w]]), b: Float32Array.of(-0.9999) },
        { W: Matrix.from([[1.5]]), b: Float32Array.of(0.1) },
      ]);
    at(1);
    const target = { layer: 0, kind: 'weight', from: 0, unit: 0 } as const;
    const i = m.inspect(xs, ys, target);
    expect(i.activation).toBe('leakyRelu');
    expect(i.terms[0]?.dadz).toBe(1); // z₀ > 0: the slope 1, not α
    expect(i.terms[0]?.dadz).not.toBe(alpha);
    expect(i.finiteDifference.kinks).toBe(1);
    expect(i.finiteDifference.epsilon).toBeLessThan(1e-4);
    expect(i.finiteDifference.reliable).toBe(true);
    expect(Math.abs(i.finiteDifference.value - i.gradient)).toBeLessThan(
      2e-3 * Math.max(1, Math.abs(i.gradient)),
    );
    const naive = plainDifference(m, at, xs, ys, 1);
    expect(Math.abs(naive - i.gradient)).toBeGreaterThan(5 * Math.abs(i.finiteDifference.value - i.gradient));
    m.dispose();
  });

  describe('a kink in a LATER layer: the step in w pushes a downstream z across 0', () => {
    // Layer 0 (inspected, linear): a₀ = w·x. Layer 1 (ReLU): z₁ = a₀ − 1.0002, which for x = 1 and w = 1 sits at
    // −0.0002 — within ε = 1e-3 of the kink, though nothing in layer 0 has one. Layer 2: linear output.
    const xs = [[1], [2], [3]];
    const ys = [[0.5], [1.5], [2]];
    const build = (activation: ActivationSpec, c: number) => {
      const m = new Sequential([new Dense(1, 1), new Dense(1, 1, { activation }), new Dense(1, 1)], {
        loss: 'mse',
        kernels,
      });
      const at = (w: number) =>
        m.setWeights([
          { W: Matrix.from([[w]]), b: Float32Array.of(0) },
          { W: Matrix.from([[1]]), b: Float32Array.of(c) },
          { W: Matrix.from([[1.5]]), b: Float32Array.of(0.1) },
        ]);
      at(1);
      return { m, at };
    };
    const target = { layer: 0, kind: 'weight', from: 0, unit: 0 } as const;

    // ELU's φ′ jumps at 0 only for α ≠ 1 (from 1 to α).
    for (const [label, activation] of [
      ['relu', 'relu'],
      ['elu α = 0.5', { name: 'elu', alpha: 0.5 }],
    ] as const) {
      it(`${label} in layer 1, w in layer 0: the naive difference misses, the note is raised, ε shrunk`, () => {
        const { m, at } = build(activation, -1.0002);
        const i = m.inspect(xs, ys, target);
        expect(i.finiteDifference.kinks).toBe(0); // nothing at this unit
        expect(i.finiteDifference.laterKinks).toBe(1); // example 0, in…
        expect(i.finiteDifference.laterKinkLayers).toEqual([1]); // …layer 1
        expect(i.finiteDifference.epsilon).toBeLessThan(2e-4);
        expect(i.finiteDifference.reliable).toBe(true);
        expect(Math.abs(i.finiteDifference.value - i.gradient)).toBeLessThan(
          2e-3 * Math.max(1, Math.abs(i.gradient)),
        );
        // Why it matters: the plain central difference with ε = 1e-3 steps over the later kink and misses.
        const naive = plainDifference(m, at, xs, ys, 1);
        expect(Math.abs(naive - i.gradient)).toBeGreaterThan(
          5 * Math.abs(i.finiteDifference.value - i.gradient),
        );
        m.dispose();
      });
    }

    it('a downstream z exactly at the kink cannot be stepped around: flagged unreliable', () => {
      const { m } = build('relu', -1); // z₁ = 0 for x = 1
      const i = m.inspect(xs, ys, target);
      expect(i.finiteDifference.laterKinks).toBe(1);
      expect(i.finiteDifference.epsilon).toBe(1e-5);
      expect(i.finiteDifference.reliable).toBe(false);
      m.dispose();
    });

    it('the same network away from the kink raises no note and keeps ε', () => {
      const { m } = build('relu', -0.5); // z₁ = 0.5, 1.5, 2.5
      const before = m.getWeights();
      const i = m.inspect(xs, ys, target);
      expect(i.finiteDifference).toMatchObject({
        kinks: 0,
        laterKinks: 0,
        laterKinkLayers: [],
        epsilon: 1e-3,
        reliable: true,
      });
      expect(Math.abs(i.finiteDifference.value - i.gradient)).toBeLessThan(
        2e-3 * Math.max(1, Math.abs(i.gradient)),
      );
      expect(m.getWeights()).toEqual(before);
      m.dispose();
    });

    it('a z that stays on its side, even close to 0, is not a note: only a crossing is', () => {
      // z₁ = −0.002 for x = 1: within reach of no ε the difference tries (it moves by at most 1e-3).
      const { m } = build('relu', -1.002);
      const i = m.inspect(xs, ys, target);
      expect(i.finiteDifference.laterKinks).toBe(0);
      expect(i.finiteDifference.epsilon).toBe(1e-3);
      m.dispose();
    });
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
