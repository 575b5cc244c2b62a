/**
 * Float64 references for the conformance suite: the plainest possible loops, independent of `jsKernels`,
 * so that the reference kernels are tested too.
 */

export function refMatmul(
  a: Float32Array,
  b: Float32Array,
  M: number,
  K: number,
  N: number,
  transA: boolean,
  transB: boolean,
): { value: Float64Array; magnitude: Float64Array } {
  const value = new Float64Array(M * N);
  const magnitude = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      let m = 0;
      for (let k = 0; k < K; k++) {
        const x = a[transA ? k * M + i : i * K + k] as number;
        const y = b[transB ? j * K + k : k * N + j] as number;
        s += x * y;
        m += Math.abs(x * y);
      }
      value[i * N + j] = s;
      magnitude[i * N + j] = m;
    }
  }
  return { value, magnitude };
}

/** σ(z) in float64. */
export function refSigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** An elementwise activation a = φ(z) in float64, from its definition. */
export function refActivation(name: string, z: number, alpha: number): number {
  switch (name) {
    case 'linear':
      return z;
    case 'sigmoid':
      return refSigmoid(z);
    case 'tanh':
      return Math.tanh(z);
    case 'relu':
      return Math.max(0, z);
    case 'leakyRelu':
      return z > 0 ? z : alpha * z;
    case 'elu':
      return z > 0 ? z : alpha * (Math.exp(z) - 1);
    case 'softplus':
      // log(1 + e^z), with e^z overflow avoided where log(1 + e^z) = z to double precision.
      return z > 40 ? z : Math.log(1 + Math.exp(z));
    case 'silu':
      return z * refSigmoid(z);
    default:
      throw new Error(`no elementwise reference for ${name}`);
  }
}

/** ∂a/∂z evaluated at z, from the definition (not from a). */
export function refActivationDerivative(name: string, z: number, alpha: number): number {
  switch (name) {
    case 'linear':
      return 1;
    case 'sigmoid': {
      const s = refSigmoid(z);
      return s * (1 - s);
    }
    case 'tanh':
      return 1 - Math.tanh(z) ** 2;
    case 'relu':
      return z > 0 ? 1 : 0;
    case 'leakyRelu':
      return z > 0 ? 1 : alpha;
    case 'elu':
      return z > 0 ? 1 : alpha * Math.exp(z);
    case 'softplus':
      return refSigmoid(z);
    case 'silu': {
      // d/dz z·σ(z) = σ(z) + z·σ(z)(1 − σ(z))
      const s = refSigmoid(z);
      return s + z * s * (1 - s);
    }
    default:
      throw new Error(`no elementwise reference for ${name}`);
  }
}

/** Softmax of one row in float64 (max-subtracted). */
export function refSoftmax(z: ArrayLike<number>, offset: number, n: number): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < n; j++) max = Math.max(max, z[offset + j] as number);
  const e = Array.from({ length: n }, (_, j) => Math.exp((z[offset + j] as number) - max));
  const s = e.reduce((p, q) => p + q, 0);
  return e.map((x) => x / s);
}
