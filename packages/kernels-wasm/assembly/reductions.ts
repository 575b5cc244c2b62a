// Reductions: column sums (∂J/∂b), plain sums (the finiteness check), the losses with their gradients, and the
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

/** Σ of n floats, accumulated in f64 lanes (NaN or ±Infinity if any value is). */
export function sum(p: usize, n: i32): f64 {
  // Four independent f64x2 accumulators: the adds overlap instead of waiting on one another.
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let s2 = f64x2.splat(0);
  let s3 = f64x2.splat(0);
  const vecN = n & ~7;
  let i = 0;
  for (; i < vecN; i += 8) {
    const o = p + (<usize>i << 2);
    const x = v128.load(o);
    const y = v128.load(o, 16);
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(x));
    s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(x, x, 2, 3, 0, 1)));
    s2 = f64x2.add(s2, f64x2.promote_low_f32x4(y));
    s3 = f64x2.add(s3, f64x2.promote_low_f32x4(i32x4.shuffle(y, y, 2, 3, 0, 1)));
  }
  const t = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; i < n; i++) s += <f64>load<f32>(p + (<usize>i << 2));
  return s;
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
