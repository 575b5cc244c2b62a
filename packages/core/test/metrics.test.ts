import { describe, expect, it } from 'vitest';
import { confusionMatrix, Matrix, mae, precisionRecallF1, r2, rmse } from '../src/index.js';
import { caught } from './caught.js';

describe('confusionMatrix', () => {
  it('counts (actual, predicted) pairs: rows actual, columns predicted', () => {
    const actual = [0, 0, 1, 1, 1, 2, 2, 2, 2];
    const predicted = [0, 1, 1, 1, 0, 2, 2, 1, 0];
    expect(confusionMatrix(actual, predicted, 3)).toEqual([
      [1, 1, 0],
      [1, 2, 0],
      [1, 1, 2],
    ]);
  });

  it('keeps classes that never occur as zero rows and columns', () => {
    expect(confusionMatrix([0, 0], [0, 0], 3)).toEqual([
      [2, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(confusionMatrix([], [], 2)).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it('refuses mismatched lengths, labels outside the classes and a bad class count', () => {
    expect(caught(() => confusionMatrix([0, 1], [0], 2)).code).toBe('SHAPE');
    const e = caught(() => confusionMatrix([0, 3], [0, 1], 3));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.message).toBe('confusionMatrix: actual[1] is 3, expected a class in 0 … 2');
    expect(caught(() => confusionMatrix([0], [0.5], 2)).message).toBe(
      'confusionMatrix: predicted[0] is 0.5, expected a class in 0 … 1',
    );
    expect(caught(() => confusionMatrix([0], [0], 0)).code).toBe('INVALID_OPTION');
  });
});

describe('precisionRecallF1', () => {
  it('per class and macro, against hand-computed values', () => {
    // Columns sum to what was predicted, rows to the support.
    //            pred 0  1  2
    const m = [
      [1, 1, 0], // actual 0: support 2
      [1, 2, 0], // actual 1: support 3
      [1, 1, 2], // actual 2: support 4
    ];
    const r = precisionRecallF1(m);
    // class 0: TP 1, predicted 3, support 2 → P 1/3, R 1/2, F1 2·(1/6)/(5/6) = 2/5
    // class 1: TP 2, predicted 4, support 3 → P 1/2, R 2/3, F1 2·(1/3)/(7/6) = 4/7
    // class 2: TP 2, predicted 2, support 4 → P 1,   R 1/2, F1 2·(1/2)/(3/2) = 2/3
    const expected = [
      { precision: 1 / 3, recall: 1 / 2, f1: 2 / 5, support: 2 },
      { precision: 1 / 2, recall: 2 / 3, f1: 4 / 7, support: 3 },
      { precision: 1, recall: 1 / 2, f1: 2 / 3, support: 4 },
    ];
    r.classes.forEach((c, i) => {
      const e = expected[i] as (typeof expected)[number];
      expect(c.precision).toBeCloseTo(e.precision, 12);
      expect(c.recall).toBeCloseTo(e.recall, 12);
      expect(c.f1).toBeCloseTo(e.f1, 12);
      expect(c.support).toBe(e.support);
    });
    expect(r.macro.precision).toBeCloseTo((1 / 3 + 1 / 2 + 1) / 3, 12);
    expect(r.macro.recall).toBeCloseTo((1 / 2 + 2 / 3 + 1 / 2) / 3, 12);
    expect(r.macro.f1).toBeCloseTo((2 / 5 + 4 / 7 + 2 / 3) / 3, 12);
    expect(r.macro.support).toBe(9);
  });

  it('a class never predicted has precision 0 (not NaN), and F1 0; a class that never occurs has recall 0', () => {
    //            pred 0  1
    const r = precisionRecallF1([
      [3, 0], // actual 0
      [2, 0], // actual 1: never predicted as 1
    ]);
    expect(r.classes[1]).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    expect(r.classes[0]).toEqual({
      precision: 3 / 5,
      recall: 1,
      f1: (2 * (3 / 5)) / (3 / 5 + 1),
      support: 3,
    });
    expect(r.macro.precision).toBeCloseTo(0.3, 12);
    const absent = precisionRecallF1([
      [2, 1],
      [0, 0], // class 1 never occurs, but is predicted once
    ]);
    expect(absent.classes[1]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(absent.classes[0]).toEqual({ precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
  });

  it('a perfect classifier scores 1 everywhere', () => {
    const r = precisionRecallF1(confusionMatrix([0, 1, 2, 2], [0, 1, 2, 2], 3));
    for (const c of r.classes) expect([c.precision, c.recall, c.f1]).toEqual([1, 1, 1]);
    expect(r.macro).toEqual({ precision: 1, recall: 1, f1: 1, support: 4 });
  });

  it('refuses a matrix that is empty, not square, or holds a non-count', () => {
    expect(caught(() => precisionRecallF1([])).code).toBe('SHAPE');
    expect(caught(() => precisionRecallF1([[1, 2], [3]])).message).toBe(
      'precisionRecallF1: row 1 has 1 counts, expected 2 (the matrix must be square)',
    );
    expect(
      caught(() =>
        precisionRecallF1([
          [1, -1],
          [0, 1],
        ]),
      ).code,
    ).toBe('INVALID_OPTION');
  });
});

describe('mae, rmse, r2', () => {
  const pred = [2.5, 0, 2, 8];
  const target = [3, -0.5, 2, 7];
  // errors: −0.5, 0.5, 0, 1 → |e| sum 2, e² sum 1.5; target mean 2.875, SS_tot = 0.015625+11.390625+0.765625+17.015625 = 29.1875

  it('on arrays, against hand-computed values', () => {
    expect(mae(pred, target)).toBe(0.5);
    expect(rmse(pred, target)).toBeCloseTo(Math.sqrt(1.5 / 4), 15);
    expect(r2(pred, target)).toBeCloseTo(1 - 1.5 / 29.1875, 15);
  });

  it('on matrices, every value row-major; a Matrix and an array of the same length mix', () => {
    const P = Matrix.from([
      [2.5, 0],
      [2, 8],
    ]);
    const T = Matrix.from([
      [3, -0.5],
      [2, 7],
    ]);
    expect(mae(P, T)).toBe(0.5);
    expect(rmse(P, T)).toBeCloseTo(Math.sqrt(1.5 / 4), 6);
    expect(r2(P, T)).toBeCloseTo(1 - 1.5 / 29.1875, 6);
    expect(mae(P, target)).toBe(0.5);
  });

  it('r2: 1 for a perfect fit, 0 for predicting the mean, negative when worse', () => {
    expect(r2([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(r2([2, 2, 2], [1, 2, 3])).toBe(0);
    expect(r2([3, 2, 1], [1, 2, 3])).toBe(-3); // SS_res 8, SS_tot 2
  });

  it('r2 on a constant target: 1 if exact, else 0 — never NaN or −∞', () => {
    expect(r2([4, 4, 4], [4, 4, 4])).toBe(1);
    expect(r2([4, 5, 4], [4, 4, 4])).toBe(0);
    expect(mae([4, 5, 4], [4, 4, 4])).toBeCloseTo(1 / 3, 15);
  });

  it('refuses mismatched sizes or shapes, no values, and non-finite values', () => {
    expect(caught(() => mae([1, 2], [1])).message).toBe(
      'mae: pred is 2 values, target is 1 values; they must match',
    );
    expect(caught(() => rmse(new Matrix(2, 1), new Matrix(1, 2))).message).toBe(
      'rmse: pred is 2×1, target is 1×2; they must match',
    );
    expect(caught(() => r2([], [])).code).toBe('EMPTY');
    const e = caught(() => mae([1, Number.NaN], [1, 2]));
    expect(e.code).toBe('NON_FINITE');
    expect(e.message).toBe('mae: pred has a non-finite value NaN at index 1');
  });
});
