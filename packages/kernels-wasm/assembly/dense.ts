// A dense layer's forward and backward pass, each in one call (docs/math.md §2, §4): exactly the family kernels
// in sequence, so a small network pays for one JS→WebAssembly transition per layer and direction, not four.
import { activationBackward, biasActivation } from './activations';
import { matmul, matmulTransA, matmulTransB } from './matmul';
import { columnSums } from './reductions';

/** Z = X·W + b, A = φ(Z); X is N×K, W is K×U. */
export function denseForward(x: usize, w: usize, b: usize, z: usize, a: usize, N: i32, K: i32, U: i32, kind: i32, alpha: f32): void {
  matmul(x, w, z, N, K, U);
  biasActivation(z, b, a, N, U, kind, alpha);
}

/** Unless dZReady, dZ = dA ⊙ φ′; then dW = Xᵀ·dZ, db = Σ rows dZ, and dX = dZ·Wᵀ when wantDX. */
export function denseBackward(
  x: usize, w: usize, z: usize, a: usize, dA: usize, dZ: usize, dW: usize, db: usize, dX: usize,
  N: i32, K: i32, U: i32, kind: i32, alpha: f32, dZReady: bool, wantDX: bool,
): void {
  if (!dZReady) activationBackward(z, a, dA, dZ, N, U, kind, alpha);
  matmulTransA(x, dZ, dW, K, N, U);
  columnSums(dZ, db, N, U, U);
  if (wantDX) matmulTransB(dZ, w, dX, N, U, K);
}
