import { describe, expect, it } from 'vitest';
import {
  type ActivationName,
  type ActivationSpec,
  activationNames,
  activationTable,
  Dense,
  jsKernels,
  type Kernels,
  Rng,
  Sequential,
} from '../src/index.js';
import { kernels as testKernels } from './kernels.js';
import { type Act, finiteDifferences, type Layer64, type LossName } from './oracle.js';

/**
 * Finite-difference gradient checks: analytic float32 gradients from the model against central differences of
 * an independent float64 forward pass (test/oracle.ts). An element passes when |g − fd| ≤ ATOL + RTOL·|fd|.
 */
const RTOL = 1e-4;
const ATOL = 2e-6;

interface Case {
  sizes: number[];
  hidden: ActivationName;
  output: ActivationName;
  loss: LossName;
  rows: number;
  l1: number;
  l2: number;
}

function lossSpec(loss: LossName) {
  return loss === 'halfSquaredErrorSum' ? ({ name: 'halfSquaredError', reduction: 'sum' } as const) : loss;
}

/** An activation with its parameter, if it has one, away from the default (so a kernel ignoring it fails). */
function withAlpha(name: ActivationName): ActivationSpec {
  const param = activationTable[name].alpha;
  return param ? { name, alpha: 0.5 * param.default + 0.1 } : name;
}

/** Returns the worst violation ratio max |g − fd| / (ATOL + RTOL·|fd|): ≤ 1 passes. */
function check(c: Case, seed: number, kernels: Kernels = testKernels): number {
  const rng = new Rng(seed);
  const layers = c.sizes.slice(1).map(
    (units, i) =>
      new Dense(c.sizes[i] as number, units, {
        activation: i === c.sizes.length - 2 ? c.output : withAlpha(c.hidden),
        init: { name: 'normal', std: 0.8 },
        regularization: { l1: c.l1, l2: c.l2 },
      }),
  );
  const model = new Sequential(layers, { loss: lossSpec(c.loss), kernels, seed });
  for (const l of model.layers as Dense[])
    for (let j = 0; j < l.b.length; j++) l.b[j] = rng.uniform(-0.5, 0.5);
  const d = c.sizes[0] as number;
  const k = c.sizes[c.sizes.length - 1] as number;
  const X = Array.from({ length: c.rows }, () => Array.from({ length: d }, () => rng.uniform(-1.5, 1.5)));
  const Y = Array.from({ length: c.rows }, () => {
    if (c.loss === 'softmaxCrossEntropy') {
      const row = new Array(k).fill(0);
      row[rng.int(k)] = 1;
      return row;
    }
    if (c.loss === 'binaryCrossEntropy') return Array.from({ length: k }, () => (rng.next() < 0.5 ? 0 : 1));
    return Array.from({ length: k }, () => rng.uniform(-1, 1));
  });
  const { grads } = model.gradients(X, Y);
  const l64: Layer64[] = (model.layers as Dense[]).map((l) => ({
    W: Float64Array.from(l.W.data),
    b: Float64Array.from(l.b),
    inputs: l.inputSize,
    units: l.outputSize,
    act: l.activation.name as Act,
    alpha: l.activation.alpha,
    l1: c.l1,
    l2: c.l2,
  }));
  const fd = finiteDifferences(l64, X, Y, c.loss);
  let worst = 0;
  grads.forEach((g, i) => {
    const f = fd[i] as { W: Float64Array; b: Float64Array };
    const pairs: [ArrayLike<number>, Float64Array][] = [
      [g.W.data, f.W],
      [g.b, f.b],
    ];
    for (const [analytic, numeric] of pairs) {
      for (let j = 0; j < numeric.length; j++) {
        const n = numeric[j] as number;
        // An L1 kink within eps of a weight makes the finite difference meaningless there.
        if (c.l1 > 0 && Math.abs(l64[i]?.W[j] ?? 1) < 1e-5) continue;
        worst = Math.max(worst, Math.abs((analytic[j] as number) - n) / (ATOL + RTOL * Math.abs(n)));
      }
    }
  });
  model.dispose();
  return worst;
}

/** Every activation in the table is checked as a hidden activation and as an output under MSE. */
const hidden: ActivationName[] = activationNames;
const pairs: { loss: LossName; outputs: ActivationName[] }[] = [
  { loss: 'mse', outputs: activationNames },
  { loss: 'halfSquaredError', outputs: ['linear', 'sigmoid', 'tanh', 'softmax'] },
  { loss: 'halfSquaredErrorSum', outputs: ['linear', 'sigmoid', 'leakyRelu'] },
  { loss: 'binaryCrossEntropy', outputs: ['sigmoid'] },
  { loss: 'softmaxCrossEntropy', outputs: ['softmax'] },
];

function randomArchitecture(rng: Rng, output: ActivationName): number[] {
  const depth = 1 + rng.int(3);
  const sizes = [1 + rng.int(4)];
  for (let i = 0; i < depth; i++) sizes.push(1 + rng.int(5));
  // Softmax over one unit is constant; give it at least two.
  if (output === 'softmax') sizes[sizes.length - 1] = 2 + rng.int(3);
  return sizes;
}

describe('finite-difference gradient checks over random architectures', () => {
  let seed = 100;
  for (const h of hidden) {
    for (const { loss, outputs } of pairs) {
      for (const output of outputs) {
        const s = seed++;
        it(`hidden ${h}, output ${output}, loss ${loss}`, () => {
          const rng = new Rng(s);
          for (let trial = 0; trial < 3; trial++) {
            const c: Case = {
              sizes: randomArchitecture(rng, output),
              hidden: h,
              output,
              loss,
              rows: 1 + rng.int(6),
              l1: 0,
              l2: 0,
            };
            expect(check(c, s * 10 + trial), JSON.stringify(c)).toBeLessThanOrEqual(1);
          }
        });
      }
    }
  }

  it('holds with L1 and L2 regularization in the objective', () => {
    for (let t = 0; t < 6; t++) {
      const c: Case = {
        sizes: [3, 4, 2],
        hidden: 'tanh',
        output: 'linear',
        loss: 'mse',
        rows: 5,
        l1: 0.01,
        l2: 0.05,
      };
      expect(check(c, 900 + t)).toBeLessThanOrEqual(1);
    }
  });
});

describe('the gradient check fails when a derivative is wrong', () => {
  const wrongDerivative = (name: ActivationName, der: (z: number, a: number) => number): Kernels => ({
    ...jsKernels,
    name: `wrong ${name}'`,
    activationBackward(act, z, a, dA, dZ) {
      if (act.name !== name) return jsKernels.activationBackward(act, z, a, dA, dZ);
      for (let i = 0; i < dZ.data.length; i++) {
        dZ.data[i] = (dA.data[i] as number) * der(z.data[i] as number, a.data[i] as number);
      }
    },
  });
  const base: Case = {
    sizes: [3, 4, 2],
    hidden: 'sigmoid',
    output: 'linear',
    loss: 'mse',
    rows: 4,
    l1: 0,
    l2: 0,
  };

  it("the right derivatives pass on this case (so the failures below are the derivative's fault)", () => {
    expect(check(base, 5)).toBeLessThanOrEqual(1);
    expect(check({ ...base, hidden: 'tanh' }, 5)).toBeLessThanOrEqual(1);
    expect(check({ ...base, hidden: 'relu' }, 5)).toBeLessThanOrEqual(1);
  });

  it("σ' = a instead of a(1 − a) fails", () => {
    expect(
      check(
        base,
        5,
        wrongDerivative('sigmoid', (_z, a) => a),
      ),
    ).toBeGreaterThan(1);
  });

  it("σ' = σ(a)(1 − σ(a)) (applied to the output, a classic slip) fails", () => {
    const s = (x: number) => 1 / (1 + Math.exp(-x));
    expect(
      check(
        base,
        5,
        wrongDerivative('sigmoid', (_z, a) => s(a) * (1 - s(a))),
      ),
    ).toBeGreaterThan(1);
  });

  it("tanh' = 1 − a (missing the square) fails", () => {
    expect(
      check(
        { ...base, hidden: 'tanh' },
        5,
        wrongDerivative('tanh', (_z, a) => 1 - a),
      ),
    ).toBeGreaterThan(1);
  });

  it("ReLU' = 1 everywhere fails", () => {
    expect(
      check(
        { ...base, hidden: 'relu' },
        5,
        wrongDerivative('relu', () => 1),
      ),
    ).toBeGreaterThan(1);
  });

  it('a transposed ∂J/∂X (dZ·W instead of dZ·Wᵀ) fails', () => {
    const k: Kernels = {
      ...jsKernels,
      name: 'wrong dX',
      matmulTransB(a, b, out) {
        // Reads W as if it were units×inputs, i.e. forgets the transpose in the index math.
        for (let i = 0; i < out.rows; i++) {
          for (let j = 0; j < out.cols; j++) {
            let s = 0;
            for (let t = 0; t < a.cols; t++)
              s += a.get(i, t) * (b.data[(t * out.cols + j) % b.data.length] as number);
            out.set(i, j, s);
          }
        }
      },
    };
    expect(check({ ...base, sizes: [3, 4, 5, 2] }, 5, k)).toBeGreaterThan(1);
  });
});
