import { checkNumber } from './errors.js';
import { Matrix } from './matrix.js';
import { Rng } from './rng.js';

/**
 * The 2D toy sets of TensorFlow Playground, seeded. Points lie in [−6, 6]²; classification labels are 0/1 in one
 * column (`classes: k` sets give k one-hot columns); regression targets lie in [−1, 1].
 */
export interface Dataset {
  x: Matrix;
  y: Matrix;
}

/** Options every dataset generator takes. */
export interface DatasetOptions {
  /** Number of points; default 200. */
  count?: number;
  /** 0 (none) to 1 (heavy); default 0. */
  noise?: number;
  seed?: number;
}

function setup(name: string, o: DatasetOptions) {
  const count = checkNumber(name, 'count', o.count ?? 200, { min: 1, integer: true });
  const noise = checkNumber(name, 'noise', o.noise ?? 0, { min: 0, max: 1 });
  return { count, noise, rng: new Rng(o.seed ?? 1) };
}

function build(points: [number, number, ...number[]][], targets: number): Dataset {
  const x = new Matrix(points.length, 2);
  const y = new Matrix(points.length, targets);
  points.forEach((p, i) => {
    x.data[2 * i] = p[0];
    x.data[2 * i + 1] = p[1];
    for (let t = 0; t < targets; t++) y.data[i * targets + t] = p[2 + t] as number;
  });
  return { x, y };
}

/** A disc of one class inside a ring of the other. */
export function circle(options: DatasetOptions = {}): Dataset {
  const { count, noise, rng } = setup('circle', options);
  const radius = 5;
  const points: [number, number, number][] = [];
  for (let i = 0; i < count; i++) {
    const inside = i < count / 2;
    const r = inside ? rng.uniform(0, radius * 0.5) : rng.uniform(radius * 0.7, radius);
    const angle = rng.uniform(0, 2 * Math.PI);
    const px = r * Math.sin(angle);
    const py = r * Math.cos(angle);
    const nx = rng.uniform(-radius, radius) * noise;
    const ny = rng.uniform(-radius, radius) * noise;
    // The label comes from the clean point's distance, as in TensorFlow Playground.
    points.push([px + nx, py + ny, Math.hypot(px, py) < radius * 0.5 ? 1 : 0]);
  }
  return build(points, 1);
}

/** Class 1 where x·y ≥ 0. */
export function xor(options: DatasetOptions = {}): Dataset {
  const { count, noise, rng } = setup('xor', options);
  const points: [number, number, number][] = [];
  const padding = 0.3;
  for (let i = 0; i < count; i++) {
    let px = rng.uniform(-5, 5);
    px += px > 0 ? padding : -padding;
    let py = rng.uniform(-5, 5);
    py += py > 0 ? padding : -padding;
    const nx = rng.uniform(-5, 5) * noise;
    const ny = rng.uniform(-5, 5) * noise;
    points.push([px + nx, py + ny, px * py >= 0 ? 1 : 0]);
  }
  return build(points, 1);
}

/** Two Gaussian clouds around (2, 2) and (−2, −2). */
export function gaussians(options: DatasetOptions = {}): Dataset {
  const { count, noise, rng } = setup('gaussians', options);
  const variance = 0.5 + noise * 3.5;
  const points: [number, number, number][] = [];
  for (let i = 0; i < count; i++) {
    const positive = i < count / 2;
    const c = positive ? 2 : -2;
    points.push([rng.normal(c, Math.sqrt(variance)), rng.normal(c, Math.sqrt(variance)), positive ? 1 : 0]);
  }
  return build(points, 1);
}

/** Two interleaved spiral arms. */
export function spiral(options: DatasetOptions = {}): Dataset {
  const { count, noise, rng } = setup('spiral', options);
  const points: [number, number, number][] = [];
  const half = Math.floor(count / 2);
  for (const [delta, label, n] of [
    [0, 1, half],
    [Math.PI, 0, count - half],
  ] as const) {
    for (let i = 0; i < n; i++) {
      const r = (i / n) * 5;
      const t = ((1.75 * i) / n) * 2 * Math.PI + delta;
      points.push([
        r * Math.sin(t) + rng.uniform(-1, 1) * noise,
        r * Math.cos(t) + rng.uniform(-1, 1) * noise,
        label,
      ]);
    }
  }
  return build(points, 1);
}

/** k Gaussian clusters on a circle, labelled one-hot (softmax classification). */
export function clusters(options: DatasetOptions & { classes?: number } = {}): Dataset {
  const { count, noise, rng } = setup('clusters', options);
  const k = checkNumber('clusters', 'classes', options.classes ?? 3, { min: 2, max: 10, integer: true });
  const std = 0.6 + noise * 2;
  const points: [number, number, ...number[]][] = [];
  for (let i = 0; i < count; i++) {
    const c = i % k;
    const angle = (2 * Math.PI * c) / k;
    const onehot = Array.from({ length: k }, (_, j) => (j === c ? 1 : 0));
    points.push([rng.normal(3.5 * Math.cos(angle), std), rng.normal(3.5 * Math.sin(angle), std), ...onehot]);
  }
  return build(points, k);
}

/** Regression: y = (x₁ + x₂)/10 plus noise, a tilted plane. */
export function plane(options: DatasetOptions = {}): Dataset {
  const { count, noise, rng } = setup('plane', options);
  const points: [number, number, number][] = [];
  for (let i = 0; i < count; i++) {
    const px = rng.uniform(-6, 6);
    const py = rng.uniform(-6, 6);
    const nx = rng.uniform(-6, 6) * noise;
    const ny = rng.uniform(-6, 6) * noise;
    points.push([px, py, (px + nx + py + ny) / 12]);
  }
  return build(points, 1);
}

/** Regression: a sum of signed Gaussian bumps. */
export function multiGaussian(options: DatasetOptions = {}): Dataset {
  const { count, noise, rng } = setup('multiGaussian', options);
  const bumps = [
    [-4, 2.5, 1],
    [0, 2.5, -1],
    [4, 2.5, 1],
    [-4, -2.5, -1],
    [0, -2.5, 1],
    [4, -2.5, -1],
  ] as const;
  const label = (x: number, y: number) => {
    let v = 0;
    for (const [cx, cy, sign] of bumps) v += sign * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 2);
    return Math.max(-1, Math.min(1, v));
  };
  const points: [number, number, number][] = [];
  for (let i = 0; i < count; i++) {
    const px = rng.uniform(-6, 6);
    const py = rng.uniform(-6, 6);
    points.push([px + rng.uniform(-6, 6) * noise, py + rng.uniform(-6, 6) * noise, label(px, py)]);
  }
  return build(points, 1);
}

/** Splits rows into train and test after a seeded shuffle; `trainFraction` in (0, 1). */
export function split(data: Dataset, trainFraction: number, seed = 1): { train: Dataset; test: Dataset } {
  checkNumber('split', 'trainFraction', trainFraction, { min: 0, max: 1, exclusiveMin: true });
  const n = data.x.rows;
  const order = Array.from({ length: n }, (_, i) => i);
  new Rng(seed).shuffle(order);
  const cut = Math.max(1, Math.min(n, Math.round(n * trainFraction)));
  const take = (rows: number[]): Dataset => {
    const x = new Matrix(rows.length, data.x.cols);
    const y = new Matrix(rows.length, data.y.cols);
    rows.forEach((r, i) => {
      x.data.set(data.x.data.subarray(r * data.x.cols, (r + 1) * data.x.cols), i * data.x.cols);
      y.data.set(data.y.data.subarray(r * data.y.cols, (r + 1) * data.y.cols), i * data.y.cols);
    });
    return { x, y };
  };
  return { train: take(order.slice(0, cut)), test: take(order.slice(cut)) };
}
