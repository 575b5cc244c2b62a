import type { ActivationName } from './activations.js';
import { classificationThreshold } from './metrics.js';

/**
 * Why `labels` cannot name the classes of an output of `outputSize` columns on `activation`, or null when they can.
 * Several columns: one name per column, in column order (what `predictClasses`'s argmax indexes). One column on a
 * thresholded output (sigmoid, tanh): two names, class 0 below the threshold and class 1 at or above it. A
 * one-column output that does not classify (linear, …) takes no names. Names are non-empty and unique.
 */
export function labelsProblem(
  labels: unknown,
  outputSize: number,
  activation: ActivationName,
): string | null {
  if (!Array.isArray(labels)) return `expected an array of class names, got ${typeOf(labels)}`;
  const seen = new Map<string, number>();
  for (const [i, name] of labels.entries()) {
    if (typeof name !== 'string' || name === '')
      return `labels[${i}] must be a non-empty string, got ${JSON.stringify(name)}`;
    const first = seen.get(name);
    if (first !== undefined) return `labels[${i}] "${name}" repeats labels[${first}]; names must be unique`;
    seen.set(name, i);
  }
  if (outputSize > 1) {
    return labels.length === outputSize
      ? null
      : `${labels.length} class names for an output of ${outputSize} columns; give one name per column`;
  }
  if (classificationThreshold(activation) === null) {
    return `the output is one ${activation} column, which does not classify; class names need a classifier output (softmax columns, or one sigmoid or tanh column)`;
  }
  return labels.length === 2
    ? null
    : `${labels.length} class names for one ${activation} column; give two (the class below the threshold, then the one at or above it)`;
}

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}
