import { activationTable, type ResolvedActivation } from '../activations.js';
import { ChainruleError } from '../errors.js';
import type { Kernels, LossKind } from '../kernels.js';
import { Rng } from '../rng.js';
import {
  ACTIVATIONS,
  type AddCase,
  alloc,
  ELEMENTWISE_SHAPES,
  expectClose,
  F32,
  fail,
  relTol,
  vector,
} from './conformance-support.js';
import { refActivation, refActivationDerivative, refSoftmax } from './reference.js';

/** Every activation of the table, forward (with saturating inputs) and backward, in place too; unknown names. */
export function casesActivations(k: Kernels, seed: number, add: AddCase): void {
  for (const act of ACTIVATIONS) {
    for (const [rows, cols] of ELEMENTWISE_SHAPES) {
      add(`biasActivation ${act.name} ${rows}×${cols}`, () => {
        const rng = new Rng(seed + rows * 131 + cols);
        // Include saturating inputs so stable formulations are required.
        const extremes = [-1000, -90, -30, 0, 30, 90, 1000];
        const zIn = Array.from({ length: rows * cols }, (_, i) =>
          i % 11 === 5 ? (extremes[i % extremes.length] as number) : rng.uniform(-4, 4),
        );
        const z = alloc(k, rows, cols, (i) => zIn[i] as number);
        const bias = vector(k, cols, () => rng.uniform(-1, 1));
        const a = alloc(k, rows, cols, () => Number.NaN);
        const zBefore = Float32Array.from(z.data);
        k.biasActivation(z, bias, act, a);
        const zRef = Float32Array.from(zBefore, (v, i) => v + (bias.data[i % cols] as number));
        expectClose(`biasActivation ${act.name} z`, z.data, zRef, relTol(zRef, 2 * F32, 0));
        const aRef = new Float64Array(rows * cols);
        for (let r = 0; r < rows; r++) {
          if (activationTable[act.name].kind === 'rowwise')
            aRef.set(refSoftmax(zRef, r * cols, cols), r * cols);
          else
            for (let j = 0; j < cols; j++)
              aRef[r * cols + j] = refActivation(act.name, zRef[r * cols + j] as number, act.alpha);
        }
        // Activations of float32 inputs: a few ulps of the output, plus an absolute floor for tiny values.
        expectClose(`biasActivation ${act.name} a`, a.data, aRef, relTol(aRef, 8 * F32, 1e-7));
        if (a.data.some((x) => Number.isNaN(x))) fail(`biasActivation ${act.name} produced NaN`);
      });

      add(`activationBackward ${act.name} ${rows}×${cols}`, () => {
        const rng = new Rng(seed + rows * 17 + cols * 3);
        const z = alloc(k, rows, cols, () => rng.uniform(-3, 3));
        const a = alloc(k, rows, cols, () => 0);
        const zeros = vector(k, cols, () => 0);
        k.biasActivation(z, zeros, act, a);
        const dA = alloc(k, rows, cols, () => rng.uniform(-1, 1));
        const dZ = alloc(k, rows, cols, () => Number.NaN);
        k.activationBackward(act, z, a, dA, dZ);
        const want = new Float64Array(rows * cols);
        for (let r = 0; r < rows; r++) {
          const o = r * cols;
          if (activationTable[act.name].kind === 'rowwise') {
            const s = refSoftmax(z.data, o, cols);
            // Full Jacobian J_jk = s_j(δ_jk − s_k), applied as Jᵀ·dA.
            for (let j = 0; j < cols; j++) {
              let acc = 0;
              for (let c = 0; c < cols; c++)
                acc += (s[c] as number) * ((c === j ? 1 : 0) - (s[j] as number)) * (dA.data[o + c] as number);
              want[o + j] = acc;
            }
          } else {
            for (let j = 0; j < cols; j++) {
              want[o + j] =
                (dA.data[o + j] as number) *
                refActivationDerivative(act.name, z.data[o + j] as number, act.alpha);
            }
          }
        }
        expectClose(
          `activationBackward ${act.name}`,
          dZ.data,
          want,
          (i) => 1e-6 + 32 * F32 * Math.abs(want[i] as number),
        );
        // In place: dZ aliasing dA must give the same.
        const alias = alloc(k, rows, cols, (i) => dA.data[i] as number);
        k.activationBackward(act, z, a, alias, alias);
        expectClose(`activationBackward ${act.name} in place`, alias.data, dZ.data, () => 0);
      });
    }
  }

  // Every entry point that takes an activation or a loss name refuses one it does not know, before running anything
  // (the WebAssembly kernels once ran code 0 instead): made-up names, and the names every object inherits, which a
  // lookup without an own-property check would find.
  add('unknown activation and loss names are refused with UNKNOWN_NAME', () => {
    const expectUnknown = (what: string, name: string, run: () => unknown) => {
      try {
        run();
      } catch (err) {
        if (!(err instanceof ChainruleError && err.code === 'UNKNOWN_NAME'))
          fail(`${what}: threw ${String(err)}, expected a ChainruleError with code UNKNOWN_NAME`);
        if (!err.message.includes(JSON.stringify(name)))
          fail(`${what}: the message does not name ${JSON.stringify(name)}: ${err.message}`);
        return;
      }
      fail(`${what}: ran the unknown name ${JSON.stringify(name)} instead of refusing it`);
    };
    const unknown = ['swoosh', '', 'constructor', 'toString', '__proto__', 'hasOwnProperty'];
    // A 2×3 layer on a 2×3 input: x, z, a, dA, dZ are 2×3, W is 3×3, b and db are 1×3, dX is 2×3.
    const x = alloc(k, 2, 3, () => 0.5);
    const z = alloc(k, 2, 3, () => 0.5);
    const a = alloc(k, 2, 3, () => 0);
    const dA = alloc(k, 2, 3, () => 0.25);
    const dZ = alloc(k, 2, 3, () => 0);
    const dX = alloc(k, 2, 3, () => 0);
    const W = alloc(k, 3, 3, () => 0.1);
    const dW = alloc(k, 3, 3, () => 0);
    const b = vector(k, 3, () => 0);
    const db = vector(k, 3, () => 0);
    for (const name of unknown) {
      const bogus = { name, alpha: 0 } as unknown as ResolvedActivation;
      const q = JSON.stringify(name);
      expectUnknown(`biasActivation(${q})`, name, () => k.biasActivation(z, b, bogus, a));
      expectUnknown(`activationBackward(${q})`, name, () => k.activationBackward(bogus, z, a, dA, dZ));
      expectUnknown(`denseForward(${q})`, name, () => k.denseForward(x, W, b, bogus, z, a));
      expectUnknown(`denseBackward(${q}) with ∂J/∂X`, name, () =>
        k.denseBackward(bogus, x, W, z, a, dA, dZ, dW, db, dX, false),
      );
      expectUnknown(`denseBackward(${q}), first layer (no ∂J/∂X)`, name, () =>
        k.denseBackward(bogus, x, W, z, a, dA, dZ, dW, db, null, false),
      );
      expectUnknown(`denseBackward(${q}) with ∂J/∂Z ready (a fused loss)`, name, () =>
        k.denseBackward(bogus, x, W, z, a, dA, dZ, dW, db, dX, true),
      );
      expectUnknown(`loss(${q})`, name, () => k.loss(name as LossKind, z, a, dZ, 1));
    }
    expectUnknown('loss("hinge")', 'hinge', () => k.loss('hinge' as LossKind, z, a, dZ, 1));
    // An activation's name with a loss's, and the other way round: each table is its own namespace.
    expectUnknown('loss("relu")', 'relu', () => k.loss('relu' as LossKind, z, a, dZ, 1));
    const lossAsActivation = { name: 'mse', alpha: 0 } as unknown as ResolvedActivation;
    expectUnknown('biasActivation("mse")', 'mse', () => k.biasActivation(z, b, lossAsActivation, a));
    for (const m of [x, z, a, dA, dZ, dX, W, dW, b, db]) k.free(m);
  });
}
