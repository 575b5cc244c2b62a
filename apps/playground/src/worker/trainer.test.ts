import { activationTable, Dense, jsKernels, optimizerNames, Sequential } from '@chainrule/core';
import { describe, expect, it } from 'vitest';
import { generatePoints, splitPoints } from '../data/datasets';
import { type Config, defaultConfig } from '../state/config';
import { GRID, Trainer } from './trainer';

function trainer(changes: Partial<Config> = {}) {
  const config = { ...defaultConfig, ...changes };
  const { train, test } = splitPoints(generatePoints(config, []), config.trainRatio, config.seed);
  const t = new Trainer(jsKernels);
  t.configure(config, train, test);
  return { t, config, train, test };
}

describe('the trainer behind the worker', () => {
  it('trains the circle: loss falls and accuracy rises over epochs', () => {
    const { t } = trainer();
    const before = t.snapshot(false, { steps: 0, epochs: 0 }, false);
    for (let i = 0; i < 300; i++) t.trainEpoch();
    const after = t.snapshot(true, { steps: 0, epochs: 0 }, false);
    expect(after.epoch).toBe(300);
    expect(after.iterations).toBe(300 * 25);
    expect(after.lossTrain).toBeLessThan(before.lossTrain / 3);
    expect(after.accTest).toBeGreaterThan(0.95);
    expect(after.heatmaps?.size).toBe(GRID);
    expect(after.heatmaps?.offsets.map((l) => l.length)).toEqual([4, 2, 1]);
    expect(after.heatmaps?.data.length).toBe(7 * GRID * GRID);
  });

  it('a learning-rate change keeps the weights and the optimizer’s moments: Adam trains on as if never paused', () => {
    const a = trainer({ optimizer: 'adam', learningRate: 0.03 });
    const b = trainer({ optimizer: 'adam', learningRate: 0.03 });
    for (let i = 0; i < 5; i++) {
      a.t.trainEpoch();
      b.t.trainEpoch();
    }
    // Down and back up: had the optimizer been rebuilt, its moments and step count would start over.
    a.t.configure({ ...a.config, learningRate: 0.01 }, a.train, a.test, true);
    a.t.configure({ ...a.config, learningRate: 0.03 }, a.train, a.test, true);
    for (let i = 0; i < 5; i++) {
      a.t.trainEpoch();
      b.t.trainEpoch();
    }
    const rates = { steps: 0, epochs: 0 };
    expect(a.t.snapshot(false, rates, false).layers).toEqual(b.t.snapshot(false, rates, false).layers);
    // And the rate does change what training does.
    a.t.configure({ ...a.config, learningRate: 0.3 }, a.train, a.test, true);
    a.t.trainEpoch();
    b.t.trainEpoch();
    expect(a.t.snapshot(false, rates, false).layers).not.toEqual(b.t.snapshot(false, rates, false).layers);
  });

  it('the inspector’s chain of terms sums to the backward pass’s gradient, and the finite difference agrees', () => {
    const { t } = trainer({ regularization: 'l2', regularizationRate: 0.01 });
    for (let i = 0; i < 5; i++) t.trainEpoch();
    for (const target of [
      { kind: 'weight' as const, layer: 0, from: 1, to: 2 },
      { kind: 'weight' as const, layer: 2, from: 0, to: 0 },
      { kind: 'bias' as const, layer: 1, unit: 1 },
    ]) {
      const i = t.inspect(target);
      expect(i.examples).toBe(250);
      expect(Math.abs(i.sumOfProducts + i.regularization - i.gradient)).toBeLessThan(
        1e-6 * Math.max(1, Math.abs(i.gradient)),
      );
      expect(Math.abs(i.finiteDifference - i.gradient)).toBeLessThan(0.02 * Math.abs(i.gradient) + 2e-5);
      for (const r of i.rows) {
        expect(r.product).toBeCloseTo(r.dZ * r.dzdw, 10);
        if (r.dadz !== null) expect(r.dZ).toBeCloseTo(r.dA * r.dadz, 6);
      }
    }
    expect(t.inspect({ kind: 'bias', layer: 0, unit: 0 }).regularization).toBe(0);
  });

  it('a traced iteration carries each layer’s intermediates and the update it made', () => {
    const { t } = trainer({ batchSize: 7 });
    const it0 = t.iterate();
    expect(it0.batch).toBe(7);
    expect(it0.layers.map((l) => [l.inputs, l.units])).toEqual([
      [2, 4],
      [4, 2],
      [2, 1],
    ]);
    const l0 = it0.layers[0]!;
    expect(l0.Z.length).toBe(7 * 4);
    // SGD: W_after = W_before − η ∂J/∂W
    for (let i = 0; i < l0.Wbefore.length; i++) {
      expect(l0.Wafter[i]).toBeCloseTo((l0.Wbefore[i] as number) - 0.03 * (l0.dW[i] as number), 6);
    }
  });

  it('edits a weight, and refuses ones that do not exist', () => {
    const { t } = trainer();
    t.setWeight(1, 3, 1, 2.5);
    expect(t.snapshot(false, { steps: 0, epochs: 0 }, false).layers[1]!.W[3 * 2 + 1]).toBe(2.5);
    expect(() => t.setWeight(1, 4, 0, 1)).toThrow('there is no weight from unit 4 to unit 0 in layer 2');
    expect(() => t.setWeight(0, 0, 0, Number.NaN)).toThrow(/not a finite number/);
  });

  it('exports the model as core JSON and imports it back, architecture included', () => {
    const a = trainer({ hidden: [5, 3], activation: 'relu' }).t;
    for (let i = 0; i < 3; i++) a.trainEpoch();
    const json = a.exportModel();
    expect(Sequential.fromJSON(json).layers.map((l) => l.outputSize)).toEqual([5, 3, 1]);
    const b = trainer().t;
    const changes = b.importModel(json);
    expect(changes).toMatchObject({
      hidden: [5, 3],
      activation: 'relu',
      output: 'sigmoid',
      loss: 'binaryCrossEntropy',
    });
    expect(b.snapshot(false, { steps: 0, epochs: 0 }, false).layers[0]!.W).toEqual(
      a.snapshot(false, { steps: 0, epochs: 0 }, false).layers[0]!.W,
    );
    const three = trainer({ features: ['x1', 'x2', 'x1x2'] }).t;
    expect(() => three.importModel(json)).toThrow('the model takes 2 inputs but 3 features are on');
    expect(() => b.importModel('{"format":"chainrule.sequential"')).toThrow(/not valid JSON/);
  });

  it('keeps the weights when only the learning rate changes, and starts over when the architecture does', () => {
    const { t, config, train, test } = trainer();
    for (let i = 0; i < 3; i++) t.trainEpoch();
    const w = t.snapshot(false, { steps: 0, epochs: 0 }, false).layers[0]!.W;
    t.configure({ ...config, learningRate: 0.1 }, train, test, true);
    expect(t.snapshot(false, { steps: 0, epochs: 0 }, false).layers[0]!.W).toEqual(w);
    expect(t.epoch).toBe(3);
    t.configure({ ...config, hidden: [3] }, train, test, true);
    expect(t.epoch).toBe(0);
  });

  it('a network with SiLU hidden layers trains the circle to over 90% test accuracy', () => {
    const { t } = trainer({ activation: 'silu', hidden: [4, 4] });
    for (let i = 0; i < 300; i++) t.trainEpoch();
    const after = t.snapshot(false, { steps: 0, epochs: 0 }, false);
    expect(after.layers.map((l) => l.activation)).toEqual(['silu', 'silu', 'sigmoid']);
    expect(after.accTest).toBeGreaterThan(0.9);
    // The inspector's ∂a/∂z is the table's derivative: ∂J/∂z = ∂J/∂a · ∂a/∂z per example.
    const i = t.inspect({ kind: 'weight', layer: 1, from: 2, to: 1 });
    expect(i.activation).toBe('silu');
    expect(Math.abs(i.sumOfProducts - i.gradient)).toBeLessThan(1e-6 * Math.max(1, Math.abs(i.gradient)));
    for (const r of i.rows) {
      expect(r.dadz).not.toBeNull();
      expect(r.dZ).toBeCloseTo(r.dA * (r.dadz as number), 6);
    }
  });

  it('every optimizer of the table trains, and a row-wise output has no single ∂a/∂z', () => {
    for (const optimizer of optimizerNames) {
      const { t } = trainer({ optimizer, learningRate: optimizer === 'adam' ? 0.03 : 0.1 });
      const before = t.snapshot(false, { steps: 0, epochs: 0 }, false).lossTrain;
      for (let i = 0; i < 20; i++) t.trainEpoch();
      expect(t.snapshot(false, { steps: 0, epochs: 0 }, false).lossTrain, optimizer).toBeLessThan(before);
    }
    const { t } = trainer({
      dataset: 'multi',
      output: 'softmax',
      loss: 'softmaxCrossEntropy',
      activation: 'elu',
    });
    t.trainEpoch();
    expect(activationTable.softmax.kind).toBe('rowwise');
    expect(t.inspect({ kind: 'bias', layer: 2, unit: 0 }).rows.every((r) => r.dadz === null)).toBe(true);
    expect(t.inspect({ kind: 'bias', layer: 0, unit: 0 }).rows.every((r) => r.dadz !== null)).toBe(true);
  });

  it('imports a model with any hidden activation the selects offer, and refuses a row-wise hidden layer', () => {
    const a = trainer({ activation: 'softplus', layerActivations: [null, 'silu'] }).t;
    const changes = trainer().t.importModel(a.exportModel());
    expect(changes).toMatchObject({ activation: 'softplus', layerActivations: [null, 'silu'] });
    const softmaxHidden = new Sequential(
      [new Dense(2, 3, { activation: 'softmax' }), new Dense(3, 1, { activation: 'sigmoid' })],
      { loss: 'binaryCrossEntropy', kernels: jsKernels },
    );
    expect(() => trainer().t.importModel(JSON.stringify(softmaxHidden.toJSON()))).toThrow(
      /the model has a softmax hidden layer; the playground's hidden layers take linear, sigmoid, tanh/,
    );
  });
});
