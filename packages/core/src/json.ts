import { ChainruleError } from './errors.js';

/** Throws INVALID_MODEL_JSON naming where in the document the problem is. */
export function invalid(path: string, message: string): never {
  throw new ChainruleError('INVALID_MODEL_JSON', `model JSON ${path}: ${message}`);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function positiveInt(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    invalid(path, `expected a positive integer, got ${JSON.stringify(v)}`);
  return v as number;
}

export function finiteArray(v: unknown, length: number, path: string, what: string): Float32Array {
  if (!Array.isArray(v)) invalid(path, `expected an array of ${length} numbers (${what}), got ${typeof v}`);
  const arr = v as unknown[];
  if (arr.length !== length) invalid(path, `expected ${length} numbers (${what}), got ${arr.length}`);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const x = arr[i];
    if (typeof x !== 'number' || !Number.isFinite(x))
      invalid(`${path}[${i}]`, `expected a finite number, got ${JSON.stringify(x)}`);
    out[i] = x as number;
  }
  return out;
}

/** Like `finiteArray`, kept in float64 (statistics, not weights). */
export function finiteNumbers(v: unknown, length: number, path: string, what: string): Float64Array {
  const f32 = finiteArray(v, length, path, what); // validates
  return Float64Array.from(v as number[], (x, i) => (Number.isFinite(x) ? x : (f32[i] as number)));
}

/** Runs `make`, turning any error it throws into INVALID_MODEL_JSON at `path`. */
export function within<T>(path: string, make: () => T): T {
  try {
    return make();
  } catch (err) {
    if (err instanceof ChainruleError && err.code === 'INVALID_MODEL_JSON') throw err;
    invalid(path, (err as Error).message);
  }
}
