import { activationNames, activationTable, type ResolvedActivation } from '../activations.js';
import type { Kernels } from '../kernels.js';
import type { Matrix } from '../matrix.js';

// What every family of conformance cases shares: the case type, the swept shapes, buffers filled by a rule, and
// comparison against float64 references.

/** One conformance check: `run` throws an Error describing the first mismatch. */
export interface ConformanceCase {
  readonly name: string;
  /** Runs the check; throws an Error describing the first mismatch. */
  run(): void;
}

/** Shapes (M, K, N) every matmul form is checked at: 1×1, primes, empty edges, below/at/above tiles. */
export const MATMUL_SHAPES: readonly (readonly [number, number, number])[] = [
  [1, 1, 1],
  [0, 3, 4],
  [3, 0, 4],
  [3, 4, 0],
  [2, 3, 5],
  [7, 11, 13],
  [1, 17, 1],
  [17, 1, 19],
  [3, 4, 7],
  [4, 4, 4],
  [4, 8, 8],
  [5, 9, 9],
  [8, 8, 16],
  [15, 16, 17],
  [16, 16, 16],
  [17, 33, 31],
  [31, 37, 29],
  [32, 32, 32],
  [33, 65, 47],
  [63, 64, 65],
  [64, 64, 64],
  [10, 2, 8],
  [64, 128, 10],
  [97, 129, 67],
  [128, 257, 130],
  [64, 784, 128],
  // Past every blocking boundary of a cache-blocked kernel: N over one and two 512-column blocks, K over
  // several 256-deep blocks (and split unevenly), M over a 128-row block and not a multiple of 4.
  [5, 257, 1100],
  [3, 784, 1025],
  [9, 1030, 513],
  [131, 257, 20],
  [129, 8, 520],
  [6, 300, 1037],
];

/**
 * Every activation in the table; those with a parameter at a value other than its default, so a kernel that
 * ignores alpha fails.
 */
export const ACTIVATIONS: readonly ResolvedActivation[] = activationNames.map((name) => {
  const param = activationTable[name].alpha;
  return { name, alpha: param ? 0.7 * param.default + 0.03 : 0 };
});

/** Row-major (rows, cols) pairs for elementwise ops: vector widths below, at and above 4 and 8 lanes. */
export const ELEMENTWISE_SHAPES: readonly (readonly [number, number])[] = [
  [1, 1],
  [0, 5],
  [1, 3],
  [2, 4],
  [3, 5],
  [4, 8],
  [5, 9],
  [7, 16],
  [10, 17],
  [33, 10],
  [64, 128],
];

class Mismatch extends Error {}

export function fail(message: string): never {
  throw new Mismatch(message);
}

export function alloc(k: Kernels, rows: number, cols: number, fill: (i: number) => number): Matrix {
  const m = k.alloc(rows, cols);
  if (m.rows !== rows || m.cols !== cols || m.data.length !== rows * cols) {
    fail(`alloc(${rows}, ${cols}) returned ${m.rows}×${m.cols} with ${m.data.length} elements`);
  }
  for (let i = 0; i < m.data.length; i++) m.data[i] = fill(i);
  return m;
}

/** A 1×n matrix: hold it and read `.data` at each use, as kernel memory may grow between allocations. */
export function vector(k: Kernels, n: number, fill: (i: number) => number): Matrix {
  return alloc(k, 1, n, fill);
}

/** Compares float32 results to float64 references elementwise within atol + rtol·|ref| (or a given bound). */
export function expectClose(
  what: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: (i: number) => number,
): void {
  if (got.length !== want.length) fail(`${what}: length ${got.length}, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i] as number;
    const w = want[i] as number;
    const ok = Number.isFinite(w) ? Math.abs(g - w) <= tol(i) : g === w;
    if (!ok) fail(`${what}: element ${i} is ${g}, expected ${w} (tolerance ${tol(i)})`);
  }
}

export const F32 = 2 ** -23;

export function relTol(want: ArrayLike<number>, rtol: number, atol: number): (i: number) => number {
  return (i) => atol + rtol * Math.abs(want[i] as number);
}

/** Registers a case under the kernels' name. */
export type AddCase = (name: string, run: () => void) => void;
