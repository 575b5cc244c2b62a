import { expect } from 'vitest';
import { ChainruleError } from '../src/index.js';

/** Runs fn and returns the ChainruleError it throws (failing if it throws anything else, or nothing). */
export function caught(fn: () => unknown): ChainruleError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ChainruleError);
    return err as ChainruleError;
  }
  throw new Error('expected a ChainruleError, nothing was thrown');
}

export async function caughtAsync(fn: () => Promise<unknown>): Promise<ChainruleError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ChainruleError);
    return err as ChainruleError;
  }
  throw new Error('expected a ChainruleError, nothing was thrown');
}
