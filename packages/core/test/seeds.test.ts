/**
 * Each derivation in ../shared/seeds as a test: the model's numbers against the seed's closed forms, written in
 * the seed's own notation (docs/math.md maps it onto ours).
 */
import { describe, expect, it } from 'vitest';
import { Dense, Matrix, Rng, Sequential } from '../src/index.js';
import { kernels } from './kernels.js';
import { sigmoid } from './oracle.js';

const rng = new Rng(2024);
const rand = (lo = -1, hi = 1) => rng.uniform(lo, hi);
const randMat = (r: number, c: number, lo = -1, hi = 1) =>
  Array.from({ length: r }, () => Array.from({ length: c }, () => rand(lo, hi)));

/** Float32 results against float64 closed forms. */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol = 1e-5, atol = 1e-6) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as number;
    expect(Math.abs((got[i] as number) - w), `element ${i}: got ${got[i]}, want ${w}`).toBeLessThanOrEqual(
      atol + rtol * Math.abs(w),
    );
  }
}

/** Rounds to float32 so closed forms start from exactly the weights the model holds. */
const f32 = (rows: number[][]) => rows.map((r) => r.map(Math.fround));

describe('seed 000: one neuron over N examples, J = 1/N Σ (y − a)²', () => {
  const N = 7;
  const d = 3;
  const X = f32(randMat(N, d, -2, 2));
  const y = f32(randMat(N, 1));
  const w = f32([[0.4], [-0.7], [0.25]]);
  const b = Math.fround(0.1);
  const model = new Sequential([new Dense(d, 1, { activation: 'sigmoid' })], { kernels, loss: 'mse' });
  model.setWeights([{ W: Matrix.from(w), b: Float32Array.of(b) }]);
  const { loss, grads, trace } = model.gradients(X, y);

  // The seed's forward: z⁽ⁱ⁾ = wᵀx⁽ⁱ⁾ + b, a⁽ⁱ⁾ = φ(z⁽ⁱ⁾).
  const z = X.map((x) => x.reduce((s, xi, k) => s + xi * (w[k]?.[0] as number), b));
  const a = z.map(sigmoid);
  const yy = y.map((r) => r[0] as number);

  it('J = 1/N Σ (y⁽ⁱ⁾ − a⁽ⁱ⁾)²', () => {
    const J = a.reduce((s, ai, i) => s + (yy[i]! - ai) ** 2, 0) / N;
    expect(loss).toBeCloseTo(J, 6);
  });

  it('∂J/∂a is the N×1 column 2/N (a⁽ⁱ⁾ − y⁽ⁱ⁾)', () => {
    const layer = trace.layers[0]!;
    expect(layer.dA.shape).toEqual([N, 1]);
    expectClose(
      layer.dA.data,
      a.map((ai, i) => (2 / N) * (ai - yy[i]!)),
    );
  });

  it('only the i-th term survives the Σ (the seed keeps a Σ its result drops): changing example j ≠ i leaves ∂J/∂a⁽ⁱ⁾ alone', () => {
    const X2 = X.map((r) => [...r]);
    const y2 = y.map((r) => [...r]);
    X2[3] = [1.5, -1.5, 0.5];
    y2[3] = [0.9];
    const dA2 = model.gradients(X2, y2).trace.layers[0]!.dA.data;
    const dA = trace.layers[0]!.dA.data;
    for (let i = 0; i < N; i++) {
      if (i === 3) expect(dA2[i]).not.toBeCloseTo(dA[i]!, 3);
      else expect(dA2[i]).toBe(dA[i]);
    }
  });

  it('∂J/∂w = Σᵢ ∂J/∂a⁽ⁱ⁾ φ′(z⁽ⁱ⁾) x⁽ⁱ⁾ and ∂J/∂b = Σᵢ ∂J/∂a⁽ⁱ⁾ φ′(z⁽ⁱ⁾)', () => {
    const delta = a.map((ai, i) => (2 / N) * (ai - yy[i]!) * ai * (1 - ai));
    const dw = Array.from({ length: d }, (_, k) => delta.reduce((s, di, i) => s + di * X[i]![k]!, 0));
    expectClose(grads[0]!.W.data, dw);
    expectClose(grads[0]!.b, [delta.reduce((s, v) => s + v, 0)]);
  });
});

describe('seed 001: an L-layer sigmoid network, J = ½‖y − ŷ‖²', () => {
  // The seed's notation: column vectors, z⁽ⁱ⁾ = Wᵢ a⁽ⁱ⁻¹⁾ + bᵢ with Wᵢ of shape units×inputs. Ours is W = Wᵢᵀ.
  const sizes = [3, 4, 3, 2];
  const Ws = sizes.slice(1).map((units, i) => f32(randMat(units, sizes[i]!)));
  const bs = sizes.slice(1).map((units) => f32([Array.from({ length: units }, () => rand())])[0]!);
  const x = f32([Array.from({ length: 3 }, () => rand(-2, 2))])[0]!;
  const y = [0.2, 0.9];
  const model = new Sequential(
    sizes.slice(1).map((u, i) => new Dense(sizes[i]!, u, { activation: 'sigmoid' })),
    { kernels, loss: { name: 'halfSquaredError', reduction: 'sum' } },
  );
  model.setWeights(
    Ws.map((Wi, i) => ({
      W: Matrix.from(Array.from({ length: sizes[i]! }, (_, r) => Wi.map((row) => row[r]!))),
      b: Float32Array.from(bs[i]!),
    })),
  );
  const result = model.gradients([x], [y]);

  // Forward in the seed's notation.
  const as: number[][] = [x];
  for (let i = 0; i < Ws.length; i++) {
    const prev = as[i]!;
    as.push(Ws[i]!.map((row, u) => sigmoid(row.reduce((s, wv, k) => s + wv * prev[k]!, bs[i]![u]!))));
  }
  const yhat = as[as.length - 1]!;

  it('J = ½‖y − ŷ‖²', () => {
    expect(result.loss).toBeCloseTo(0.5 * yhat.reduce((s, v, j) => s + (y[j]! - v) ** 2, 0), 6);
  });

  it('∂J/∂ŷ = ŷ − y (the seed prints y − ŷ; that sign is a slip)', () => {
    const dA = result.trace.layers[2]!.dA.data;
    expectClose(
      dA,
      yhat.map((v, j) => v - y[j]!),
    );
    // And the sign matters: a small step against our gradient lowers J.
    const lr = 0.05;
    const stepped = model.getWeights().map((wts, i) => ({
      W: new Matrix(
        wts.W.rows,
        wts.W.cols,
        wts.W.data.map((v, j) => v - lr * result.grads[i]!.W.data[j]!),
      ),
      b: wts.b.map((v, j) => v - lr * result.grads[i]!.b[j]!),
    }));
    const after = new Sequential(
      sizes.slice(1).map((u, i) => new Dense(sizes[i]!, u, { activation: 'sigmoid' })),
      { kernels, loss: { name: 'halfSquaredError', reduction: 'sum' } },
    );
    after.setWeights(stepped);
    expect(after.evaluate([x], [y]).loss).toBeLessThan(result.loss);
  });

  it('the chain ∂J/∂a⁽ᴸ⁾ · ∂a/∂z · ∂z/∂a⁽ᴸ⁻¹⁾ · … gives every ∂J/∂Wᵢ = δᵢ a⁽ⁱ⁻¹⁾ᵀ with σ′ = a(1 − a)', () => {
    let delta = yhat.map((v, j) => (v - y[j]!) * v * (1 - v));
    for (let i = Ws.length - 1; i >= 0; i--) {
      const prev = as[i]!;
      // ∂J/∂Wᵢ in the seed's layout (units×inputs), compared with the transpose of ours.
      const dWseed = delta.map((dv) => prev.map((p) => dv * p));
      const ours = result.grads[i]!.W;
      const oursT = Array.from({ length: ours.cols }, (_, u) =>
        Array.from({ length: ours.rows }, (_, k) => ours.get(k, u)),
      );
      expectClose(oursT.flat(), dWseed.flat());
      expectClose(result.grads[i]!.b, delta);
      // ∂z⁽ⁱ⁾/∂a⁽ⁱ⁻¹⁾ = Wᵢ, so δᵢ₋₁ = (Wᵢᵀ δᵢ) ∘ a⁽ⁱ⁻¹⁾(1 − a⁽ⁱ⁻¹⁾).
      delta = prev.map((p, k) => Ws[i]!.reduce((s, row, u) => s + row[k]! * delta[u]!, 0) * p * (1 - p));
    }
  });
});

describe('seed 002: the linear neuron, then the 2-layer ReLU → identity regression', () => {
  it('linear neuron: ∂L/∂w₁ = (a − y)x₁, ∂L/∂b = a − y, averaged over m examples for the cost', () => {
    const m = 5;
    const X = f32(randMat(m, 2, -2, 2));
    const y = f32(randMat(m, 1));
    const w = [Math.fround(0.3), Math.fround(-0.6)];
    const b = Math.fround(0.2);
    const model = new Sequential([new Dense(2, 1)], { kernels, loss: 'halfSquaredError' });
    model.setWeights([{ W: Matrix.from([[w[0]!], [w[1]!]]), b: Float32Array.of(b) }]);
    const { loss, grads, trace } = model.gradients(X, y);
    const a = X.map((x) => w[0]! * x[0]! + w[1]! * x[1]! + b); // a = g(z) = z
    const r = a.map((ai, i) => ai - y[i]![0]!);
    expect(loss).toBeCloseTo(r.reduce((s, v) => s + 0.5 * v * v, 0) / m, 6);
    expectClose(
      trace.layers[0]!.dZ.data,
      r.map((v) => v / m),
    ); // ∂a/∂z = 1
    expectClose(
      grads[0]!.W.data,
      [0, 1].map((k) => r.reduce((s, v, i) => s + v * X[i]![k]!, 0) / m),
    );
    expectClose(grads[0]!.b, [r.reduce((s, v) => s + v, 0) / m]);
  });

  describe('2-layer: z¹ = xW¹ + b¹, a¹ = ReLU(z¹), z² = a¹W² + b², a² = z²', () => {
    const m = 6;
    const X = f32(randMat(m, 3, -2, 2));
    const y = f32(randMat(m, 1, -1, 1));
    const W1 = f32(randMat(3, 4));
    const b1 = f32([[0.1, -0.2, 0.05, 0.3]])[0]!;
    const W2 = f32(randMat(4, 1));
    const b2 = Math.fround(-0.1);
    const build = (reduction: 'mean' | 'sum') => {
      const model = new Sequential([new Dense(3, 4, { activation: 'relu' }), new Dense(4, 1)], {
        kernels,
        loss: { name: 'halfSquaredError', reduction },
      });
      model.setWeights([
        { W: Matrix.from(W1), b: Float32Array.from(b1) },
        { W: Matrix.from(W2), b: Float32Array.of(b2) },
      ]);
      return model;
    };
    // The forward pass in the seed's row-vector notation.
    const z1 = X.map((x) => b1.map((bj, j) => x.reduce((s, xi, k) => s + xi * W1[k]![j]!, bj)));
    const a1 = z1.map((r) => r.map((v) => Math.max(0, v)));
    const a2 = a1.map((r) => r.reduce((s, v, k) => s + v * W2[k]![0]!, b2));
    const r = a2.map((v, i) => v - y[i]![0]!); // a² − y

    // The seed's numpy one-liner: np.atleast_2d(a2 - y) @ W2.T * ((z1 > 0).astype(int))
    const oneLiner = r.map((ri, i) => W2.map((w2, j) => ri * w2[0]! * (z1[i]![j]! > 0 ? 1 : 0)));

    it('with the Σ over the batch as printed (reduction sum): the four closed forms', () => {
      const { grads, trace } = build('sum').gradients(X, y);
      // ∂L/∂W² = a¹ᵀ·(a² − y), ∂L/∂b² = Σ(a² − y)
      expectClose(
        grads[1]!.W.data,
        W2.map((_, k) => a1.reduce((s, row, i) => s + row[k]! * r[i]!, 0)),
      );
      expectClose(grads[1]!.b, [r.reduce((s, v) => s + v, 0)]);
      // ∂L/∂W¹ = xᵀ·(a² − y)·[W²ᵀ ⊙ ReLU′(z¹)], ∂L/∂b¹ = Σ[(a² − y)·[W²ᵀ ⊙ ReLU′(z¹)]]
      expectClose(trace.layers[0]!.dZ.data, oneLiner.flat());
      const dW1 = W1.map((_, k) => b1.map((_, j) => X.reduce((s, x, i) => s + x[k]! * oneLiner[i]![j]!, 0)));
      expectClose(grads[0]!.W.data, dW1.flat());
      expectClose(
        grads[0]!.b,
        b1.map((_, j) => oneLiner.reduce((s, row) => s + row[j]!, 0)),
      );
    });

    it('with the cost as the mean over m examples: the same forms divided by m', () => {
      const sum = build('sum').gradients(X, y);
      const mean = build('mean').gradients(X, y);
      expect(mean.loss).toBeCloseTo(sum.loss / m, 6);
      mean.grads.forEach((g, i) => {
        expectClose(
          g.W.data,
          Array.from(sum.grads[i]!.W.data, (v) => v / m),
        );
        expectClose(
          g.b,
          Array.from(sum.grads[i]!.b, (v) => v / m),
        );
      });
    });
  });
});

describe('seed 003: a sigmoid MLP with Θ (one row per unit), z = Θx', () => {
  // m = 4 inputs, n = 3 hidden units, one output; no bias, as in the seed (our b is held at 0).
  const x = f32([[0.5, -1.2, 0.8, 0.3]])[0]!;
  const theta1 = f32(randMat(3, 4)); // n×m
  const theta2 = f32(randMat(1, 3)); // 1×n
  const y = 0.25;
  const model = new Sequential(
    [new Dense(4, 3, { activation: 'sigmoid' }), new Dense(3, 1, { activation: 'sigmoid' })],
    { kernels, loss: { name: 'halfSquaredError', reduction: 'sum' } },
  );
  const transpose = (t: number[][]) => t[0]!.map((_, c) => t.map((row) => row[c]!));
  model.setWeights([
    { W: Matrix.from(transpose(theta1)), b: new Float32Array(3) },
    { W: Matrix.from(transpose(theta2)), b: new Float32Array(1) },
  ]);
  const { grads, trace } = model.gradients([x], [[y]]);

  const z2 = theta1.map((row) => row.reduce((s, t, j) => s + t * x[j]!, 0));
  const a2 = z2.map(sigmoid);
  const z3 = theta2[0]!.reduce((s, t, i) => s + t * a2[i]!, 0);
  const a3 = sigmoid(z3);
  const dEda3 = a3 - y; // E = ½(a³ − y)²
  const dEdz3 = dEda3 * sigmoid(z3) * (1 - sigmoid(z3));

  it('∂E/∂z³ = ∂E/∂a³ σ(z³)(1 − σ(z³))', () => {
    expectClose(trace.layers[1]!.dA.data, [dEda3]);
    expectClose(trace.layers[1]!.dZ.data, [dEdz3]);
  });

  it('∂E/∂Θ²ᵢ = ∂E/∂z³ aᵢ² and ∂E/∂aᵢ² = ∂E/∂z³ Θ²ᵢ', () => {
    expectClose(
      grads[1]!.W.data,
      a2.map((ai) => dEdz3 * ai),
    );
    expectClose(
      trace.layers[0]!.dA.data,
      theta2[0]!.map((t) => dEdz3 * t),
    );
  });

  it('∂E/∂Θ¹ = ∂E/∂z² ⊗ a¹ (an outer product), with ∂E/∂z² = ∂E/∂a² ∘ σ(z²)(1 − σ(z²))', () => {
    const dEdz2 = a2.map((ai, i) => dEdz3 * theta2[0]![i]! * ai * (1 - ai));
    expectClose(trace.layers[0]!.dZ.data, dEdz2);
    const outer = dEdz2.map((dz) => x.map((xj) => dz * xj)); // n×m, the seed's layout
    expectClose(grads[0]!.W.data, transpose(outer).flat());
  });

  it('∂E/∂a¹ = Θ¹ᵀ ∂E/∂z², the gradient with respect to the input', () => {
    const dEdz2 = a2.map((ai, i) => dEdz3 * theta2[0]![i]! * ai * (1 - ai));
    const dEda1 = x.map((_, j) => theta1.reduce((s, row, i) => s + row[j]! * dEdz2[i]!, 0));
    expect(trace.dX.shape).toEqual([1, 4]);
    expectClose(trace.dX.data, dEda1);
  });
});
