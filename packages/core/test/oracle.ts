/**
 * A float64 forward pass written from the definitions in docs/math.md, independent of the library code, used as
 * the oracle for finite differences and closed forms.
 */
export type Act =
  | 'linear'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leakyRelu'
  | 'elu'
  | 'softplus'
  | 'silu'
  | 'softmax';
export type LossName =
  | 'mse'
  | 'halfSquaredError'
  | 'halfSquaredErrorSum'
  | 'binaryCrossEntropy'
  | 'softmaxCrossEntropy';

export interface Layer64 {
  W: Float64Array; // inputs×units, row-major
  b: Float64Array;
  inputs: number;
  units: number;
  act: Act;
  alpha: number;
  l1?: number;
  l2?: number;
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function applyAct(act: Act, alpha: number, z: number[]): number[] {
  switch (act) {
    case 'linear':
      return z;
    case 'sigmoid':
      return z.map(sigmoid);
    case 'tanh':
      return z.map(Math.tanh);
    case 'relu':
      return z.map((v) => Math.max(v, 0));
    case 'leakyRelu':
      return z.map((v) => (v > 0 ? v : alpha * v));
    case 'elu':
      return z.map((v) => (v > 0 ? v : alpha * (Math.exp(v) - 1)));
    case 'softplus':
      return z.map((v) => Math.log(1 + Math.exp(v)));
    case 'silu':
      return z.map((v) => v * sigmoid(v));
    case 'softmax': {
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const s = e.reduce((p, q) => p + q, 0);
      return e.map((v) => v / s);
    }
  }
}

/** Row-wise forward: returns every layer's Z and A for every example. */
export function forward64(layers: Layer64[], X: number[][]): { Z: number[][][]; A: number[][][] } {
  const Z: number[][][] = [];
  const A: number[][][] = [];
  let input = X;
  for (const l of layers) {
    const z = input.map((row) =>
      Array.from({ length: l.units }, (_, j) => {
        let s = l.b[j] as number;
        for (let k = 0; k < l.inputs; k++) s += (row[k] as number) * (l.W[k * l.units + j] as number);
        return s;
      }),
    );
    const a = z.map((row) => applyAct(l.act, l.alpha, row));
    Z.push(z);
    A.push(a);
    input = a;
  }
  return { Z, A };
}

export function loss64(name: LossName, A: number[][], Y: number[][]): number {
  const N = A.length;
  const k = (A[0] as number[]).length;
  let s = 0;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < k; j++) {
      const a = (A[i] as number[])[j] as number;
      const y = (Y[i] as number[])[j] as number;
      switch (name) {
        case 'mse':
          s += (a - y) ** 2 / (N * k);
          break;
        case 'halfSquaredError':
          s += (0.5 * (a - y) ** 2) / N;
          break;
        case 'halfSquaredErrorSum':
          s += 0.5 * (a - y) ** 2;
          break;
        case 'binaryCrossEntropy':
          s += -(y * Math.log(a) + (1 - y) * Math.log(1 - a)) / (N * k);
          break;
        case 'softmaxCrossEntropy':
          s += -(y * Math.log(a)) / N;
          break;
      }
    }
  }
  return s;
}

export function objective64(layers: Layer64[], X: number[][], Y: number[][], loss: LossName): number {
  const { A } = forward64(layers, X);
  let penalty = 0;
  for (const l of layers) {
    for (const w of l.W) penalty += (l.l1 ?? 0) * Math.abs(w) + 0.5 * (l.l2 ?? 0) * w * w;
  }
  return loss64(loss, A[A.length - 1] as number[][], Y) + penalty;
}

/** Central differences of the float64 objective with respect to every W and b entry. */
export function finiteDifferences(
  layers: Layer64[],
  X: number[][],
  Y: number[][],
  loss: LossName,
  eps = 1e-6,
): { W: Float64Array; b: Float64Array }[] {
  return layers.map((l) => {
    const grad = (arr: Float64Array) =>
      Float64Array.from(arr, (_, i) => {
        const orig = arr[i] as number;
        arr[i] = orig + eps;
        const up = objective64(layers, X, Y, loss);
        arr[i] = orig - eps;
        const down = objective64(layers, X, Y, loss);
        arr[i] = orig;
        return (up - down) / (2 * eps);
      });
    return { W: grad(l.W), b: grad(l.b) };
  });
}
