// Bias add fused with each activation's forward, and each activation's derivative fused with the product by the
// upstream gradient (docs/math.md §2, §4). The codes come from core's activationTable (assembly/codes.ts, generated
// by scripts/gen-codes.mjs): a case naming a code the table lacks does not compile, and a table entry without a
// case here reaches `default: unreachable()` — a trap the conformance suite reports as a failing test.

import { ELU, LEAKY_RELU, LINEAR, RELU, SIGMOID, SILU, SOFTMAX, SOFTPLUS, TANH } from './codes';
import { exp4, expm1_4, log1p4, sigmoid4, tanh4 } from './exp';

// @ts-expect-error: decorator
@inline function sigmoid(z: f32): f32 {
  // Split on the sign so exp never overflows.
  if (z >= 0) return 1 / (1 + Mathf.exp(-z));
  const e = Mathf.exp(z);
  return e / (1 + e);
}

// @ts-expect-error: decorator
@inline function silu(z: f32): f32 {
  return z * sigmoid(z);
}

// @ts-expect-error: decorator
@inline function softplus(z: f32): f32 {
  // max(z, 0) + log(1 + e^−|z|): finite for every z, and NaN stays NaN.
  return Mathf.max(z, 0) + Mathf.log1p(Mathf.exp(-Mathf.abs(z)));
}

/** SiLU′ = σ(z)(1 + z(1 − σ(z))), with σ and 1 − σ = σ(−z) each from e = e^−|z|, so neither cancels. */
// @ts-expect-error: decorator
@inline function siluDerivative(z: f32): f32 {
  const e = Mathf.exp(-Mathf.abs(z));
  const r: f32 = 1 / (1 + e);
  const s = z >= 0 ? r : e * r;
  const c = z >= 0 ? e * r : r;
  return s * (1 + z * c);
}

/** SiLU′ for four lanes, as siluDerivative. */
// @ts-expect-error: decorator
@inline function siluDerivative4(z: v128): v128 {
  const e = exp4(f32x4.neg(f32x4.abs(z)));
  const r = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
  const er = f32x4.mul(e, r);
  const pos = f32x4.ge(z, f32x4.splat(0));
  const s = v128.bitselect(r, er, pos);
  const c = v128.bitselect(er, r, pos);
  return f32x4.mul(s, f32x4.add(f32x4.splat(1), f32x4.mul(z, c)));
}

/** Softmax of one row of n, stable: subtract the row max before exp (four lanes at a time, sum in f64). */
function softmaxRow(z: usize, a: usize, n: i32): void {
  let max = -Infinity as f32;
  for (let j = 0; j < n; j++) max = Mathf.max(max, load<f32>(z + (<usize>j << 2)));
  const vmax = f32x4.splat(max);
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  const vecN = n & ~3;
  let j = 0;
  for (; j < vecN; j += 4) {
    const o = <usize>j << 2;
    const e = exp4(f32x4.sub(v128.load(z + o), vmax));
    v128.store(a + o, e);
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(e));
    s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(e, e, 2, 3, 0, 1)));
  }
  const t = f64x2.add(s0, s1);
  let sum: f64 = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; j < n; j++) {
    const e = Mathf.exp(load<f32>(z + (<usize>j << 2)) - max);
    store<f32>(a + (<usize>j << 2), e);
    sum += e;
  }
  const inv = <f32>(1 / sum);
  for (let j = 0; j < n; j++) store<f32>(a + (<usize>j << 2), load<f32>(a + (<usize>j << 2)) * inv);
}

/** z ← z + b (b broadcast over the rows), then a = φ(z). z and a are rows×cols; b has cols. */
export function biasActivation(z: usize, bias: usize, a: usize, rows: i32, cols: i32, kind: i32, alpha: f32): void {
  const rowBytes = <usize>cols << 2;
  const vecCols = cols & ~3;
  for (let i = 0; i < rows; i++) {
    const zr = z + <usize>i * rowBytes;
    let j = 0;
    for (; j < vecCols; j += 4) {
      const o = <usize>j << 2;
      v128.store(zr + o, f32x4.add(v128.load(zr + o), v128.load(bias + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(zr + o, load<f32>(zr + o) + load<f32>(bias + o));
    }
  }
  const n = rows * cols;
  const vecN = n & ~3;
  switch (kind) {
    case LINEAR: {
      memory.copy(a, z, <usize>n << 2);
      break;
    }
    case RELU: {
      const zero = f32x4.splat(0);
      let i = 0;
      // pmax(z, 0) = z < 0 ? 0 : z: one instruction, and NaN passes through to be caught.
      for (; i < vecN; i += 4) v128.store(a + (<usize>i << 2), f32x4.pmax(v128.load(z + (<usize>i << 2)), zero));
      for (; i < n; i++) store<f32>(a + (<usize>i << 2), Mathf.max(load<f32>(z + (<usize>i << 2)), 0));
      break;
    }
    case LEAKY_RELU: {
      const zero = f32x4.splat(0);
      const slope = f32x4.splat(alpha);
      let i = 0;
      for (; i < vecN; i += 4) {
        const v = v128.load(z + (<usize>i << 2));
        v128.store(a + (<usize>i << 2), v128.bitselect(v, f32x4.mul(v, slope), f32x4.gt(v, zero)));
      }
      for (; i < n; i++) {
        const v = load<f32>(z + (<usize>i << 2));
        store<f32>(a + (<usize>i << 2), v > 0 ? v : alpha * v);
      }
      break;
    }
    case SIGMOID: {
      let i = 0;
      for (; i < vecN; i += 4) v128.store(a + (<usize>i << 2), sigmoid4(v128.load(z + (<usize>i << 2))));
      for (; i < n; i++) store<f32>(a + (<usize>i << 2), sigmoid(load<f32>(z + (<usize>i << 2))));
      break;
    }
    case TANH: {
      let i = 0;
      for (; i < vecN; i += 4) v128.store(a + (<usize>i << 2), tanh4(v128.load(z + (<usize>i << 2))));
      for (; i < n; i++) store<f32>(a + (<usize>i << 2), Mathf.tanh(load<f32>(z + (<usize>i << 2))));
      break;
    }
    case ELU: {
      // z for z > 0, α(e^z − 1) below (e^z − 1 without cancellation: expm1_4).
      const zero = f32x4.splat(0);
      const va = f32x4.splat(alpha);
      let i = 0;
      for (; i < vecN; i += 4) {
        const v = v128.load(z + (<usize>i << 2));
        v128.store(a + (<usize>i << 2), v128.bitselect(v, f32x4.mul(va, expm1_4(v)), f32x4.gt(v, zero)));
      }
      for (; i < n; i++) {
        const v = load<f32>(z + (<usize>i << 2));
        store<f32>(a + (<usize>i << 2), v > 0 ? v : alpha * Mathf.expm1(v));
      }
      break;
    }
    case SOFTPLUS: {
      // max(z, 0) + log(1 + e^−|z|): e^−|z| ≤ 1 never overflows; pmax passes NaN on.
      const zero = f32x4.splat(0);
      let i = 0;
      for (; i < vecN; i += 4) {
        const v = v128.load(z + (<usize>i << 2));
        const e = exp4(f32x4.neg(f32x4.abs(v)));
        v128.store(a + (<usize>i << 2), f32x4.add(f32x4.pmax(v, zero), log1p4(e)));
      }
      for (; i < n; i++) store<f32>(a + (<usize>i << 2), softplus(load<f32>(z + (<usize>i << 2))));
      break;
    }
    case SILU: {
      let i = 0;
      for (; i < vecN; i += 4) {
        const v = v128.load(z + (<usize>i << 2));
        v128.store(a + (<usize>i << 2), f32x4.mul(v, sigmoid4(v)));
      }
      for (; i < n; i++) store<f32>(a + (<usize>i << 2), silu(load<f32>(z + (<usize>i << 2))));
      break;
    }
    case SOFTMAX: {
      for (let i = 0; i < rows; i++) softmaxRow(z + <usize>i * rowBytes, a + <usize>i * rowBytes, cols);
      break;
    }
    default:
      unreachable();
  }
}

/**
 * dZ = dA ⊙ φ'(·): σ' = a(1 − a), tanh' = 1 − a², ReLU' = [z > 0], leaky ReLU' = 1 or α, ELU' = 1 or a + α,
 * softplus' = σ(z), SiLU' = σ(z)(1 + z(1 − σ(z))); softmax per row dZ_j = a_j (dA_j − Σ_k a_k dA_k). dZ may alias
 * dA.
 */
export function activationBackward(z: usize, a: usize, dA: usize, dZ: usize, rows: i32, cols: i32, kind: i32, alpha: f32): void {
  const n = rows * cols;
  const vecN = n & ~3;
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  let i = 0;
  switch (kind) {
    case LINEAR: {
      if (dZ != dA) memory.copy(dZ, dA, <usize>n << 2);
      break;
    }
    case SIGMOID: {
      for (; i < vecN; i += 4) {
        const o = <usize>i << 2;
        const av = v128.load(a + o);
        v128.store(dZ + o, f32x4.mul(v128.load(dA + o), f32x4.mul(av, f32x4.sub(one, av))));
      }
      for (; i < n; i++) {
        const o = <usize>i << 2;
        const av = load<f32>(a + o);
        store<f32>(dZ + o, load<f32>(dA + o) * (av * (1 - av)));
      }
      break;
    }
    case TANH: {
      for (; i < vecN; i += 4) {
        const o = <usize>i << 2;
        const av = v128.load(a + o);
        v128.store(dZ + o, f32x4.mul(v128.load(dA + o), f32x4.sub(one, f32x4.mul(av, av))));
      }
      for (; i < n; i++) {
        const o = <usize>i << 2;
        const av = load<f32>(a + o);
        store<f32>(dZ + o, load<f32>(dA + o) * (1 - av * av));
      }
      break;
    }
    case RELU: {
      for (; i < vecN; i += 4) {
        const o = <usize>i << 2;
        v128.store(dZ + o, v128.and(v128.load(dA + o), f32x4.gt(v128.load(z + o), zero)));
      }
      for (; i < n; i++) {
        const o = <usize>i << 2;
        store<f32>(dZ + o, load<f32>(z + o) > 0 ? load<f32>(dA + o) : 0);
      }
      break;
    }
    case LEAKY_RELU: {
      const slope = f32x4.splat(alpha);
      for (; i < vecN; i += 4) {
        const o = <usize>i << 2;
        const g = v128.load(dA + o);
        v128.store(dZ + o, v128.bitselect(g, f32x4.mul(g, slope), f32x4.gt(v128.load(z + o), zero)));
      }
      for (; i < n; i++) {
        const o = <usize>i << 2;
        const g = load<f32>(dA + o);
        store<f32>(dZ + o, load<f32>(z + o) > 0 ? g : alpha * g);
      }
      break;
    }
    case ELU: {
      // 1 for z > 0; α·e^z = a + α below (from a, as in core's table).
      const va = f32x4.splat(alpha);
      for (; i < vecN; i += 4) {
        const o = <usize>i << 2;
        const g = v128.load(dA + o);
        const below = f32x4.mul(g, f32x4.add(v128.load(a + o), va));
        v128.store(dZ + o, v128.bitselect(g, below, f32x4.gt(v128.load(z + o), zero)));
      }
      for (; i < n; i++) {
        const o = <usize>i << 2;
        const g = load<f32>(dA + o);
        store<f32>(dZ + o, load<f32>(z + o) > 0 ? g : g * (load<f32>(a + o) + alpha));
      }
      break;
    }
    case SOFTPLUS: {
      for (; i < vecN; i += 4) {
        const o = <usize>i << 2;
        v128.store(dZ + o, f32x4.mul(v128.load(dA + o), sigmoid4(v128.load(z + o))));
      }
      for (; i < n; i++) {
        const o = <usize>i << 2;
        store<f32>(dZ + o, load<f32>(dA + o) * sigmoid(load<f32>(z + o)));
      }
      break;
    }
    case SILU: {
      for (; i < vecN; i += 4) {
        const o = <usize>i << 2;
        v128.store(dZ + o, f32x4.mul(v128.load(dA + o), siluDerivative4(v128.load(z + o))));
      }
      for (; i < n; i++) {
        const o = <usize>i << 2;
        store<f32>(dZ + o, load<f32>(dA + o) * siluDerivative(load<f32>(z + o)));
      }
      break;
    }
    case SOFTMAX: {
      const rowBytes = <usize>cols << 2;
      for (let r = 0; r < rows; r++) {
        const ar = a + <usize>r * rowBytes;
        const gr = dA + <usize>r * rowBytes;
        const dr = dZ + <usize>r * rowBytes;
        let dot: f64 = 0;
        for (let j = 0; j < cols; j++) dot += <f64>load<f32>(ar + (<usize>j << 2)) * <f64>load<f32>(gr + (<usize>j << 2));
        for (let j = 0; j < cols; j++) {
          const o = <usize>j << 2;
          store<f32>(dr + o, <f32>(<f64>load<f32>(ar + o) * (<f64>load<f32>(gr + o) - dot)));
        }
      }
      break;
    }
    default:
      unreachable();
  }
}
