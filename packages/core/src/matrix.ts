import { ChainruleError, shapeOf } from './errors.js';

/**
 * A dense row-major float32 matrix: element (i, j) is `data[i * cols + j]`.
 * A batch is N×d with one example per row.
 */
export class Matrix {
  readonly rows: number;
  readonly cols: number;
  /**
   * The elements. For a matrix from `kernels.alloc` this is a view into memory the kernels own, and the kernels
   * may replace it with a fresh view of the same elements when that memory grows: read `m.data` when you use it
   * rather than keeping the array across allocations.
   */
  data: Float32Array;

  constructor(rows: number, cols: number, data?: Float32Array) {
    if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
      throw new ChainruleError(
        'SHAPE',
        `Matrix: rows and cols must be non-negative integers, got ${rows}×${cols}`,
      );
    }
    if (data !== undefined && data.length !== rows * cols) {
      throw new ChainruleError(
        'SHAPE',
        `Matrix: data of length ${data.length} does not fit shape ${shapeOf(rows, cols)} (needs ${rows * cols})`,
      );
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float32Array(rows * cols);
  }

  /** A matrix from nested arrays; every row must have the same length. */
  static from(values: readonly (readonly number[])[]): Matrix {
    if (!Array.isArray(values)) {
      throw new ChainruleError('SHAPE', 'Matrix.from: expected an array of rows');
    }
    const rows = values.length;
    const cols = rows === 0 ? 0 : (values[0]?.length ?? 0);
    const m = new Matrix(rows, cols);
    for (let i = 0; i < rows; i++) {
      const row = values[i];
      if (!Array.isArray(row) || row.length !== cols) {
        throw new ChainruleError(
          'SHAPE',
          `Matrix.from: row ${i} has ${Array.isArray(row) ? row.length : 'no'} values, row 0 has ${cols}`,
        );
      }
      for (let j = 0; j < cols; j++) m.data[i * cols + j] = row[j] as number;
    }
    return m;
  }

  /** [rows, cols]. */
  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  /** Element (i, j). */
  get(i: number, j: number): number {
    return this.data[i * this.cols + j] as number;
  }

  /** Sets element (i, j). */
  set(i: number, j: number, value: number): void {
    this.data[i * this.cols + j] = value;
  }

  /** A copy on the JS heap, independent of any kernel memory. */
  clone(): Matrix {
    return new Matrix(this.rows, this.cols, Float32Array.from(this.data));
  }

  /** The rows as nested arrays. */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++)
      out.push(Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)));
    return out;
  }

  /** `Matrix 2×3`, for messages. */
  toString(): string {
    return `Matrix ${shapeOf(this.rows, this.cols)}`;
  }
}

/** Input accepted wherever a batch is expected. */
export type MatrixLike = Matrix | readonly (readonly number[])[];

export function toMatrix(x: MatrixLike): Matrix {
  return x instanceof Matrix ? x : Matrix.from(x);
}
