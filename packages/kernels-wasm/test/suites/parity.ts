// The parity suite: a model trained on a WebAssembly build matches the same model on the JS kernels. Shared by
// parity.test.ts (plain SIMD) and parity-relaxed.test.ts (relaxed SIMD, fused multiply-add), so both builds are held
// to the same assertions and tolerances.
import {
  type ActivationName,
  Adam,
  Dense,
  jsKernels,
  type Kernels,
  Momentum,
  Rng,
  Sequential,
  SGD,
} from '@chainrule/core';
import { describe, expect, it } from 'vitest';
import type { WasmKernels } from '../../src/index.js';

/** Max |a − b| / (1 + |b|) over two arrays: float32 agreement, scaled for large values. */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)) / (1 + Math.abs(b[i] as number)));
  }
  return worst;
}

type Spec = { sizes: number[]; hidden: ActivationName; output: ActivationName; loss: string };

function build(spec: Spec, kernels: Kernels, seed: number) {
  return new Sequential(
    spec.sizes.slice(1).map(
      (u, i) =>
        new Dense(spec.sizes[i] as number, u, {
          activation: i === spec.sizes.length - 2 ? spec.output : spec.hidden,
        }),
    ),
    { loss: spec.loss as 'mse', kernels, seed },
  );
}

function data(spec: Spec, rows: number, seed: number) {
  const rng = new Rng(seed);
  const d = spec.sizes[0] as number;
  const k = spec.sizes.at(-1) as number;
  const X = Array.from({ length: rows }, () => Array.from({ length: d }, () => rng.uniform(-2, 2)));
  const Y = Array.from({ length: rows }, (_, i) => {
    if (spec.loss === 'softmaxCrossEntropy')
      return Array.from({ length: k }, (_, j) => (j === i % k ? 1 : 0));
    if (spec.loss === 'binaryCrossEntropy')
      return Array.from({ length: k }, () => (rng.next() < 0.5 ? 0 : 1));
    return Array.from({ length: k }, () => rng.uniform(-1, 1));
  });
  return { X, Y };
}

const specs: Spec[] = [
  { sizes: [1, 1], hidden: 'linear', output: 'sigmoid', loss: 'mse' }, // seed 000: one neuron, MSE
  { sizes: [3, 4, 3, 2], hidden: 'sigmoid', output: 'sigmoid', loss: 'halfSquaredError' }, // seed 001
  { sizes: [3, 4, 1], hidden: 'relu', output: 'linear', loss: 'halfSquaredError' }, // seed 002
  { sizes: [4, 3, 1], hidden: 'sigmoid', output: 'sigmoid', loss: 'binaryCrossEntropy' }, // seed 003
  { sizes: [2, 8, 8, 1], hidden: 'tanh', output: 'tanh', loss: 'mse' },
  { sizes: [5, 17, 9, 3], hidden: 'leakyRelu', output: 'softmax', loss: 'softmaxCrossEntropy' },
  { sizes: [784, 128, 64, 10], hidden: 'relu', output: 'softmax', loss: 'softmaxCrossEntropy' },
];

/** Registers the parity tests for one loaded build of the WebAssembly kernels. */
export function parityTests(wasm: WasmKernels): void {
  describe(`a model on the WebAssembly kernels (${wasm.variant}) matches the JS kernels`, () => {
    for (const spec of specs) {
      it(`gradients and trace, ${spec.sizes.join('-')} ${spec.hidden}/${spec.output} ${spec.loss}`, () => {
        const { X, Y } = data(spec, 13, 1);
        const a = build(spec, jsKernels, 7).gradients(X, Y);
        const b = build(spec, wasm, 7).gradients(X, Y);
        expect(Math.abs(a.loss - b.loss) / (1 + Math.abs(a.loss))).toBeLessThan(1e-5);
        a.grads.forEach((g, i) => {
          expect(maxRelDiff(b.grads[i]!.W.data, g.W.data)).toBeLessThan(2e-5);
          expect(maxRelDiff(b.grads[i]!.b, g.b)).toBeLessThan(2e-5);
          expect(maxRelDiff(b.trace.layers[i]!.A.data, a.trace.layers[i]!.A.data)).toBeLessThan(1e-5);
        });
        expect(maxRelDiff(b.trace.dX.data, a.trace.dX.data)).toBeLessThan(2e-5);
      });
    }

    for (const [name, make] of [
      ['SGD', () => new SGD({ learningRate: 0.05 })],
      ['Momentum', () => new Momentum({ learningRate: 0.02 })],
      ['Adam', () => new Adam({ learningRate: 0.005 })],
    ] as const) {
      it(`30 epochs of fit with ${name} end at the same weights and predictions within float32 tolerance`, async () => {
        const spec: Spec = {
          sizes: [2, 8, 8, 1],
          hidden: 'tanh',
          output: 'sigmoid',
          loss: 'binaryCrossEntropy',
        };
        const { X, Y } = data(spec, 40, 3);
        const models = [build(spec, jsKernels, 11), build(spec, wasm, 11)];
        for (const m of models) await m.fit(X, Y, { epochs: 30, batchSize: 8, optimizer: make() });
        const [wa, wb] = models.map((m) => m.getWeights());
        for (const [i, w] of wa!.entries()) expect(maxRelDiff(wb![i]!.W.data, w.W.data)).toBeLessThan(1e-3);
        expect(maxRelDiff(models[1]!.predict(X).data, models[0]!.predict(X).data)).toBeLessThan(1e-3);
        // And training did something: the weights moved away from their start.
        expect(
          maxRelDiff(build(spec, jsKernels, 11).getWeights()[0]!.W.data, wa![0]!.W.data),
        ).toBeGreaterThan(1e-2);
      });
    }
  });
}
