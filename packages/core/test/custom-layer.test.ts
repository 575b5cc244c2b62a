import { describe, expect, it } from 'vitest';
import {
  Adam,
  type BuildContext,
  ChainruleError,
  Dense,
  type Kernels,
  type Layer,
  type LayerBuffers,
  type LayerJSON,
  type LayerReader,
  type LayerWeights,
  Matrix,
  type Param,
  type ResolvedActivation,
  Sequential,
} from '../src/index.js';
import { kernels } from './kernels.js';

/**
 * A layer written outside core against the `Layer` contract alone, as a user would: a per-unit scale and shift,
 * A = Z = γ ⊙ X + β (no activation). Its parameters are γ (kept 1×units, exchanged as `W`) and β (`b`).
 * Backward: ∂J/∂Z = ∂J/∂A, ∂J/∂γ = Σ_n X ⊙ ∂J/∂Z, ∂J/∂β = Σ_n ∂J/∂Z, ∂J/∂X = ∂J/∂Z ⊙ γ.
 */
class ScaleShift implements Layer {
  readonly type = 'scaleShift';
  readonly activation: ResolvedActivation = { name: 'linear', alpha: 0 };
  readonly inputSize: number;
  readonly outputSize: number;
  readonly name: string;
  private s: { kernels: Kernels; gamma: Matrix; beta: Matrix; dGamma: Matrix; dBeta: Matrix } | null = null;

  constructor(units: number, name = 'scale') {
    this.inputSize = units;
    this.outputSize = units;
    this.name = name;
  }

  build({ kernels: k }: BuildContext): void {
    const n = this.outputSize;
    const s = {
      kernels: k,
      gamma: k.alloc(1, n),
      beta: k.alloc(1, n),
      dGamma: k.alloc(1, n),
      dBeta: k.alloc(1, n),
    };
    s.gamma.data.fill(1);
    this.s = s;
  }

  private get built() {
    if (!this.s) throw new Error(`${this.name}: not built`);
    return this.s;
  }

  params(): readonly Param[] {
    const s = this.built;
    return [
      { name: `${this.name}.gamma`, value: s.gamma, grad: s.dGamma, l1: 0, l2: 0 },
      { name: `${this.name}.beta`, value: s.beta, grad: s.dBeta, l1: 0, l2: 0 },
    ];
  }

  forward(x: Matrix, buffers: LayerBuffers): void {
    const { gamma, beta } = this.built;
    const n = this.outputSize;
    const [X, Z, A, g, b] = [x.data, buffers.z.data, buffers.a.data, gamma.data, beta.data];
    for (let i = 0; i < X.length; i++) {
      Z[i] = (X[i] as number) * (g[i % n] as number) + (b[i % n] as number);
      A[i] = Z[i] as number;
    }
  }

  backward(x: Matrix, buffers: LayerBuffers, dZReady: boolean, dX: Matrix | null): void {
    const { gamma, dGamma, dBeta } = this.built;
    const n = this.outputSize;
    if (!dZReady) buffers.dZ.data.set(buffers.dA.data);
    const [X, dZ, g, dg, db] = [x.data, buffers.dZ.data, gamma.data, dGamma.data, dBeta.data];
    dg.fill(0);
    db.fill(0);
    for (let i = 0; i < X.length; i++) {
      dg[i % n] = (dg[i % n] as number) + (X[i] as number) * (dZ[i] as number);
      db[i % n] = (db[i % n] as number) + (dZ[i] as number);
    }
    if (dX) for (let i = 0; i < X.length; i++) dX.data[i] = (dZ[i] as number) * (g[i % n] as number);
  }

  getWeights(): LayerWeights {
    const s = this.built;
    return { W: new Matrix(1, this.outputSize, s.gamma.data.slice()), b: s.beta.data.slice() };
  }

  getGradients(): LayerWeights {
    const s = this.built;
    return { W: new Matrix(1, this.outputSize, s.dGamma.data.slice()), b: s.dBeta.data.slice() };
  }

  setWeights(w: LayerWeights): void {
    const s = this.built;
    if (w.W.rows !== 1 || w.W.cols !== this.outputSize || w.b.length !== this.outputSize)
      throw new ChainruleError('SHAPE', `${this.name}: expected γ 1×${this.outputSize}`);
    s.gamma.data.set(w.W.data);
    s.beta.data.set(w.b);
  }

  toJSON(): LayerJSON {
    const w = this.getWeights();
    return { type: this.type, name: this.name, units: this.outputSize, gamma: [...w.W.data], beta: [...w.b] };
  }

  dispose(): void {
    if (!this.s) return;
    for (const m of [this.s.gamma, this.s.beta, this.s.dGamma, this.s.dBeta]) this.s.kernels.free(m);
    this.s = null;
  }

  static read: LayerReader = (json) => {
    const units = json.units as number;
    return {
      layer: new ScaleShift(units, json.name as string),
      weights: {
        W: new Matrix(1, units, Float32Array.from(json.gamma as number[])),
        b: Float32Array.from(json.beta as number[]),
      },
    };
  };
}

const X = new Matrix(
  5,
  3,
  Float32Array.from([0.5, -1, 0.2, 1.5, 0.3, -0.7, -0.2, 0.8, 1.1, 0.9, -1.3, 0.4, 0, 0.6, -0.5]),
);
const Y = new Matrix(5, 2, Float32Array.from([0.1, -0.4, 0.7, 0.2, -0.3, 0.5, 0.9, -0.8, 0.0, 0.3]));

function model(seed = 4) {
  return new Sequential([new Dense(3, 4, { activation: 'tanh' }), new ScaleShift(4), new Dense(4, 2)], {
    loss: 'mse',
    kernels,
    seed,
  });
}

/** J in float64 from the model's weights: Dense(tanh) → γ ⊙ · + β → Dense, mean squared error. */
function loss64(w: readonly LayerWeights[]): number {
  const [d1, ss, d2] = w as [LayerWeights, LayerWeights, LayerWeights];
  let total = 0;
  for (let n = 0; n < X.rows; n++) {
    const h = Array.from({ length: 4 }, (_, k) => {
      let z = d1.b[k] as number;
      for (let j = 0; j < 3; j++) z += (X.data[n * 3 + j] as number) * (d1.W.data[j * 4 + k] as number);
      return Math.tanh(z) * (ss.W.data[k] as number) + (ss.b[k] as number);
    });
    for (let o = 0; o < 2; o++) {
      let z = d2.b[o] as number;
      for (let k = 0; k < 4; k++) z += (h[k] as number) * (d2.W.data[k * 2 + o] as number);
      total += (z - (Y.data[n * 2 + o] as number)) ** 2;
    }
  }
  return total / (X.rows * 2);
}

describe('a layer written outside core (ScaleShift) works through the Layer contract', () => {
  it('its gradients, and the gradients flowing through it, equal central differences of a float64 forward', () => {
    const m = model();
    const w = m.getWeights();
    const { grads } = m.gradients(X, Y, { trace: false });
    const eps = 1e-6;
    let checked = 0;
    for (const [l, lw] of w.entries()) {
      for (const [key, arr] of [
        ['W', lw.W.data],
        ['b', lw.b],
      ] as const) {
        for (let i = 0; i < arr.length; i++) {
          const keep = arr[i] as number;
          // Perturb a float64 copy: the float32 weights are the point the derivative is taken at.
          const at = (d: number) => {
            const copy = w.map((x) => ({
              W: new Matrix(x.W.rows, x.W.cols, Float64Array.from(x.W.data) as never),
              b: Float64Array.from(x.b) as never,
            }));
            const t = key === 'W' ? copy[l]?.W.data : copy[l]?.b;
            (t as unknown as Float64Array)[i] = keep + d;
            return loss64(copy as LayerWeights[]);
          };
          const fd = (at(eps) - at(-eps)) / (2 * eps);
          const g = (key === 'W' ? grads[l]?.W.data : grads[l]?.b)?.[i] as number;
          expect(Math.abs(g - fd), `layer ${l} ${key}[${i}]: ${g} vs ${fd}`).toBeLessThanOrEqual(
            2e-6 + 1e-4 * Math.abs(fd),
          );
          checked++;
        }
      }
    }
    expect(checked).toBe(3 * 4 + 4 + 4 + 4 + 4 * 2 + 2);
    m.dispose();
  });

  it('the check can fail: a backward that forgets γ in ∂J/∂X is caught', () => {
    class Broken extends ScaleShift {
      override backward(x: Matrix, buffers: LayerBuffers, dZReady: boolean, dX: Matrix | null): void {
        super.backward(x, buffers, dZReady, dX);
        if (dX) dX.data.set(buffers.dZ.data);
      }
    }
    const m = new Sequential([new Dense(3, 4, { activation: 'tanh' }), new Broken(4), new Dense(4, 2)], {
      loss: 'mse',
      kernels,
      seed: 4,
    });
    // γ ≠ 1 so that forgetting it changes ∂J/∂W¹.
    const w = m.getWeights();
    (w[1] as LayerWeights).W.data.set([2, -0.5, 1.5, 0.25]);
    m.setWeights(w);
    const good = model();
    good.setWeights(w);
    const bad = m.gradients(X, Y, { trace: false }).grads[0]?.W.data as Float32Array;
    const right = good.gradients(X, Y, { trace: false }).grads[0]?.W.data as Float32Array;
    const worst = Math.max(...Array.from(bad, (v, i) => Math.abs(v - (right[i] as number))));
    expect(worst).toBeGreaterThan(1e-3);
    m.dispose();
    good.dispose();
  });

  it('trains with an optimizer over its own named parameters, and round-trips through JSON with its reader', () => {
    const m = model(9);
    const before = m.evaluate(X, Y).loss;
    const optimizer = new Adam({ learningRate: 0.05 });
    for (let i = 0; i < 200; i++) m.trainBatch(X, Y, optimizer);
    const after = m.evaluate(X, Y).loss;
    expect(after).toBeLessThan(before / 10);
    const gamma = m.getWeights()[1]?.W.data as Float32Array;
    expect(Array.from(gamma).some((g) => g !== 1)).toBe(true); // γ itself was trained

    const json = JSON.parse(JSON.stringify(m.toJSON()));
    expect(() => Sequential.fromJSON(json, { kernels })).toThrow('unknown layer type "scaleShift"');
    const loaded = Sequential.fromJSON(json, { kernels, layerTypes: { scaleShift: ScaleShift.read } });
    expect(loaded.layers.map((l) => l.type)).toEqual(['dense', 'scaleShift', 'dense']);
    expect(Array.from(loaded.predict(X).data)).toEqual(Array.from(m.predict(X).data));
    m.dispose();
    loaded.dispose();
  });

  it('its buffers are freed with the model, and the layers build into a new model again', () => {
    let live = 0;
    const k: Kernels = Object.create(kernels);
    k.alloc = (rows: number, cols: number) => {
      live++;
      return kernels.alloc(rows, cols);
    };
    k.free = (m: Matrix) => {
      live--;
      kernels.free(m);
    };
    const layers = [new Dense(3, 4, { activation: 'tanh' }), new ScaleShift(4), new Dense(4, 2)];
    const m = new Sequential(layers, { loss: 'mse', kernels: k });
    m.trainBatch(X, Y, new Adam());
    expect(live).toBeGreaterThan(8);
    m.dispose();
    expect(live).toBe(0);
    const again = new Sequential(layers, { loss: 'mse', kernels: k });
    expect(again.predict(X).rows).toBe(5);
    again.dispose();
    expect(live).toBe(0);
  });
});
