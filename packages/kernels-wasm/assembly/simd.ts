// The one place the two builds differ: a multiply-add, fused where relaxed SIMD is enabled (the relaxed build),
// a separate multiply and add otherwise (the plain-SIMD build). ASC_FEATURE_RELAXED_SIMD is a compile-time
// constant, so each build contains only its own branch.

/** acc + a·b, four lanes at a time. */
// @ts-expect-error: decorator
@inline export function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(f32x4.mul(a, b), acc);
}
