import { describe, expect, it } from 'vitest';
import {
  Adam,
  Dense,
  type Kernels,
  type LayerBuffers,
  type LayerWeights,
  Matrix,
  Sequential,
} from '../src/index.js';
import { ScaleShift } from '../src/testing/scale-shift.js';
import { kernels } from './kernels.js';

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
