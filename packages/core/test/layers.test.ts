import { describe, expect, it } from 'vitest';
import {
  Activation,
  Dense,
  Dropout,
  type LayerReader,
  type LayerWeights,
  Matrix,
  Sequential,
  SGD,
} from '../src/index.js';
import { caught } from './caught.js';
import { kernels } from './kernels.js';

// The layer contract beyond Dense, on `kernels` (jsKernels here; both WebAssembly builds under growth stress in
// @chainrule/kernels-wasm): Dropout (inverted, seeded, identity at inference) and a parameter-free Activation.

const X = Array.from({ length: 16 }, (_, i) => [Math.sin(i), Math.cos(0.7 * i), 0.2 * i - 1.5]);
const Y = X.map(([a = 0, b = 0, c = 0]) => [Math.tanh(a + b), 0.5 * c]);

const copyWeights = (from: Sequential, to: Sequential) => {
  const dense = from.getWeights().filter((w) => w.W.rows > 0);
  let k = 0;
  to.setWeights(to.layers.map((l) => (l.type === 'dense' ? (dense[k++] as LayerWeights) : l.getWeights())));
};

describe(`Dropout (${kernels.name} kernels)`, () => {
  const withDropout = (seed = 5, rate = 0.4) =>
    new Sequential([new Dense(3, 5, { activation: 'tanh' }), new Dropout(rate), new Dense(5, 2)], {
      loss: 'mse',
      kernels,
      seed,
    });

  it('takes its size from the layer before, is named dropout_<n>, and has no parameters', () => {
    const m = withDropout();
    const d = m.layers[1] as Dropout;
    expect([d.type, d.name, d.inputSize, d.outputSize, d.rate]).toEqual(['dropout', 'dropout_2', 5, 5, 0.4]);
    expect(m.getWeights()[1]).toEqual({ W: new Matrix(0, 0), b: new Float32Array(0) });
    m.dispose();
  });

  it('is the identity at inference: predict and evaluate equal the same net without it', () => {
    const m = withDropout();
    const plain = new Sequential([new Dense(3, 5, { activation: 'tanh' }), new Dense(5, 2)], {
      loss: 'mse',
      kernels,
    });
    copyWeights(m, plain);
    expect(m.predict(X).data).toEqual(plain.predict(X).data);
    expect(m.evaluate(X, Y)).toEqual(plain.evaluate(X, Y));
    expect(m.gradients(X, Y).grads.filter((g) => g.W.rows > 0)).toEqual(plain.gradients(X, Y).grads);
    m.dispose();
    plain.dispose();
  });

  it('in training drops about `rate` of the values and scales the rest by 1/(1 − rate), from the model’s seed', () => {
    const big = Array.from({ length: 400 }, (_, i) => [Math.sin(i) + 2, Math.cos(i) + 2, 1 + (i % 7)]);
    const bigY = big.map(() => [0, 0]);
    const masks = (seed: number) => {
      const m = withDropout(seed, 0.3);
      const { trace } = m.gradients(big, bigY, { training: true });
      const { Z, A } = trace.layers[1] as { Z: Matrix; A: Matrix };
      m.dispose();
      return Array.from(A.data, (a, i) => a / (Z.data[i] as number));
    };
    const a = masks(5);
    const dropped = a.filter((v) => v === 0).length / a.length;
    expect(dropped).toBeGreaterThan(0.25);
    expect(dropped).toBeLessThan(0.35);
    for (const v of a) expect(v === 0 || Math.abs(v - 1 / 0.7) < 1e-5).toBe(true);
    expect(masks(5)).toEqual(a); // same seed, same mask
    expect(masks(6)).not.toEqual(a);
  });

  it('gradient check with the mask fixed: ∂J/∂W by the backward pass matches central differences of a float64 forward', () => {
    const m = withDropout(9, 0.5);
    const { loss, grads, trace } = m.gradients(X, Y, { training: true });
    const { Z, A } = trace.layers[1] as { Z: Matrix; A: Matrix };
    const mask = Array.from(A.data, (a, i) => ((Z.data[i] as number) === 0 ? 0 : a / (Z.data[i] as number)));
    const w = m.getWeights();
    const W1 = Array.from(w[0]?.W.data ?? []);
    const b1 = Array.from(w[0]?.b ?? []);
    const W2 = Array.from(w[2]?.W.data ?? []);
    const b2 = Array.from(w[2]?.b ?? []);
    // J = mean over N·2 of (Dense2(mask ⊙ tanh(X·W1 + b1)) − Y)², in float64, the mask held fixed.
    const J = () => {
      let s = 0;
      X.forEach((x, n) => {
        const h = [0, 1, 2, 3, 4].map((u) => {
          let z = b1[u] as number;
          for (let k = 0; k < 3; k++) z += (x[k] as number) * (W1[k * 5 + u] as number);
          return Math.tanh(z) * (mask[n * 5 + u] as number);
        });
        for (let o = 0; o < 2; o++) {
          let out = b2[o] as number;
          for (let u = 0; u < 5; u++) out += (h[u] as number) * (W2[u * 2 + o] as number);
          s += (out - (Y[n]?.[o] as number)) ** 2;
        }
      });
      return s / (X.length * 2);
    };
    expect(Math.abs(J() - loss)).toBeLessThan(1e-5);
    const eps = 1e-6;
    const check = (params: number[], analytic: ArrayLike<number>) => {
      for (let i = 0; i < params.length; i++) {
        const keep = params[i] as number;
        params[i] = keep + eps;
        const up = J();
        params[i] = keep - eps;
        const down = J();
        params[i] = keep;
        const fd = (up - down) / (2 * eps);
        expect(Math.abs((analytic[i] as number) - fd)).toBeLessThanOrEqual(2e-6 + 1e-4 * Math.abs(fd));
      }
    };
    check(W1, grads[0]?.W.data ?? []);
    check(b1, grads[0]?.b ?? []);
    check(W2, grads[2]?.W.data ?? []);
    // A dropped unit gets no gradient into its incoming weights' column through this example… and the check
    // is sharp enough to see a mask that is not applied backward:
    expect(mask.some((v) => v === 0)).toBe(true);
    m.dispose();
  });

  it('trainBatch({ trace: true }) returns the trace of the pass the update used: its mask and its ∂J/∂W', () => {
    const m = withDropout(12, 0.5);
    const before = m.getWeights();
    const lr = 0.1;
    const { loss, trace } = m.trainBatch(X, Y, new SGD({ learningRate: lr }), { trace: true });
    expect(Number.isFinite(loss)).toBe(true);
    const after = m.getWeights();
    // SGD: W_after = W_before − η·∂J/∂W with the traced gradient, so the trace is the pass that was applied.
    for (const l of [0, 2]) {
      const [b, a, g] = [before[l]?.W.data ?? [], after[l]?.W.data ?? [], trace.layers[l]?.dW.data ?? []];
      for (let i = 0; i < b.length; i++)
        expect(Math.abs((a[i] as number) - ((b[i] as number) - lr * (g[i] as number)))).toBeLessThan(1e-6);
    }
    const { Z, A } = trace.layers[1] as { Z: Matrix; A: Matrix };
    expect(Array.from(A.data).some((v, i) => v === 0 && (Z.data[i] as number) !== 0)).toBe(true); // dropped
    m.dispose();
  });

  it('trains: fit with Dropout lowers the loss, and the same seed gives the same run', async () => {
    const run = async () => {
      const m = withDropout(3, 0.2);
      const h = await m.fit(X, Y, { epochs: 60, batchSize: 8, optimizer: new SGD({ learningRate: 0.1 }) });
      const w = m.getWeights();
      m.dispose();
      return { h, w };
    };
    const [a, b] = [await run(), await run()];
    expect(a.h.epochs.at(-1)?.loss).toBeLessThan(a.h.epochs[0]?.loss ?? 0);
    expect(b).toEqual(a);
  });

  it('refuses a rate outside [0, 1) and, as a first layer, a missing size', () => {
    expect(caught(() => new Dropout(1)).message).toMatch(/rate must be below 1/);
    expect(caught(() => new Dropout(-0.1)).code).toBe('INVALID_OPTION');
    const first = caught(() => new Sequential([new Dropout(0.5), new Dense(3, 1)], { loss: 'mse', kernels }));
    expect(first.message).toMatch(/as the first layer it needs its size/);
    const m = new Sequential([new Dropout(0.5, { size: 3 }), new Dense(3, 1)], { loss: 'mse', kernels });
    expect(m.predict([[1, 2, 3]]).rows).toBe(1);
    m.dispose();
    expect(
      caught(() => new Sequential([new Dense(2, 3), new Dropout(0.5, { size: 4 })], { loss: 'mse', kernels }))
        .code,
    ).toBe('SHAPE');
  });
});

describe(`Activation layer (${kernels.name} kernels)`, () => {
  it('a linear Dense followed by Activation(φ) is a Dense with φ: predictions and gradients, for φ = tanh and softmax', () => {
    for (const [act, loss] of [
      ['tanh', 'mse'],
      ['softmax', 'softmaxCrossEntropy'],
    ] as const) {
      const split = new Sequential([new Dense(3, 2), new Activation(act)], { loss, kernels, seed: 4 });
      const fused = new Sequential([new Dense(3, 2, { activation: act })], { loss, kernels, seed: 4 });
      fused.setWeights([split.getWeights()[0] as LayerWeights]);
      const target = loss === 'mse' ? Y : Y.map((_, i) => (i % 2 ? [1, 0] : [0, 1]));
      const p = split.predict(X).data;
      const q = fused.predict(X).data;
      for (let i = 0; i < p.length; i++)
        expect(Math.abs((p[i] as number) - (q[i] as number))).toBeLessThan(1e-6);
      const g = split.gradients(X, target).grads[0] as LayerWeights;
      const h = fused.gradients(X, target).grads[0] as LayerWeights;
      for (let i = 0; i < g.W.data.length; i++)
        expect(Math.abs((g.W.data[i] as number) - (h.W.data[i] as number))).toBeLessThan(1e-5);
      expect(split.layers[1]?.name).toBe('activation_2');
      split.dispose();
      fused.dispose();
    }
  });

  it('validates its activation and frees its buffer', () => {
    expect(caught(() => new Activation('swish' as never)).code).toBe('UNKNOWN_NAME');
    const m = new Sequential([new Dense(2, 2), new Activation({ name: 'elu', alpha: 0.5 })], {
      loss: 'mse',
      kernels,
    });
    expect(m.layers[1]?.activation).toEqual({ name: 'elu', alpha: 0.5 });
    m.dispose();
  });
});

describe('Dense parameters', () => {
  it('params() gives the same Param objects on every call (optimizers key their state by them)', () => {
    const m = new Sequential([new Dense(2, 3), new Dense(3, 1)], { loss: 'mse', kernels });
    const layer = m.layers[0] as Dense;
    expect(layer.params()).toBe(layer.params());
    expect(layer.params()[0]?.value).toBe(layer.W);
    m.dispose();
  });
});

describe('layers travel as JSON through the layer types table', () => {
  it('Dense, Dropout and Activation round-trip: same types, names, rate, activation and predictions', () => {
    const m = new Sequential(
      [new Dense(3, 4), new Activation('silu'), new Dropout(0.25, { name: 'drop' }), new Dense(4, 2)],
      { loss: 'mse', kernels, seed: 8 },
    );
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    expect(json.layers.map((l: { type: string }) => l.type)).toEqual([
      'dense',
      'activation',
      'dropout',
      'dense',
    ]);
    const back = Sequential.fromJSON(json, { kernels });
    expect(back.layers.map((l) => [l.type, l.name])).toEqual(m.layers.map((l) => [l.type, l.name]));
    expect((back.layers[2] as Dropout).rate).toBe(0.25);
    expect(back.predict(X).data).toEqual(m.predict(X).data);
    m.dispose();
    back.dispose();
  });

  it('an unknown type names the known ones; a reader of your own loads it', () => {
    const json = new Sequential([new Dense(2, 2)], { loss: 'mse', kernels }).toJSON();
    const odd = { ...json, layers: [{ ...json.layers[0], type: 'scale2' }] };
    expect(caught(() => Sequential.fromJSON(odd, { kernels })).message).toBe(
      'model JSON .layers[0].type: unknown layer type "scale2"; known: dense, dropout, activation, normalization',
    );
    // A custom type: read as an Activation layer of its own JSON's size (what a user's reader would do).
    const reader: LayerReader = (raw) => {
      const layer = new Activation('linear', { size: raw.units as number });
      return { layer, weights: layer.getWeights() };
    };
    const loaded = Sequential.fromJSON(
      { ...json, layers: [json.layers[0], { type: 'scale2', units: 2 }] },
      {
        kernels,
        layerTypes: { scale2: reader },
      },
    );
    expect(loaded.layers.map((l) => l.type)).toEqual(['dense', 'activation']);
    loaded.dispose();
  });
});

describe('gradients({ trace: false })', () => {
  it('gives the same loss and gradients as the full pass, without a trace', () => {
    const m = new Sequential([new Dense(3, 6, { activation: 'relu' }), new Dense(6, 2)], {
      loss: 'mse',
      kernels,
    });
    const full = m.gradients(X, Y);
    const lean = m.gradients(X, Y, { trace: false });
    expect('trace' in lean).toBe(false);
    expect(lean).toEqual({ loss: full.loss, penalty: full.penalty, grads: full.grads });
    m.dispose();
  });

  it('still names a non-finite input or target (found when J is not finite, without a scan up front)', () => {
    const m = new Sequential([new Dense(3, 6, { activation: 'relu' }), new Dense(6, 2)], {
      loss: 'mse',
      kernels,
    });
    const badX = X.map((r) => [...r]);
    (badX[1] as number[])[1] = Number.NaN;
    expect(caught(() => m.gradients(badX, Y, { trace: false })).message).toBe(
      caught(() => m.gradients(badX, Y)).message,
    );
    expect(caught(() => m.gradients(badX, Y, { trace: false })).message).toMatch(/row 1, column 1/);
    const badY = Y.map((r) => [...r]);
    (badY[1] as number[])[1] = Number.POSITIVE_INFINITY;
    expect(caught(() => m.gradients(X, badY, { trace: false })).message).toMatch(/Infinity/);
    // Shapes are still checked first.
    expect(caught(() => m.gradients(new Matrix(16, 4), Y, { trace: false })).code).toBe('SHAPE');
    m.dispose();
  });
});
