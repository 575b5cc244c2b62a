import { type ActivationName, activationTable } from './activations.js';
import { ChainruleError, checkNumber, shapeOf } from './errors.js';
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

/** Values a regression metric reads: a Matrix (every entry, row-major) or a plain array of numbers. */
export type MetricValues = Matrix | readonly number[];

function values(op: string, what: string, v: MetricValues): ArrayLike<number> {
  const data: ArrayLike<number> = Array.isArray(v) ? v : (v as Matrix).data;
  for (let i = 0; i < data.length; i++) {
    const x = data[i] as number;
    if (!Number.isFinite(x)) {
      throw new ChainruleError('NON_FINITE', `${op}: ${what} has a non-finite value ${x} at index ${i}`);
    }
  }
  return data;
}

function shapeText(v: MetricValues): string {
  return Array.isArray(v) ? `${v.length} values` : `${shapeOf((v as Matrix).rows, (v as Matrix).cols)}`;
}

/** The two inputs of a regression metric, checked: the same number of values (and shape, for two matrices), ≥ 1. */
function pair(op: string, pred: MetricValues, target: MetricValues): [ArrayLike<number>, ArrayLike<number>] {
  const p = values(op, 'pred', pred);
  const t = values(op, 'target', target);
  const bothMatrices = !Array.isArray(pred) && !Array.isArray(target);
  const sameShape =
    !bothMatrices ||
    ((pred as Matrix).rows === (target as Matrix).rows && (pred as Matrix).cols === (target as Matrix).cols);
  if (p.length !== t.length || !sameShape) {
    throw new ChainruleError(
      'SHAPE',
      `${op}: pred is ${shapeText(pred)}, target is ${shapeText(target)}; they must match`,
    );
  }
  if (p.length === 0) throw new ChainruleError('EMPTY', `${op}: no values to compare`);
  return [p, t];
}

/**
 * Mean absolute error: the mean of |pred − target| over every value. `pred` and `target` are Matrices of one shape
 * or arrays of one length (a Matrix is read row-major, every column). Throws SHAPE on a mismatch, EMPTY on no
 * values, NON_FINITE on NaN/±Inf.
 */
export function mae(pred: MetricValues, target: MetricValues): number {
  const [p, t] = pair('mae', pred, target);
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs((p[i] as number) - (t[i] as number));
  return s / p.length;
}

/** Root mean squared error: √(mean of (pred − target)²), over every value; the inputs as for {@link mae}. */
export function rmse(pred: MetricValues, target: MetricValues): number {
  const [p, t] = pair('rmse', pred, target);
  let s = 0;
  for (let i = 0; i < p.length; i++) s += ((p[i] as number) - (t[i] as number)) ** 2;
  return Math.sqrt(s / p.length);
}

/**
 * The coefficient of determination R² = 1 − SS_res / SS_tot, with SS_res = Σ(target − pred)² and
 * SS_tot = Σ(target − mean(target))², over every value (one mean over all of them); the inputs as for {@link mae}.
 * 1 is a perfect fit, 0 is no better than predicting the mean, and it is negative when worse.
 *
 * A constant target has SS_tot = 0, where the ratio is undefined: R² is then defined as 1 if the prediction is
 * exact (SS_res = 0) and 0 otherwise (as scikit-learn's `r2_score` does), never NaN or −∞.
 */
export function r2(pred: MetricValues, target: MetricValues): number {
  const [p, t] = pair('r2', pred, target);
  let mean = 0;
  for (let i = 0; i < t.length; i++) mean += t[i] as number;
  mean /= t.length;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < t.length; i++) {
    res += ((t[i] as number) - (p[i] as number)) ** 2;
    tot += ((t[i] as number) - mean) ** 2;
  }
  if (tot === 0) return res === 0 ? 1 : 0;
  return 1 - res / tot;
}

/**
 * Counts of (actual, predicted) class pairs: `matrix[a][p]` is how many rows of class `a` were predicted as `p`
 * (rows actual, columns predicted), a `classes`×`classes` array. Classes are the integers 0 … classes − 1.
 * Throws SHAPE if the arrays differ in length, INVALID_OPTION for a label outside 0 … classes − 1 (naming its index)
 * or a `classes` that is not an integer ≥ 1.
 */
export function confusionMatrix(
  actual: readonly number[],
  predicted: readonly number[],
  classes: number,
): number[][] {
  checkNumber('confusionMatrix', 'classes', classes, { min: 1, integer: true });
  if (actual.length !== predicted.length) {
    throw new ChainruleError(
      'SHAPE',
      `confusionMatrix: actual has ${actual.length} labels, predicted has ${predicted.length}; they must match`,
    );
  }
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const check = (what: string, v: number, i: number) => {
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `confusionMatrix: ${what}[${i}] is ${v}, expected a class in 0 … ${classes - 1}`,
      );
    }
  };
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const p = predicted[i] as number;
    check('actual', a, i);
    check('predicted', p, i);
    (m[a] as number[])[p] = ((m[a] as number[])[p] as number) + 1;
  }
  return m;
}

/** One class's scores, from {@link precisionRecallF1}. */
export interface ClassScores {
  /** Of the rows predicted as this class, the fraction that are: TP / (TP + FP); 0 if it is never predicted. */
  precision: number;
  /** Of the rows of this class, the fraction predicted as it: TP / (TP + FN); 0 if it never occurs. */
  recall: number;
  /** The harmonic mean 2·P·R / (P + R); 0 when precision and recall are both 0. */
  f1: number;
  /** How many rows are of this class (its row sum in the confusion matrix). */
  support: number;
}

/** Per-class precision, recall, F1 and support, and their macro averages, from {@link precisionRecallF1}. */
export interface ClassificationReport {
  /** One entry per class, in the confusion matrix's order. */
  classes: ClassScores[];
  /**
   * The unweighted means over every class of the matrix (including classes with no rows): precision, recall, F1
   * (the mean of the per-class F1s, not the F1 of the mean precision and recall), and the total support.
   */
  macro: ClassScores;
}

/**
 * Precision, recall, F1 and support for each class of a square confusion matrix (rows actual, columns predicted,
 * as {@link confusionMatrix} makes), and their macro averages.
 *
 * Edge cases are defined, never NaN: a class that is never predicted (a zero column) has precision **0**; a class
 * that never occurs (a zero row) has recall 0; F1 is 0 when precision and recall are both 0. Throws SHAPE unless
 * the matrix is square and non-empty, INVALID_OPTION for a negative or non-integer count.
 */
export function precisionRecallF1(matrix: readonly (readonly number[])[]): ClassificationReport {
  const k = matrix.length;
  if (k === 0) throw new ChainruleError('SHAPE', 'precisionRecallF1: the confusion matrix is empty');
  matrix.forEach((row, a) => {
    if (row.length !== k) {
      throw new ChainruleError(
        'SHAPE',
        `precisionRecallF1: row ${a} has ${row.length} counts, expected ${k} (the matrix must be square)`,
      );
    }
    row.forEach((v, p) => {
      if (!Number.isInteger(v) || v < 0) {
        throw new ChainruleError(
          'INVALID_OPTION',
          `precisionRecallF1: matrix[${a}][${p}] is ${v}, expected a count (an integer ≥ 0)`,
        );
      }
    });
  });
  const at = (a: number, p: number) => (matrix[a] as readonly number[])[p] as number;
  const classes: ClassScores[] = [];
  for (let c = 0; c < k; c++) {
    let predicted = 0;
    let support = 0;
    for (let i = 0; i < k; i++) {
      predicted += at(i, c);
      support += at(c, i);
    }
    const tp = at(c, c);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    classes.push({ precision, recall, f1, support });
  }
  const mean = (f: (s: ClassScores) => number) => classes.reduce((s, c) => s + f(c), 0) / k;
  return {
    classes,
    macro: {
      precision: mean((c) => c.precision),
      recall: mean((c) => c.recall),
      f1: mean((c) => c.f1),
      support: classes.reduce((s, c) => s + c.support, 0),
    },
  };
}
