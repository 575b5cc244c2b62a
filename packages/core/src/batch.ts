import { checkFinite } from './checks.js';
import { ChainruleError, shapeOf } from './errors.js';
import type { Layer } from './layer.js';
import { type Matrix, type MatrixLike, toMatrix } from './matrix.js';

// A batch coming in: its checks (once per call, never per element in the hot loop) and how its rows are gathered.

/** X as a Matrix after checking it fits the first layer (and, with `scanValues`, holds only finite numbers). */
export function checkBatch(op: string, first: Layer, x: MatrixLike, scanValues = true): Matrix {
  const X = toMatrix(x);
  if (X.rows === 0)
    throw new ChainruleError('EMPTY', `${op}: X is empty (0 rows); a batch needs at least one row`);
  if (X.cols !== first.inputSize) {
    throw new ChainruleError(
      'SHAPE',
      `${op}: layer '${first.name}' expects ${first.inputSize} input columns, got X of shape ${shapeOf(X.rows, X.cols)}`,
    );
  }
  if (scanValues) checkFinite(`${op}: X`, X.data, X.cols);
  return X;
}

/** Y as a Matrix after checking it pairs with X and fits the last layer. */
export function checkTargets(op: string, last: Layer, X: Matrix, y: MatrixLike, scanValues = true): Matrix {
  const Y = toMatrix(y);
  if (Y.rows !== X.rows) {
    throw new ChainruleError(
      'SHAPE',
      `${op}: X has ${X.rows} rows but Y has ${Y.rows} (X ${shapeOf(X.rows, X.cols)}, Y ${shapeOf(Y.rows, Y.cols)})`,
    );
  }
  if (Y.cols !== last.outputSize) {
    throw new ChainruleError(
      'SHAPE',
      `${op}: layer '${last.name}' outputs ${last.outputSize} columns, got Y of shape ${shapeOf(Y.rows, Y.cols)}`,
    );
  }
  if (scanValues) checkFinite(`${op}: Y`, Y.data, Y.cols);
  return Y;
}

/** Copies rows order[start…start+out.rows) of `src` into `out`, element by element (no views allocated). */
export function gatherRows(src: Matrix, order: Uint32Array, start: number, out: Matrix): void {
  const d = src.cols;
  const S = src.data;
  const O = out.data;
  for (let i = 0; i < out.rows; i++) {
    const from = (order[start + i] as number) * d;
    const to = i * d;
    for (let j = 0; j < d; j++) O[to + j] = S[from + j] as number;
  }
}

export function yieldToEventLoop(): Promise<void> {
  // Core has no DOM or Node types; every runtime it targets has setTimeout.
  const timers = globalThis as unknown as { setTimeout(callback: () => void, ms: number): unknown };
  return new Promise((resolve) => timers.setTimeout(resolve, 0));
}
