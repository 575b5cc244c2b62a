// Reductions: column sums (∂J/∂b), the finiteness check, the losses with their gradients, and the
// regularization penalty (docs/math.md §3, §5). Loss codes match src/codes.ts.

export const SQUARED_ERROR: i32 = 0;
export const SIGMOID_CROSS_ENTROPY: i32 = 1;
export const SOFTMAX_CROSS_ENTROPY: i32 = 2;

/** out_j = Σ_i m_ij over a rows×cols matrix, four columns at a time. */
export function columnSums(m: usize, out: usize, rows: i32, cols: i32): void {
  const vecCols = cols & ~3;
  const rowBytes = <usize>cols << 2;
  let j = 0;
  for (; j < vecCols; j += 4) {
    let acc = f32x4.splat(0);
    let p = m + (<usize>j << 2);
    for (let i = 0; i < rows; i++) {
      acc = f32x4.add(acc, v128.load(p));
      p += rowBytes;
    }
    v128.store(out + (<usize>j << 2), acc);
  }
  for (; j < cols; j++) {
    let acc: f32 = 0;
    let p = m + (<usize>j << 2);
    for (let i = 0; i < rows; i++) {
      acc += load<f32>(p);
      p += rowBytes;
    }
    store<f32>(out + (<usize>j << 2), acc);
  }
}

/**
 * 1 if all n floats are finite, else 0. x·0 is 0 for every finite x and NaN for ±Infinity and NaN, so OR-ing
 * the "x·0 ≠ 0" lanes finds any non-finite value without a branch per element. (An i32 result: JS gets a small
 * integer, with nothing to box.)
 */
export function allFinite(p: usize, n: i32): i32 {
  const zero = f32x4.splat(0);
  let bad = i32x4.splat(0);
  const vecN = n & ~3;
  let i = 0;
  for (; i < vecN; i += 4) bad = v128.or(bad, f32x4.ne(f32x4.mul(v128.load(p + (<usize>i << 2)), zero), zero));
  if (v128.any_true(bad)) return 0;
  for (; i < n; i++) {
    const x = load<f32>(p + (<usize>i << 2));
    if (x * 0 != 0) return 0;
  }
  return 1;
}

// @ts-expect-error: decorator
@inline function sigmoid(z: f64): f64 {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * scale·Σℓ, writing grad = scale·∂(Σℓ)/∂pred (see core's LossKind). Accumulates in f64; the logit losses use the
 * stable forms max(z,0) − z·y + log(1 + e^−|z|) and log-sum-exp.
 */
export function loss(kind: i32, pred: usize, target: usize, grad: usize, rows: i32, cols: i32, scale: f64): f64 {
  const n = rows * cols;
  let total: f64 = 0;
  if (kind == SQUARED_ERROR) {
    const s2 = <f32>(2 * scale);
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 2;
      const d = load<f32>(pred + o) - load<f32>(target + o);
      total += <f64>d * <f64>d;
      store<f32>(grad + o, s2 * d);
    }
  } else if (kind == SIGMOID_CROSS_ENTROPY) {
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 2;
      const z = <f64>load<f32>(pred + o);
      const y = <f64>load<f32>(target + o);
      total += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
      store<f32>(grad + o, <f32>(scale * (sigmoid(z) - y)));
    }
  } else if (kind == SOFTMAX_CROSS_ENTROPY) {
    const rowBytes = <usize>cols << 2;
    for (let r = 0; r < rows; r++) {
      const zr = pred + <usize>r * rowBytes;
      const yr = target + <usize>r * rowBytes;
      const gr = grad + <usize>r * rowBytes;
      let max = -Infinity;
      for (let j = 0; j < cols; j++) max = Math.max(max, <f64>load<f32>(zr + (<usize>j << 2)));
      let se: f64 = 0;
      for (let j = 0; j < cols; j++) se += Math.exp(<f64>load<f32>(zr + (<usize>j << 2)) - max);
      const logSum = max + Math.log(se);
      for (let j = 0; j < cols; j++) {
        const o = <usize>j << 2;
        const z = <f64>load<f32>(zr + o);
        const y = <f64>load<f32>(yr + o);
        if (y != 0) total -= y * (z - logSum);
        store<f32>(gr + o, <f32>(scale * (Math.exp(z - logSum) - y)));
      }
    }
  } else {
    unreachable();
  }
  return scale * total;
}

/** grad += l1·sign(w) + l2·w; returns l1·Σ|w| + ½·l2·Σw² (sign(0) = 0). */
export function regularize(param: usize, grad: usize, n: i32, l1: f32, l2: f32): f64 {
  let penalty: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const w = load<f32>(param + o);
    penalty += <f64>l1 * Math.abs(<f64>w) + 0.5 * <f64>l2 * <f64>w * <f64>w;
    const sign: f32 = w > 0 ? 1 : w < 0 ? -1 : 0;
    store<f32>(grad + o, load<f32>(grad + o) + l1 * sign + l2 * w);
  }
  return penalty;
}
