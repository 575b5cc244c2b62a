/**
 * Every error chainrule throws on bad input. `code` is stable and machine-readable; the message names the
 * layer, the shapes and the offending value so the user can fix the call without reading our source.
 */
export class ChainruleError extends Error {
  readonly code: ChainruleErrorCode;
  constructor(code: ChainruleErrorCode, message: string) {
    super(message);
    this.name = 'ChainruleError';
    this.code = code;
  }
}

/** The kinds of `ChainruleError`, stable across versions. */
export type ChainruleErrorCode =
  | 'SHAPE'
  | 'NON_FINITE'
  | 'EMPTY'
  | 'INVALID_OPTION'
  | 'UNKNOWN_NAME'
  | 'INVALID_MODEL_JSON'
  | 'DIVERGED'
  /** Reading or writing a model failed: a missing file, an HTTP status, no such IndexedDB entry. */
  | 'IO';

/** `2×3`, the way every message writes a shape. */
export function shapeOf(rows: number, cols: number): string {
  return `${rows}×${cols}`;
}

/** Throws INVALID_OPTION unless `value` is a finite number within the bounds. */
export function checkNumber(
  where: string,
  name: string,
  value: unknown,
  bounds: { min?: number; max?: number; exclusiveMin?: boolean; integer?: boolean } = {},
): number {
  const bad = (why: string): never => {
    throw new ChainruleError('INVALID_OPTION', `${where}: ${name} must be ${why}, got ${String(value)}`);
  };
  if (typeof value !== 'number' || !Number.isFinite(value)) bad('a finite number');
  const v = value as number;
  if (bounds.integer && !Number.isInteger(v)) bad('an integer');
  if (bounds.min !== undefined) {
    if (bounds.exclusiveMin ? v <= bounds.min : v < bounds.min) {
      bad(`${bounds.exclusiveMin ? '>' : '≥'} ${bounds.min}`);
    }
  }
  if (bounds.max !== undefined && v > bounds.max) bad(`≤ ${bounds.max}`);
  return v;
}
