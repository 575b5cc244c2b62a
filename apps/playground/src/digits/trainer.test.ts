// @vitest-environment node
import { jsKernels, Matrix, type Sequential } from '@chainrule/core';
import { describe, expect, it } from 'vitest';
import { CLASSES, type DigitData, PIXELS } from './data';
import { BATCH, type ChartPoint, POINT_EVERY } from './protocol';
import { DigitTrainer } from './trainer';

/** Synthetic digits: class c lights a horizontal band of rows around 2c + 4, with some noise. */
function synthetic(rows: number, seed: number): DigitData['train'] {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const x = new Matrix(rows, PIXELS);
  const y = new Matrix(rows, CLASSES);
  const labels = new Uint8Array(rows);
  for (let n = 0; n < rows; n++) {
    const c = n % CLASSES;
    labels[n] = c;
    y.set(n, c, 1);
    for (let p = 0; p < PIXELS; p++) {
      const row = Math.floor(p / 28);
      x.set(n, p, (Math.abs(row - (2 * c + 4)) <= 1 ? 0.8 : 0) + 0.2 * rand());
    }
  }
  return { x, y, labels };
}

const data: DigitData = { train: synthetic(BATCH * 30, 1), test: synthetic(200, 2) };

describe('DigitTrainer (784-H-10 through core’s batch loop)', () => {
  it('learns: the held-out loss falls and accuracy rises over a few epochs; points come every 25 steps and at epoch ends', () => {
    const t = new DigitTrainer(jsKernels, data, 32);
    const first = t.point();
    expect(first.epoch).toBe(0);
    expect(Number.isNaN(first.trainLoss)).toBe(true); // no steps yet
    const points: ChartPoint[] = [];
    let steps = 0;
    const trained = t.train({
      steps: 3 * t.stepsPerEpoch,
      onStep: (_first, _second, p) => {
        steps++;
        if (p) points.push(p);
      },
    });
    expect(steps).toBe(90);
    expect(trained).toBe(90);
    expect(t.epoch).toBe(3);
    expect(t.step).toBe(90);
    // Epochs of 30 steps: a point 25 steps into each, and one at its end.
    expect(POINT_EVERY).toBe(25);
    expect(points.map((p) => Math.round(p.epoch * t.stepsPerEpoch))).toEqual([25, 30, 55, 60, 85, 90]);
    const last = points[points.length - 1] as (typeof points)[number];
    expect(last.testLoss).toBeLessThan(first.testLoss / 2);
    expect(last.testAccuracy).toBeGreaterThan(0.9);
    t.dispose();
  });

  it('reports each step’s gradient norms, equal to ‖∂J/∂W‖ of that batch before its update', () => {
    // One batch of digits: the first step's batch is the whole set in some order, and the mean's gradient does
    // not depend on the order.
    const one: DigitData = { train: synthetic(BATCH, 3), test: synthetic(20, 4) };
    const t = new DigitTrainer(jsKernels, one, 32);
    const norms: number[][] = [];
    t.train({ steps: 2, onStep: (first, second) => norms.push([first, second]) });
    expect(norms).toHaveLength(2);
    // The same first batch on a fresh trainer, by core's gradients (no update): the same norms.
    const u = new DigitTrainer(jsKernels, one, 32);
    // biome-ignore lint/suspicious/noExplicitAny: the model is private; the test reads its gradients
    const model = (u as any).model as Sequential;
    const { grads } = model.gradients(one.train.x, one.train.y, { trace: false });
    const norm = (m: Matrix) => Math.hypot(...m.data);
    const [firstStep, secondStep] = norms as [number[], number[]];
    expect(firstStep[0]).toBeCloseTo(norm((grads[0] as { W: Matrix }).W), 5);
    expect(firstStep[1]).toBeCloseTo(norm((grads[1] as { W: Matrix }).W), 5);
    // The second step's norms are its own (the weights moved), not the first step's again.
    expect(secondStep[1]).not.toBeCloseTo(firstStep[1] as number, 5);
    t.dispose();
    u.dispose();
  });

  it('a pause mid-epoch resumes the same epoch: slices train exactly what one uninterrupted run does', () => {
    const t = new DigitTrainer(jsKernels, data, 32);
    const at: number[] = [];
    const onStep = (_a: number, _b: number, p: ChartPoint | null) => p && at.push(t.step);
    // Paused 10 steps into the first epoch (of 30), then 20 more steps, then a slice of time.
    expect(t.train({ steps: 10, onStep })).toBe(10);
    expect([t.step, t.epoch]).toEqual([10, 0]);
    expect(t.train({ steps: 20, onStep })).toBe(20);
    // The same epoch resumed: it ends at step 30, its points 25 steps in and at its end.
    expect([t.step, t.epoch]).toEqual([30, 1]);
    expect(at).toEqual([25, 30]);
    // A deadline already passed: exactly one step (the next epoch's first).
    expect(t.train({ until: 0, onStep })).toBe(1);
    // To one step before the second epoch's end, then a time slice: it runs on across that end into the next epoch
    // (30 steps take well under the slice's second).
    expect(t.train({ steps: 28, onStep })).toBe(28);
    expect([t.step, t.epoch]).toEqual([59, 1]);
    const sliced = t.train({ until: Date.now() + 1000, onStep });
    expect(sliced).toBeGreaterThanOrEqual(2);
    expect(t.step).toBe(59 + sliced);
    expect(t.epoch).toBe(Math.floor(t.step / 30));
    expect(at.slice(0, 4)).toEqual([25, 30, 55, 60]);
    // One uninterrupted run of as many steps: the same weights, bit for bit.
    const u = new DigitTrainer(jsKernels, data, 32);
    u.train({ steps: t.step });
    expect(u.firstLayerWeights()).toEqual(t.firstLayerWeights());
    // Without a deadline or a count it would never stop: refused, as is a fractional count.
    expect(() => t.train({})).toThrow(/give `until` or `steps`/);
    expect(() => t.train({ steps: 1.5 })).toThrow(/steps must be a whole number ≥ 0, got 1.5/);
    t.dispose();
    u.dispose();
  });

  it('a time slice stops at its deadline, mid-epoch, and the next slice carries on from there', () => {
    const big: DigitData = { train: synthetic(BATCH * 400, 5), test: synthetic(20, 6) };
    const t = new DigitTrainer(jsKernels, big, 32);
    const started = Date.now();
    const first = t.train({ until: started + 30 });
    // Far fewer than an epoch of 400 steps in 30 ms of JavaScript kernels, and at least one.
    expect(first).toBeGreaterThanOrEqual(1);
    expect(first).toBeLessThan(400);
    expect(t.epoch).toBe(0);
    const second = t.train({ until: Date.now() + 30 });
    expect(second).toBeGreaterThanOrEqual(1);
    expect(t.step).toBe(first + second);
    expect(t.epoch).toBe(0);
    t.dispose();
  });

  it('shows a unit: its weights and gradient columns, and core’s inspect agreeing with the backward pass', () => {
    const t = new DigitTrainer(jsKernels, data, 32);
    t.train({ steps: 5 });
    expect(t.step).toBe(5);
    const W = t.firstLayerWeights();
    const view = t.unitView({ unit: 7, pixel: 8 * 28 + 14 });
    expect(view.weights).toHaveLength(PIXELS);
    for (const p of [0, 100, 8 * 28 + 14, 783]) expect(view.weights[p]).toBe(W[p * 32 + 7]);
    expect(view.inspection.value).toBe(view.weights[8 * 28 + 14]);
    expect(view.inspection.gradient).toBeCloseTo(view.gradient[8 * 28 + 14] as number, 6);
    expect(view.inspection.sumOfProducts).toBeCloseTo(view.inspection.gradient, 5);
    // What the inspector's kink note reads: the hidden unit's activation and core's kink counts (none later: the
    // output layer is a softmax).
    expect(view.inspection.activation).toBe('relu');
    expect(Number.isInteger(view.inspection.kinks) && view.inspection.kinks >= 0).toBe(true);
    expect([view.inspection.laterKinks, view.inspection.laterKinkLayers]).toEqual([0, []]);
    expect(view.outgoing).toHaveLength(CLASSES);
    expect(() => t.unitView({ unit: 32, pixel: 0 })).toThrow(/units 0 to 31; unit 32/);
    expect(() => t.unitView({ unit: 0, pixel: 784 })).toThrow(/pixels 0 to 783; pixel 784/);
    t.dispose();
  });

  it('predicts a distribution; reset starts the same run again', () => {
    const t = new DigitTrainer(jsKernels, data, 64);
    const image = data.test.x.data.slice(0, PIXELS);
    const before = t.predict(image);
    expect(before.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // Past the first epoch, so a second run must reshuffle from the start to match.
    t.train({ steps: 33 });
    const run = t.point().testLoss;
    t.reset(64);
    expect(t.step).toBe(0);
    expect(t.predict(image)).toEqual(before);
    t.train({ steps: 33 });
    expect(t.point().testLoss).toBe(run);
    expect(() => t.predict(new Float32Array(10))).toThrow(/784 pixels, got 10/);
    t.dispose();
  });
});
