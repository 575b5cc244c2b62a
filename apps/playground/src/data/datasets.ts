import { datasets, Matrix, Rng } from '@chainrule/core';
import { type Config, classScale, type FeatureName, isRegression, outputUnits } from '../state/config';

/** A 2D point with its target: a 0/1 label, a class index (multi-class), or a value in [−1, 1] (regression). */
export interface Point {
  x: number;
  y: number;
  label: number;
}

export const POINTS = 500;
/** The input plane, as in TensorFlow Playground. */
export const DOMAIN = 6;

export const featureInfo: Record<FeatureName, { label: string; f: (x1: number, x2: number) => number }> = {
  x1: { label: 'x₁', f: (x1) => x1 },
  x2: { label: 'x₂', f: (_x1, x2) => x2 },
  x1sq: { label: 'x₁²', f: (x1) => x1 * x1 },
  x2sq: { label: 'x₂²', f: (_x1, x2) => x2 * x2 },
  x1x2: { label: 'x₁x₂', f: (x1, x2) => x1 * x2 },
  sinx1: { label: 'sin x₁', f: (x1) => Math.sin(x1) },
  sinx2: { label: 'sin x₂', f: (_x1, x2) => Math.sin(x2) },
};

/**
 * Three decimals: what the datasets' points keep (a thousandth of the ±6 plane is far below a pixel), so that a
 * CSV export is short and exact and a custom copy of 500 points fits in a link.
 */
export const round3 = (v: number) => Math.round(v * 1000) / 1000 || 0; // (no −0)

/** The dataset's points, generated from its seed and noise (custom points come from the user). */
export function generatePoints(config: Pick<Config, 'dataset' | 'noise' | 'seed'>, custom: Point[]): Point[] {
  const options = { count: POINTS, noise: config.noise / 100, seed: config.seed };
  let set: { x: Matrix; y: Matrix };
  switch (config.dataset) {
    case 'custom':
      return custom;
    case 'circle':
      set = datasets.circle(options);
      break;
    case 'xor':
      set = datasets.xor(options);
      break;
    case 'gauss':
      set = datasets.gaussians(options);
      break;
    case 'spiral':
      set = datasets.spiral(options);
      break;
    case 'multi':
      set = datasets.clusters({ ...options, classes: 3 });
      break;
    case 'reg-plane':
      set = datasets.plane(options);
      break;
    case 'reg-gauss':
      set = datasets.multiGaussian(options);
      break;
  }
  const points: Point[] = [];
  for (let i = 0; i < set.x.rows; i++) {
    let label = set.y.get(i, 0);
    if (set.y.cols > 1) {
      for (let c = 0; c < set.y.cols; c++) if (set.y.get(i, c) === 1) label = c;
    }
    points.push({ x: round3(set.x.get(i, 0)), y: round3(set.x.get(i, 1)), label: round3(label) });
  }
  return points;
}

/**
 * Splits points into train and test by the ratio, after a seeded shuffle. With `stable` (custom data) each point's
 * side depends only on its position and the seed, so adding or undoing a point moves no other point between
 * train and test (the ratio then holds on average; the first point always trains).
 */
export function splitPoints(
  points: Point[],
  trainRatio: number,
  seed: number,
  stable = false,
): { train: Point[]; test: Point[] } {
  if (stable) {
    const train: Point[] = [];
    const test: Point[] = [];
    points.forEach((p, i) => {
      (i === 0 || unitHash(i, seed) < trainRatio / 100 ? train : test).push(p);
    });
    return { train, test };
  }
  const order = points.map((_, i) => i);
  new Rng(seed).shuffle(order); // core's seeded generator: the one shuffler
  const cut = Math.round((points.length * trainRatio) / 100);
  return {
    train: order.slice(0, cut).map((i) => points[i] as Point),
    test: order.slice(cut).map((i) => points[i] as Point),
  };
}

/** A number in [0, 1) from an index and a seed (a 32-bit integer hash). */
export function unitHash(i: number, seed: number): number {
  let h = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(seed + 0x6d2b79f5, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** The network's input matrix: one column per enabled feature. */
export function featureMatrix(
  points: readonly { x: number; y: number }[],
  features: readonly FeatureName[],
): Matrix {
  const m = new Matrix(points.length, features.length);
  for (const [i, p] of points.entries()) {
    for (const [j, f] of features.entries()) m.set(i, j, featureInfo[f].f(p.x, p.y));
  }
  return m;
}

/**
 * Targets in the form the output layer wants: one-hot for a row-wise output (softmax), the output's two class values
 * for a classifier (`classScale`: 0/1 for sigmoid, ±1 for tanh), else the labels as they are (regression, or a
 * binary problem on an output that does not classify).
 */
export function targetMatrix(
  points: readonly Point[],
  config: Pick<Config, 'dataset' | 'problem' | 'output'>,
): Matrix {
  const classes = outputUnits(config);
  const scale = isRegression(config) ? null : classScale(config.output);
  const m = new Matrix(points.length, classes);
  points.forEach((p, i) => {
    if (classes > 1) m.set(i, Math.round(p.label), 1);
    else if (scale) m.set(i, 0, p.label > 0.5 ? scale.high : scale.low);
    else m.set(i, 0, p.label);
  });
  return m;
}

/** A size×size grid over the input plane, row by row from the top (x₂ = +6) to the bottom. */
export function gridPoints(size: number): { x: number; y: number }[] {
  const pts: { x: number; y: number }[] = [];
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      pts.push({ x: -DOMAIN + ((c + 0.5) * 2 * DOMAIN) / size, y: DOMAIN - ((r + 0.5) * 2 * DOMAIN) / size });
    }
  }
  return pts;
}
