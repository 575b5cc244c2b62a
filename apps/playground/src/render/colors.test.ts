import { activationNames, activationTable, type Matrix } from '@chainrule/core';
import { describe, expect, it } from 'vitest';
import { targetMatrix } from '../data/datasets';
import { classScale, outputUnits } from '../state/config';
import { normalizer } from './colors';

describe('colours and targets from core’s activation table', () => {
  it('maps a classifier’s two class values to the ends and its threshold to the middle; anything else as it is', () => {
    const at = (name: Parameters<typeof normalizer>[0], values: number[]) => values.map(normalizer(name));
    expect(at('sigmoid', [0, 0.25, 0.5, 1])).toEqual([-1, -0.5, 0, 1]);
    expect(at('softmax', [0, 0.5, 1])).toEqual([-1, 0, 1]);
    expect(at('tanh', [-1, -0.5, 0, 1])).toEqual([-1, -0.5, 0, 1]);
    for (const name of ['linear', 'relu', 'leakyRelu', 'elu', 'softplus', 'silu'] as const)
      expect(at(name, [-3, 0, 0.5, 2]), name).toEqual([-3, 0, 0.5, 2]);
    // Every activation of the table is one or the other, by its classification threshold.
    for (const name of activationNames) {
      const t = activationTable[name].classificationThreshold;
      expect(classScale(name) === null, name).toBe(t === null);
      if (t !== null) expect(normalizer(name)(t), name).toBe(0);
    }
  });

  it('writes the targets each output wants: 0/1 for sigmoid, ±1 for tanh, one-hot for softmax, labels otherwise', () => {
    const points = [
      { x: 0, y: 0, label: 1 },
      { x: 1, y: 1, label: 0 },
    ];
    const binary = { dataset: 'circle', problem: 'binary' } as const;
    const data = (m: Matrix) => Array.from(m.data);
    expect(data(targetMatrix(points, { ...binary, output: 'sigmoid' }))).toEqual([1, 0]);
    expect(data(targetMatrix(points, { ...binary, output: 'tanh' }))).toEqual([1, -1]);
    expect(data(targetMatrix(points, { ...binary, output: 'linear' }))).toEqual([1, 0]);
    const multi = targetMatrix([...points, { x: 2, y: 2, label: 2 }], {
      dataset: 'multi',
      problem: 'multi',
      output: 'softmax',
    });
    expect([multi.rows, multi.cols]).toEqual([3, outputUnits({ output: 'softmax' })]);
    expect(data(multi)).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 1]);
    // Regression keeps the values, whatever the output.
    const values = [{ x: 0, y: 0, label: -0.4 }];
    expect(
      data(targetMatrix(values, { dataset: 'reg-plane', problem: 'regression', output: 'tanh' })),
    ).toEqual([Math.fround(-0.4)]);
  });
});
