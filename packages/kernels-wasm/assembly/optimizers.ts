// Optimizer updates in place, four parameters at a time (docs/math.md §5). Each also does the divergence guard's
// work in the same pass: when `backup` is non-zero it first copies everything it changes there — the old parameter
// at backup[0, n), then each state buffer in argument order at backup[n, 2n), backup[2n, 3n) — and it returns 1 if
// every new parameter value is finite (x·0 is 0 exactly for finite x), else 0. The state copies sit `stride`
// floats after the parameter's (n for a whole buffer; a thread updating elements [i0, i1) passes the pointers
// offset by i0, n = i1 − i0 and the whole buffer's n as the stride). The vector and scalar loops do the same float
// operations, so any split of the elements gives the same bits.

const ZERO = f32x4.splat(0);

// @ts-ignore: decorator
@inline function badLanes(x: v128): v128 {
  return f32x4.ne(f32x4.mul(x, ZERO), ZERO);
}

/** w ← w − η·g */
export function sgdUpdate(param: usize, grad: usize, n: i32, lr: f32, backup: usize): i32 {
  const vlr = f32x4.splat(lr);
  const vecN = n & ~3;
  let bad = i32x4.splat(0);
  let i = 0;
  for (; i < vecN; i += 4) {
    const o = <usize>i << 2;
    const w = v128.load(param + o);
    if (backup) v128.store(backup + o, w);
    const next = f32x4.sub(w, f32x4.mul(vlr, v128.load(grad + o)));
    bad = v128.or(bad, badLanes(next));
    v128.store(param + o, next);
  }
  let ok = !v128.any_true(bad);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const w = load<f32>(param + o);
    if (backup) store<f32>(backup + o, w);
    const next = w - lr * load<f32>(grad + o);
    if (next * 0 != 0) ok = false;
    store<f32>(param + o, next);
  }
  return ok ? 1 : 0;
}

/** v ← μ·v − η·g; w ← w + v */
export function momentumUpdate(
  param: usize, grad: usize, velocity: usize, n: i32, lr: f32, mu: f32, backup: usize, stride: i32,
): i32 {
  const vlr = f32x4.splat(lr);
  const vmu = f32x4.splat(mu);
  const vecN = n & ~3;
  const oldV = backup + (<usize>stride << 2);
  let bad = i32x4.splat(0);
  let i = 0;
  for (; i < vecN; i += 4) {
    const o = <usize>i << 2;
    const w = v128.load(param + o);
    const v0 = v128.load(velocity + o);
    if (backup) {
      v128.store(backup + o, w);
      v128.store(oldV + o, v0);
    }
    const v = f32x4.sub(f32x4.mul(vmu, v0), f32x4.mul(vlr, v128.load(grad + o)));
    v128.store(velocity + o, v);
    const next = f32x4.add(w, v);
    bad = v128.or(bad, badLanes(next));
    v128.store(param + o, next);
  }
  let ok = !v128.any_true(bad);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const w = load<f32>(param + o);
    const v0 = load<f32>(velocity + o);
    if (backup) {
      store<f32>(backup + o, w);
      store<f32>(oldV + o, v0);
    }
    const v = mu * v0 - lr * load<f32>(grad + o);
    store<f32>(velocity + o, v);
    const next = w + v;
    if (next * 0 != 0) ok = false;
    store<f32>(param + o, next);
  }
  return ok ? 1 : 0;
}

/** Adam at step t: m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; w ← w − η·m̂/(√v̂ + ε). */
export function adamUpdate(
  param: usize, grad: usize, m: usize, v: usize, n: i32,
  lr: f32, beta1: f64, beta2: f64, epsilon: f32, step: i32, backup: usize, stride: i32,
): i32 {
  // Bias corrections folded into two scalars: η·m̂/(√v̂+ε) = (η/c1)·m / (√v·(1/√c2) + ε).
  const c1 = 1 - Math.pow(beta1, <f64>step);
  const c2 = 1 - Math.pow(beta2, <f64>step);
  // 1 − β in f64 before rounding: in f32, 1 − f32(0.999) is off by 1.3e-5 relative.
  const b1 = <f32>beta1;
  const b2 = <f32>beta2;
  const oneMinusB1 = <f32>(1 - beta1);
  const oneMinusB2 = <f32>(1 - beta2);
  const stepSize = <f32>(<f64>lr / c1);
  const invSqrtC2 = <f32>(1 / Math.sqrt(c2));
  const vb1 = f32x4.splat(b1);
  const vb2 = f32x4.splat(b2);
  const v1b1 = f32x4.splat(oneMinusB1);
  const v1b2 = f32x4.splat(oneMinusB2);
  const vstep = f32x4.splat(stepSize);
  const vinv = f32x4.splat(invSqrtC2);
  const veps = f32x4.splat(epsilon);
  const vecN = n & ~3;
  const oldM = backup + (<usize>stride << 2);
  const oldV = backup + (<usize>stride << 3);
  let bad = i32x4.splat(0);
  let i = 0;
  for (; i < vecN; i += 4) {
    const o = <usize>i << 2;
    const w = v128.load(param + o);
    const m0 = v128.load(m + o);
    const v0 = v128.load(v + o);
    if (backup) {
      v128.store(backup + o, w);
      v128.store(oldM + o, m0);
      v128.store(oldV + o, v0);
    }
    const g = v128.load(grad + o);
    const mi = f32x4.add(f32x4.mul(vb1, m0), f32x4.mul(v1b1, g));
    const vi = f32x4.add(f32x4.mul(vb2, v0), f32x4.mul(v1b2, f32x4.mul(g, g)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vi), vinv), veps);
    const next = f32x4.sub(w, f32x4.div(f32x4.mul(vstep, mi), denom));
    bad = v128.or(bad, badLanes(next));
    v128.store(param + o, next);
  }
  let ok = !v128.any_true(bad);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const w = load<f32>(param + o);
    const m0 = load<f32>(m + o);
    const v0 = load<f32>(v + o);
    if (backup) {
      store<f32>(backup + o, w);
      store<f32>(oldM + o, m0);
      store<f32>(oldV + o, v0);
    }
    const g = load<f32>(grad + o);
    const mi = b1 * m0 + oneMinusB1 * g;
    const vi = b2 * v0 + oneMinusB2 * (g * g); // as the vector loop groups it
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    const next = w - (stepSize * mi) / (Mathf.sqrt(vi) * invSqrtC2 + epsilon);
    if (next * 0 != 0) ok = false;
    store<f32>(param + o, next);
  }
  return ok ? 1 : 0;
}
