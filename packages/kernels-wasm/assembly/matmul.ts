// f32 GEMM for the three products backpropagation needs (docs/math.md §4):
//   forward   Z  = X·W      A (i,k) at i·K + k,   B (k,j) at k·N + j
//   ∂W        dW = Xᵀ·dZ    A (i,k) at k·M + i,   B (k,j) at k·N + j
//   ∂X        dX = dZ·Wᵀ    A (i,k) at i·K + k,   B (k,j) at j·K + k
// One driver handles all three through element strides. The 4×8 register-blocked micro-kernel
// `f32_gemm_4x8_wasmsimd` reads full row blocks of A and full column panels of row-major B where they lie; what it
// cannot read in place is packed into zero-padded panels (so remainders need no second kernel): the last < 4 rows
// of A, the last < 8 columns of B, and B when it is stored transposed. K is split into blocks of at most KC so a
// B panel stays in L1 while every row block of A passes over it.
import { madd } from './simd';

const MR: i32 = 4;
const NR: i32 = 8;
/** Depth of one packed block: an A panel (4×KC) and a B panel (KC×8) stay in L1. */
const KC: i32 = 256;
/** Rows of A worked on together (an MC×KC block of A stays in L2 while the B panels pass). */
const MC: i32 = 128;
/** Columns of B handled together (a transposed B is packed KC×NC at a time). */
const NC: i32 = 512;

/** Bytes of scratch the driver needs: one packed A panel, packed B, and 32 bytes for partial-tile stores. */
export const GEMM_SCRATCH_BYTES: i32 = (MR * KC + KC * NC) * 4 + 64;

let packedA: usize = 0;
let packedB: usize = 0;
let tileTmp: usize = 0;

/** Tells the kernels where their scratch lives (GEMM_SCRATCH_BYTES, 16-byte aligned). Called once at load. */
export function setScratch(ptr: usize): void {
  packedA = ptr;
  packedB = ptr + <usize>(MR * KC * 4);
  tileTmp = packedB + <usize>(KC * NC * 4);
}

export function gemmScratchBytes(): i32 {
  return GEMM_SCRATCH_BYTES;
}

/** Packs rows [i0, i0+mc) × depth [p0, p0+kc) of A into 4-row panels laid out [panel][k][4], zero-padded. */
function packA(a: usize, rowStride: i32, depthStride: i32, i0: i32, mc: i32, p0: i32, kc: i32): void {
  let dst = packedA;
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = min(MR, mc - ip);
    if (rows == MR && depthStride == 1) {
      // Rows contiguous along k (the X·W and dZ·Wᵀ forms): four sequential streams.
      let r0 = a + (<usize>((i0 + ip) * rowStride + p0) << 2);
      const rs = <usize>rowStride << 2;
      for (let k = 0; k < kc; k++) {
        store<f32>(dst, load<f32>(r0));
        store<f32>(dst, load<f32>(r0 + rs), 4);
        store<f32>(dst, load<f32>(r0 + 2 * rs), 8);
        store<f32>(dst, load<f32>(r0 + 3 * rs), 12);
        r0 += 4;
        dst += 16;
      }
    } else if (rows == MR && rowStride == 1) {
      // Columns of a row-major matrix (the Xᵀ·dZ form): four adjacent floats per k, one vector load.
      let src = a + (<usize>(p0 * depthStride + i0 + ip) << 2);
      const ds = <usize>depthStride << 2;
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(src));
        src += ds;
        dst += 16;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let r = 0; r < MR; r++) {
          const v: f32 = r < rows ? load<f32>(a + (<usize>((i0 + ip + r) * rowStride + (p0 + k) * depthStride) << 2)) : 0;
          store<f32>(dst + (<usize>r << 2), v);
        }
        dst += 16;
      }
    }
  }
}

/** Packs depth [p0, p0+kc) × columns [j0, j0+nc) of B into 8-column panels laid out [panel][k][8], zero-padded. */
function packB(b: usize, depthStride: i32, colStride: i32, p0: i32, kc: i32, j0: i32, nc: i32): void {
  let dst = packedB;
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = min(NR, nc - jp);
    if (cols == NR && colStride == 1) {
      let src = b + (<usize>(p0 * depthStride + j0 + jp) << 2);
      const ds = <usize>depthStride << 2;
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += ds;
        dst += 32;
      }
    } else if (colStride == 1) {
      for (let k = 0; k < kc; k++) {
        const src = b + (<usize>((p0 + k) * depthStride + j0 + jp) << 2);
        for (let c = 0; c < NR; c++) store<f32>(dst + (<usize>c << 2), c < cols ? load<f32>(src + (<usize>c << 2)) : 0);
        dst += 32;
      }
    } else {
      // B stored transposed (W read as Wᵀ): each panel column is a contiguous run along k.
      for (let c = 0; c < NR; c++) {
        let out = dst + (<usize>c << 2);
        if (c < cols) {
          let src = b + (<usize>((j0 + jp + c) * colStride + p0 * depthStride) << 2);
          const ds = <usize>depthStride << 2;
          for (let k = 0; k < kc; k++) {
            store<f32>(out, load<f32>(src));
            src += ds;
            out += 32;
          }
        } else {
          for (let k = 0; k < kc; k++) {
            store<f32>(out, 0);
            out += 32;
          }
        }
      }
      dst += <usize>(kc * 32);
    }
  }
}

/** Stores one row of a tile: 8 columns (fast path) or the first `n`, adding to C when `accumulate`. */
// @ts-expect-error: decorator
@inline function storeRow(c: usize, lo: v128, hi: v128, n: i32, accumulate: bool): void {
  if (n == NR) {
    if (accumulate) {
      lo = f32x4.add(lo, v128.load(c));
      hi = f32x4.add(hi, v128.load(c, 16));
    }
    v128.store(c, lo);
    v128.store(c, hi, 16);
    return;
  }
  v128.store(tileTmp, lo);
  v128.store(tileTmp, hi, 16);
  for (let j = 0; j < n; j++) {
    const p = c + (<usize>j << 2);
    const v = load<f32>(tileTmp + (<usize>j << 2));
    store<f32>(p, accumulate ? load<f32>(p) + v : v);
  }
}

/**
 * The micro-kernel: a 4×8 tile of C, kc deep. Eight f32x4 accumulators stay in registers; per k it loads two B
 * vectors and splats four A values. A's four rows start `aRow` bytes apart and step `aDepth` bytes per k (a packed
 * panel: 4 and 16; X·W read in place: K·4 and 4; Xᵀ in place: 4 and M·4); B's 8 columns are contiguous and step
 * `bDepth` bytes per k (a packed panel: 32; W read in place: N·4). Stores the first m rows and n columns.
 */
function f32_gemm_4x8_wasmsimd(
  a: usize, aRow: usize, aDepth: usize,
  bp: usize, bDepth: usize, kc: i32,
  c: usize, ldc: usize, m: i32, n: i32, accumulate: bool,
): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  let a0 = a;
  let a1 = a + aRow;
  let a2 = a + 2 * aRow;
  let a3 = a + 3 * aRow;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const x0 = v128.load32_splat(a0);
    c00 = madd(x0, b0, c00);
    c01 = madd(x0, b1, c01);
    const x1 = v128.load32_splat(a1);
    c10 = madd(x1, b0, c10);
    c11 = madd(x1, b1, c11);
    const x2 = v128.load32_splat(a2);
    c20 = madd(x2, b0, c20);
    c21 = madd(x2, b1, c21);
    const x3 = v128.load32_splat(a3);
    c30 = madd(x3, b0, c30);
    c31 = madd(x3, b1, c31);
    a0 += aDepth;
    a1 += aDepth;
    a2 += aDepth;
    a3 += aDepth;
    bp += bDepth;
  }
  storeRow(c, c00, c01, n, accumulate);
  if (m > 1) storeRow(c + ldc, c10, c11, n, accumulate);
  if (m > 2) storeRow(c + 2 * ldc, c20, c21, n, accumulate);
  if (m > 3) storeRow(c + 3 * ldc, c30, c31, n, accumulate);
}

/**
 * C (M×N, row-major) = Σ_k A(i,k)·B(k,j), with A and B addressed through element strides.
 * Full 4-row blocks of A and full 8-column panels of row-major B are read in place; only what the micro-kernel
 * cannot read directly is packed (zero-padded): the last < 4 rows of A, the last < 8 columns of B, and all of B
 * when it is stored transposed (∂Z·Wᵀ). C's rows are `ldcElems` floats apart.
 *
 * Each C(i,j) is summed in the same order whatever block of C a call covers: K is split into blocks that depend on
 * K alone, and within a block the micro-kernel's k loop runs in order. So a product split across threads by blocks
 * of rows or columns of C (see `gemmStrided`) gives bit-identical results for any split.
 */
function gemm(
  a: usize, aRow: i32, aDepth: i32,
  b: usize, bDepth: i32, bCol: i32,
  c: usize, ldcElems: i32, M: i32, K: i32, N: i32,
): void {
  if (M == 0 || N == 0) return;
  const ldc = <usize>ldcElems << 2;
  if (K == 0) {
    for (let i = 0; i < M; i++) memory.fill(c + <usize>i * ldc, 0, <usize>N << 2);
    return;
  }
  // Row-major B is read in place while its rows are at most 1 KiB apart; past that, the rows of one panel fall
  // into the same few L1 sets and evict each other (1024³: 57% of peak in place, 89% packed), so it is packed.
  const bInPlace = bCol == 1 && bDepth <= 256;
  const fullRows = M & ~(MR - 1);
  // Split K into equal blocks of at most KC (784 → 4×196, not 3×256 + 16).
  const kBlocks = (K + KC - 1) / KC;
  const kBlock = (K + kBlocks - 1) / kBlocks;
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = min(NC, N - j0);
    const fullCols = bInPlace ? nc & ~(NR - 1) : 0;
    for (let p0 = 0; p0 < K; p0 += kBlock) {
      const kc = min(kBlock, K - p0);
      const accumulate = p0 > 0;
      // What must be packed: B's trailing partial panel, or all of B if transposed.
      if (fullCols < nc) packB(b, bDepth, bCol, p0, kc, j0 + fullCols, nc - fullCols);
      if (fullRows < M) packA(a, aRow, aDepth, fullRows, M - fullRows, p0, kc);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = min(MC, M - i0);
        for (let jp = 0; jp < nc; jp += NR) {
          const n = min(NR, nc - jp);
          let bp: usize;
          let bStep: usize;
          if (jp < fullCols) {
            bp = b + (<usize>(p0 * bDepth + j0 + jp) << 2);
            bStep = <usize>bDepth << 2;
          } else {
            bp = packedB + <usize>((jp - fullCols) * kc * 4);
            bStep = 32;
          }
          const cCol = c + (<usize>(j0 + jp) << 2);
          for (let ip = i0; ip < i0 + mc; ip += MR) {
            if (ip < fullRows) {
              f32_gemm_4x8_wasmsimd(
                a + (<usize>(ip * aRow + p0 * aDepth) << 2), <usize>aRow << 2, <usize>aDepth << 2,
                bp, bStep, kc,
                cCol + <usize>ip * ldc, ldc, MR, n, accumulate,
              );
            } else {
              f32_gemm_4x8_wasmsimd(
                packedA, 4, 16,
                bp, bStep, kc,
                cCol + <usize>ip * ldc, ldc, M - ip, n, accumulate,
              );
            }
          }
        }
      }
    }
  }
}

/** out (M×N) = a (M×K) · b (K×N): the forward product Z = X·W. */
export function matmul(a: usize, b: usize, out: usize, M: i32, K: i32, N: i32): void {
  gemm(a, K, 1, b, N, 1, out, N, M, K, N);
}

/** out (M×N) = aᵀ · b with a K×M and b K×N: ∂J/∂W = Xᵀ·∂J/∂Z. */
export function matmulTransA(a: usize, b: usize, out: usize, M: i32, K: i32, N: i32): void {
  gemm(a, 1, M, b, N, 1, out, N, M, K, N);
}

/** out (M×N) = a · bᵀ with a M×K and b N×K: ∂J/∂X = ∂J/∂Z·Wᵀ. */
export function matmulTransB(a: usize, b: usize, out: usize, M: i32, K: i32, N: i32): void {
  gemm(a, K, 1, b, 1, K, out, N, M, K, N);
}

/**
 * The driver with every stride explicit, for the thread pool: C (M×N, rows `ldc` floats apart) = A·B, where A(i,k)
 * is at a + (i·aRow + k·aDepth)·4 and B(k,j) at b + (k·bDepth + j·bCol)·4. A block of rows or columns of any of
 * the three forms above is one call: offset the pointers and keep the strides.
 */
export function gemmStrided(
  a: usize, aRow: i32, aDepth: i32,
  b: usize, bDepth: i32, bCol: i32,
  c: usize, ldc: i32, M: i32, K: i32, N: i32,
): void {
  gemm(a, aRow, aDepth, b, bDepth, bCol, c, ldc, M, K, N);
}
