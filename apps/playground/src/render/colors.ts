import type { ActivationName } from '@chainrule/core';
import { classScale } from '../state/config';

/**
 * TensorFlow Playground's diverging scale: orange for −1, white-ish for 0, blue for +1. Class colors for the
 * multi-class set.
 */
const NEG = [245, 147, 34];
const MID = [232, 234, 235];
const POS = [8, 119, 189];

export const CLASS_COLORS: [number, number, number][] = [
  [245, 147, 34],
  [8, 119, 189],
  [80, 170, 90],
];

/** RGB for t in [−1, 1]. */
export function diverging(t: number): [number, number, number] {
  const v = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  const [from, to, w] = v < 0 ? [MID, NEG, -v] : [MID, POS, v];
  return [
    Math.round((from[0] as number) + ((to[0] as number) - (from[0] as number)) * w),
    Math.round((from[1] as number) + ((to[1] as number) - (from[1] as number)) * w),
    Math.round((from[2] as number) + ((to[2] as number) - (from[2] as number)) * w),
  ];
}

export function css([r, g, b]: [number, number, number], alpha = 1): string {
  return alpha === 1 ? `rgb(${r},${g},${b})` : `rgba(${r},${g},${b},${alpha})`;
}

/**
 * Maps a unit's output onto [−1, 1] for coloring: a classifying activation's two class values (`classScale`: sigmoid
 * and softmax 0 and 1, tanh −1 and 1) to the two ends and its threshold to the middle; any other as it is.
 */
export function normalizer(activation: ActivationName): (v: number) => number {
  const scale = classScale(activation);
  if (!scale) return (v) => v;
  const { low, high } = scale;
  return (v) => (2 * (v - low)) / (high - low) - 1;
}
