import type { Kernels } from '../kernels.js';
import type { Matrix } from '../matrix.js';
import { Rng } from '../rng.js';
import { ACTIVATIONS, type AddCase, alloc, expectClose, vector } from './conformance-support.js';

/** The fused layer ops must be exactly their primitives in sequence: same inputs, bit-identical outputs. */
export function casesDense(k: Kernels, seed: number, add: AddCase): void {
  for (const act of ACTIVATIONS) {
    for (const [N, K, U] of [
      [1, 1, 1],
      [10, 2, 8],
      [7, 13, 5],
      [33, 17, 9],
      [64, 40, 10],
    ] as const) {
      add(`denseForward/denseBackward ${act.name} ${N}×${K}→${U}`, () => {
        const rng = new Rng(seed + N * 13 + K * 7 + U);
        const x = alloc(k, N, K, () => rng.uniform(-2, 2));
        const W = alloc(k, K, U, () => rng.uniform(-1, 1));
        const b = vector(k, U, () => rng.uniform(-0.5, 0.5));
        const dA = alloc(k, N, U, () => rng.uniform(-1, 1));
        const [z1, a1, z2, a2] = [0, 1, 2, 3].map(() => alloc(k, N, U, () => Number.NaN)) as [
          Matrix,
          Matrix,
          Matrix,
          Matrix,
        ];
        k.matmul(x, W, z1);
        k.biasActivation(z1, b, act, a1);
        k.denseForward(x, W, b, act, z2, a2);
        expectClose(`denseForward ${act.name} z`, z2.data, z1.data, () => 0);
        expectClose(`denseForward ${act.name} a`, a2.data, a1.data, () => 0);
        for (const dZReady of [false, true]) {
          const [dZ1, dZ2] = [0, 1].map(() =>
            alloc(k, N, U, (i) => (dZReady ? (dA.data[i] as number) : Number.NaN)),
          ) as [Matrix, Matrix];
          const [dW1, dW2] = [0, 1].map(() => alloc(k, K, U, () => Number.NaN)) as [Matrix, Matrix];
          const [db1, db2] = [0, 1].map(() => vector(k, U, () => Number.NaN)) as [Matrix, Matrix];
          const [dX1, dX2] = [0, 1].map(() => alloc(k, N, K, () => Number.NaN)) as [Matrix, Matrix];
          if (!dZReady) k.activationBackward(act, z1, a1, dA, dZ1);
          k.matmulTransA(x, dZ1, dW1);
          k.columnSums(dZ1, db1);
          k.matmulTransB(dZ1, W, dX1);
          k.denseBackward(act, x, W, z1, a1, dA, dZ2, dW2, db2, dX2, dZReady);
          const what = `denseBackward ${act.name}${dZReady ? ' (dZ ready)' : ''}`;
          expectClose(`${what} dZ`, dZ2.data, dZ1.data, () => 0);
          expectClose(`${what} dW`, dW2.data, dW1.data, () => 0);
          expectClose(`${what} db`, db2.data, db1.data, () => 0);
          expectClose(`${what} dX`, dX2.data, dX1.data, () => 0);
          // Without dX the parameter gradients are the same.
          k.denseBackward(act, x, W, z1, a1, dA, dZ2, dW2, db2, null, dZReady);
          expectClose(`${what} dW without dX`, dW2.data, dW1.data, () => 0);
        }
      });
    }
  }
}
