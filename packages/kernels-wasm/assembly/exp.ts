// e^x four lanes at a time, for the activations (σ, tanh, softmax): Cephes' expf — x = n·ln 2 + r with
// |r| ≤ ln2/2, a degree-6 polynomial for e^r, and 2^n built in the exponent bits. About 1 ulp over the clamped
// range [−87.3, 88]; below it the result is the smallest normal float (≈ 1.2e−38) instead of 0, above it e^88.

// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  // pmin/pmax are one instruction each on x64 (min/max carry NaN rules that cost several) and still pass NaN on.
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.33654)), f32x4.splat(88.0));
  // n = round(x·log2 e) by the 1.5·2²³ trick: the sum's low mantissa bits hold n as an integer.
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), f32x4.splat(12582912.0));
  const n = f32x4.sub(t, f32x4.splat(12582912.0));
  // r = x − n·ln 2, with ln 2 split in two so the product stays exact.
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  const r2 = f32x4.mul(r, r);
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1));
  // 2ⁿ: (n + 127) in the exponent field; n is the integer in t's bits above 0x4B400000.
  const pow2 = i32x4.shl(i32x4.add(i32x4.sub(t, i32x4.splat(0x4b400000)), i32x4.splat(127)), 23);
  return f32x4.mul(p, pow2);
}

/** σ(z) for four lanes, from e = e^−|z| so nothing overflows: 1/(1 + e) for z ≥ 0, e/(1 + e) below. */
// @ts-ignore: decorator
@inline export function sigmoid4(z: v128): v128 {
  const e = exp4(f32x4.neg(f32x4.abs(z)));
  const r = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
  return v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(z, f32x4.splat(0)));
}

/**
 * tanh(z) for four lanes: Cephes' odd polynomial for |z| < 0.625 (where 1 − e^−2|z| would cancel), and
 * (1 − e)/(1 + e) with e = e^−2|z| above, with z's sign.
 */
// @ts-ignore: decorator
@inline export function tanh4(z: v128): v128 {
  const az = f32x4.abs(z);
  const e = exp4(f32x4.mul(az, f32x4.splat(-2)));
  const big = f32x4.div(f32x4.sub(f32x4.splat(1), e), f32x4.add(f32x4.splat(1), e));
  const z2 = f32x4.mul(z, z);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z2), z), z);
  // Put z's sign on the large branch: copy the sign bit.
  const signBit = v128.and(z, i32x4.splat(0x80000000));
  const signedBig = v128.or(big, signBit);
  return v128.bitselect(small, signedBig, f32x4.lt(az, f32x4.splat(0.625)));
}
