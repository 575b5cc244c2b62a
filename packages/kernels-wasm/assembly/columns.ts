// The thread pool's column blocks (src/threads.ts): with several threads, each owns a block of a layer's units —
// columns [j0, j1) of W, b, Z, A, ∂J/∂Z and ∂J/∂W — so the cache lines a thread writes in the forward pass stay on
// its core through the backward pass. These run the family kernels on such a
// block, row by row, of matrices whose rows are `ld` floats apart. With blocks whose width is a multiple of 4 in
// rows whose length is too, every element takes the same vector or scalar path as in the one-call kernels.
import { activationBackward, biasActivation } from './activations';

/** biasActivation on columns [j0, j1) of rows×ld z and a. */
export function biasActivationCols(
  z: usize, bias: usize, a: usize, rows: i32, ld: i32, j0: i32, j1: i32, kind: i32, alpha: f32,
): void {
  const rowBytes = <usize>ld << 2;
  const off = <usize>j0 << 2;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * rowBytes + off;
    biasActivation(z + o, bias + off, a + o, 1, j1 - j0, kind, alpha);
  }
}

/** activationBackward on columns [j0, j1) (not softmax, whose rows are one unit). */
export function activationBackwardCols(
  z: usize, a: usize, dA: usize, dZ: usize, rows: i32, ld: i32, j0: i32, j1: i32, kind: i32, alpha: f32,
): void {
  const rowBytes = <usize>ld << 2;
  const off = <usize>j0 << 2;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * rowBytes + off;
    activationBackward(z + o, a + o, dA + o, dZ + o, 1, j1 - j0, kind, alpha);
  }
}
