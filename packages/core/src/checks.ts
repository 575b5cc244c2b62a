import { ChainruleError, shapeOf } from './errors.js';
import type { Matrix } from './matrix.js';

// The argument checks every Kernels implementation and the model share: one wording for every message.

/** Throws SHAPE unless `m` is rows×cols, naming the op, the argument and both shapes. */
export function expectShape(op: string, what: string, m: Matrix, rows: number, cols: number): void {
  if (m.rows !== rows || m.cols !== cols) {
    throw new ChainruleError(
      'SHAPE',
      `${op}: ${what} is ${shapeOf(m.rows, m.cols)}, expected ${shapeOf(rows, cols)}`,
    );
  }
}

/** For buffers whose shape is free but whose length is fixed (optimizer backups). */
export function expectLength(op: string, what: string, m: Matrix, length: number): void {
  if (m.rows * m.cols !== length) {
    throw new ChainruleError(
      'SHAPE',
      `${op}: ${what} is ${shapeOf(m.rows, m.cols)} (${m.rows * m.cols} values), expected ${length} values`,
    );
  }
}

/** Throws NON_FINITE naming the first NaN/±Inf and where it is (row, column for a row-major matrix). */
export function checkFinite(what: string, data: ArrayLike<number>, cols: number): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (!Number.isFinite(v)) {
      const where = cols > 0 ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `index ${i}`;
      throw new ChainruleError('NON_FINITE', `${what} has a non-finite value ${v} at ${where}`);
    }
  }
}
