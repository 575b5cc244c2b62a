import { jsKernels } from '@chainrule/core';
import { describe, expect, it } from 'vitest';
import { generatePoints, splitPoints } from '../data/datasets';
import { type Config, defaultConfig, fromHash, toHash } from '../state/config';
import { Trainer } from './trainer';

function trainer(changes: Partial<Config> = {}) {
  const config = { ...defaultConfig, ...changes };
  const { train, test } = splitPoints(generatePoints(config, []), config.trainRatio, config.seed);
  const t = new Trainer(jsKernels);
  t.configure(config, train, test);
  return { t, config };
}

const rates = { steps: 0, epochs: 0 };
const weights = (t: Trainer) => t.snapshot(false, rates, false).layers.map((l) => Array.from(l.W));

describe('the weights’ seed and bias edits', () => {
  it('the initial weights follow initSeed (not the data’s seed), and the same seed gives the same weights', () => {
    const a = weights(trainer({ initSeed: 7 }).t);
    expect(weights(trainer({ initSeed: 7 }).t)).toEqual(a);
    expect(weights(trainer({ initSeed: 8 }).t)).not.toEqual(a);
    // The data's seed moves the points, not the starting weights.
    expect(weights(trainer({ initSeed: 7, seed: 3 }).t)).toEqual(a);
  });

  it('the link carries initSeed (only when it is not the default) and reads it back; a bad one is named', () => {
    expect(toHash(defaultConfig)).not.toContain('initSeed');
    const hash = toHash({ ...defaultConfig, initSeed: 123456 });
    expect(hash).toBe('initSeed=123456');
    expect(fromHash(hash).config.initSeed).toBe(123456);
    expect(fromHash('initSeed=-4').notice).toMatch(/“initSeed” is not valid/);
  });

  it('setBias sets one unit’s bias of a page layer and nothing else; a bad unit or value is refused', () => {
    const { t } = trainer();
    const before = t.snapshot(false, rates, false).layers;
    t.setBias(1, 1, 0.75);
    const after = t.snapshot(false, rates, false).layers;
    expect(after[1]?.b[1]).toBe(0.75);
    expect(after[1]?.b[0]).toBe(before[1]?.b[0]);
    expect(Array.from(after[0]?.b ?? [])).toEqual(Array.from(before[0]?.b ?? []));
    expect(after.map((l) => Array.from(l.W))).toEqual(before.map((l) => Array.from(l.W)));
    expect(() => t.setBias(1, 2, 1)).toThrow('there is no unit 3 in layer 2');
    expect(() => t.setBias(0, 0, Number.NaN)).toThrow('NaN is not a finite number');
  });
});
