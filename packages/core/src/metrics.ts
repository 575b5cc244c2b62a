import { type ActivationName, activationTable } from './activations.js';
import type { Matrix } from './matrix.js';

/**
 * The decision threshold for a one-column classification output: 0.5 for sigmoid (targets 0/1), 0 for tanh
 * (targets −1/1, as TensorFlow Playground uses). Softmax outputs use argmax; the number is unused there.
 * `null` for outputs that are not classifications. From `activationTable`.
 */
export function classificationThreshold(activation: ActivationName): number | null {
  return activationTable[activation].classificationThreshold;
}

/**
 * The fraction of rows classified right. With several columns: the argmax of the prediction equals the argmax
 * of the target. With one column: prediction and target fall on the same side of `threshold`.
 */
export function accuracy(pred: Matrix, target: Matrix, threshold = 0.5): number {
  const n = pred.rows;
  const k = pred.cols;
  if (n === 0) return Number.NaN;
  const P = pred.data;
  const Y = target.data;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    if (k === 1) {
      if ((P[i] as number) >= threshold === (Y[i] as number) >= threshold) correct++;
      continue;
    }
    let pBest = 0;
    let yBest = 0;
    for (let j = 1; j < k; j++) {
      if ((P[i * k + j] as number) > (P[i * k + pBest] as number)) pBest = j;
      if ((Y[i * k + j] as number) > (Y[i * k + yBest] as number)) yBest = j;
    }
    if (pBest === yBest) correct++;
  }
  return correct / n;
}
