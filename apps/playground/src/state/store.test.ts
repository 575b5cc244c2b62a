import { beforeEach, describe, expect, it } from 'vitest';
import { generatePoints } from '../data/datasets';
import { type Config, defaultConfig } from './config';
import { usePlayground } from './store';

const fresh = usePlayground.getState();
const s = () => usePlayground.getState();

beforeEach(() => {
  usePlayground.setState(fresh, true);
});

describe('the data in the store', () => {
  it('a click adds a point to a copy of the built-in data, and undo takes it back', () => {
    s().update({ dataset: 'xor' });
    const builtIn = generatePoints({ dataset: 'xor', noise: 0, seed: 1 }, []);
    expect(s().points).toHaveLength(500);
    s().addPoint({ x: 1, y: 2, label: 1 });
    expect(s().config.dataset).toBe('custom');
    expect(s().config.problem).toBe('binary');
    expect(s().custom).toHaveLength(501);
    expect(s().points).toHaveLength(501);
    // The built-in points are all there (to three decimals), the new one last.
    s()
      .custom.slice(0, 500)
      .forEach((p, i) => {
        const q = builtIn[i]!;
        expect(Math.abs(p.x - q.x)).toBeLessThanOrEqual(0.0005);
        expect(Math.abs(p.y - q.y)).toBeLessThanOrEqual(0.0005);
        expect(p.label).toBe(q.label);
      });
    expect(s().custom[500]).toEqual({ x: 1, y: 2, label: 1 });
    expect(s().train.length + s().test.length).toBe(501);
    s().addPoint({ x: -1, y: -2, label: 0 });
    expect(s().points).toHaveLength(502);
    expect(s().undo).toHaveLength(2);

    expect(s().undoData()).toBe(true);
    expect(s().points).toHaveLength(501);
    expect(s().points[500]).toEqual({ x: 1, y: 2, label: 1 });
    expect(s().undoData()).toBe(true);
    expect(s().config.dataset).toBe('xor');
    expect(s().points).toEqual(builtIn);
    expect(s().undoData()).toBe(false);
  });

  it('custom data splits stably: a new point moves no other between train and test, and is always shown', () => {
    s().update({ dataset: 'circle' });
    s().addPoint({ x: 0, y: 0, label: 1 });
    const trainBefore = new Set(s().train);
    const testBefore = new Set(s().test);
    for (let i = 0; i < 6; i++) {
      usePlayground.setState({ config: { ...s().config, showTest: false } });
      s().addPoint({ x: i, y: -i, label: i % 2 });
      const added = s().points.at(-1);
      // The new point is in the train set, or the test set is shown.
      expect(s().train.includes(added!) || s().config.showTest).toBe(true);
    }
    const train = new Set(s().train.map((p) => `${p.x},${p.y},${p.label}`));
    for (const p of trainBefore) expect(train.has(`${p.x},${p.y},${p.label}`)).toBe(true);
    const test = new Set(s().test.map((p) => `${p.x},${p.y},${p.label}`));
    for (const p of testBefore) expect(test.has(`${p.x},${p.y},${p.label}`)).toBe(true);
    expect(s().train.length / s().points.length).toBeGreaterThan(0.4);
    expect(s().train.length / s().points.length).toBeLessThan(0.6);
  });

  it('keeps the problem type and the output of the data a click copies', () => {
    s().update({ dataset: 'multi' });
    s().setClickClass(2);
    s().addPoint({ x: 0, y: 0, label: s().clickClass });
    expect(s().config).toMatchObject({ dataset: 'custom', problem: 'multi', output: 'softmax' });
    expect(s().points.at(-1)?.label).toBe(2);
    s().update({ dataset: 'reg-gauss' });
    s().addPoint({ x: 0, y: 0, label: -1 });
    expect(s().config).toMatchObject({
      dataset: 'custom',
      problem: 'regression',
      output: 'linear',
      loss: 'mse',
    });
    // Undo goes back to the built-in regression data, then (past the dataset switch, which is no data change of
    // the user's) to the three-class custom points.
    s().undoData();
    expect(s().config.dataset).toBe('reg-gauss');
    s().undoData();
    expect(s().config).toMatchObject({ dataset: 'multi', problem: 'multi' });
  });

  it('the problem-type selector switches built-in datasets, and converts custom labels undoably', () => {
    s().setProblem('regression');
    expect(s().config).toMatchObject({ dataset: 'reg-plane', problem: 'regression', output: 'linear' });
    s().setProblem('multi');
    expect(s().config).toMatchObject({ dataset: 'multi', problem: 'multi', output: 'softmax' });
    s().setCustom([
      { x: 0, y: 0, label: 0 },
      { x: 1, y: 1, label: 2 },
    ]);
    s().setProblem('binary');
    expect(s().config).toMatchObject({ dataset: 'custom', problem: 'binary', output: 'sigmoid' });
    expect(s().custom.map((p) => p.label)).toEqual([0, 1]);
    expect(s().notice).toMatch(/1 of the 2 points’ labels were converted; Undo brings them back/);
    s().undoData();
    expect(s().config.problem).toBe('multi');
    expect(s().custom.map((p) => p.label)).toEqual([0, 2]);
  });

  it('clearing and importing are undoable too, and the CSV’s problem type is taken', () => {
    s().setCustom([{ x: 0, y: 0, label: 0.5 }], 'regression');
    expect(s().config).toMatchObject({ dataset: 'custom', problem: 'regression', output: 'linear' });
    s().setCustom([]);
    expect(s().points).toEqual([]);
    s().undoData();
    expect(s().points).toEqual([{ x: 0, y: 0, label: 0.5 }]);
    s().undoData();
    expect(s().config).toMatchObject({ dataset: defaultConfig.dataset, problem: 'binary' });
  });
});

describe('the config in the store', () => {
  it('an α belongs to its activation: a layer whose activation changes drops it, the others keep theirs', () => {
    const withAlphas: Config = {
      ...defaultConfig,
      dataset: 'reg-plane',
      problem: 'regression',
      loss: 'mse',
      output: 'elu',
      outputAlpha: 0.5,
      hidden: [3, 3],
      activation: 'elu',
      layerActivations: [null, 'leakyRelu'],
      alphas: [0.7, 0.2],
    };
    usePlayground.setState({ config: withAlphas });
    s().update({ layerActivations: [null, 'elu'] });
    expect(s().config.alphas).toEqual([0.7]);
    expect(s().config.outputAlpha).toBe(0.5);
    // Changes elsewhere keep the first layer’s α (the second, back to leaky ReLU, starts from its default).
    s().update({ learningRate: 0.1, layerActivations: [null, 'leakyRelu'] });
    s().update({ hidden: [3, 3, 2] });
    expect(s().config.alphas).toEqual([0.7]);
    s().update({ output: 'linear' });
    expect(s().config.outputAlpha).toBeNull();
    // The global activation changes every layer: no α is left.
    s().update({ activation: 'relu', layerActivations: [] });
    expect(s().config.alphas).toEqual([]);
  });
});
