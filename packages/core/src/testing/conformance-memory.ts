import type { Kernels } from '../kernels.js';
import { Rng } from '../rng.js';
import { type AddCase, alloc, expectClose, F32, fail, vector } from './conformance-support.js';
import { refMatmul } from './reference.js';

/** Memory: zero-filled allocation, and handles that stay right when memory grows. */
export function casesMemory(k: Kernels, seed: number, add: AddCase): void {
  add('alloc gives zero-filled buffers of the asked shape', () => {
    for (const [r, c] of [
      [0, 0],
      [1, 1],
      [3, 7],
      [64, 129],
    ] as const) {
      const m = k.alloc(r, c);
      if (m.rows !== r || m.cols !== c || m.data.length !== r * c)
        fail(`alloc(${r}, ${c}) gave ${m.rows}×${m.cols}`);
      if (m.data.some((x) => x !== 0)) fail(`alloc(${r}, ${c}) is not zero-filled`);
      // Memory handed back and handed out again must be zeroed again.
      m.data.fill(7);
      k.free(m);
      const again = k.alloc(r, c);
      if (again.data.some((x) => x !== 0)) fail(`alloc(${r}, ${c}) after a free is not zero-filled`);
      k.free(again);
    }
  });

  add('a handle stays right across allocations that grow memory', () => {
    // Kernels may move or re-map their memory when it grows; the handles they gave out must follow.
    const rng = new Rng(seed + 99);
    const x = alloc(k, 3, 5, () => rng.uniform(-1, 1));
    const W = alloc(k, 5, 4, () => rng.uniform(-1, 1));
    const bias = vector(k, 4, () => rng.uniform(-1, 1));
    const want = Array.from(x.data);
    const grown = Array.from({ length: 24 }, (_, i) => k.alloc(64 * (i + 1), 257));
    expectClose('x after allocations', x.data, want, () => 0);
    const z = alloc(k, 3, 4, () => Number.NaN);
    const a = alloc(k, 3, 4, () => Number.NaN);
    k.denseForward(x, W, bias, { name: 'linear', alpha: 0 }, z, a);
    const ref = refMatmul(x.data, W.data, 3, 5, 4, false, false);
    const zRef = Array.from(ref.value, (v, i) => v + (bias.data[i % 4] as number));
    expectClose(
      'denseForward after allocations',
      z.data,
      zRef,
      (i) => 1e-6 + 8 * F32 * Math.abs(zRef[i] as number),
    );
    for (const m of [...grown, x, W, bias, z, a]) k.free(m);
  });
}
