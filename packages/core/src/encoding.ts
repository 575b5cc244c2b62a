import { ChainruleError, checkNumber } from './errors.js';
import { Matrix } from './matrix.js';

/** Class indices 0…k−1 as one-hot rows: the targets a softmax output trains on (Keras's `to_categorical`). */
export function oneHot(labels: ArrayLike<number>, classes: number): Matrix {
  checkNumber('oneHot', 'classes', classes, { min: 1, integer: true });
  const out = new Matrix(labels.length, classes);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i] as number;
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `oneHot: label ${i} is ${c}, expected an integer in 0…${classes - 1}`,
      );
    }
    out.set(i, c, 1);
  }
  return out;
}

/** The index of each row's largest value (the first, on ties). */
export function argmaxRows(m: Matrix): number[] {
  const out: number[] = [];
  for (let i = 0; i < m.rows; i++) {
    let best = 0;
    for (let j = 1; j < m.cols; j++) if (m.get(i, j) > m.get(i, best)) best = j;
    out.push(best);
  }
  return out;
}
