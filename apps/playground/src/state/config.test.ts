import { activationNames, activationTable, lossNames, lossTable, optimizerNames } from '@chainrule/core';
import { describe, expect, it } from 'vitest';
import {
  activationChoices,
  type Config,
  consistencyProblem,
  defaultConfig,
  fromHash,
  lossChoices,
  normalAlphas,
  normalDropout,
  optimizerChoices,
  outputChoices,
  resolvedActivation,
  toHash,
  withLayerDropout,
} from './config';

describe('the config in the URL', () => {
  it('the defaults make an empty hash and read back as the defaults', () => {
    expect(toHash(defaultConfig)).toBe('');
    expect(fromHash('')).toEqual({ config: defaultConfig, notice: null });
  });

  it('round-trips every kind of field', () => {
    const c: Config = {
      ...defaultConfig,
      dataset: 'spiral',
      noise: 25,
      hidden: [8, 3, 1],
      layerActivations: [null, 'relu', null],
      features: ['x1', 'x2', 'sinx1'],
      learningRate: 0.003,
      regularization: 'l2',
      regularizationRate: 0.01,
      optimizer: 'adam',
      discretize: true,
      gradientView: true,
      kernels: 'js',
      speed: 0,
    };
    const hash = toHash(c);
    expect(hash).not.toContain('trainRatio'); // defaults stay out
    expect(fromHash(`#${hash}`)).toEqual({ config: c, notice: null });
  });

  it('refuses bad values with a notice naming the field, and falls back to the defaults', () => {
    const cases: [string, RegExp][] = [
      ['dataset=moons', /“dataset” is not valid/],
      ['hidden=4,banana', /“hidden\.1” is not valid/],
      ['hidden=1,2,3,4,5,6,7', /“hidden” is not valid/],
      ['hidden=9', /“hidden\.0” is not valid/],
      ['learningRate=-1', /“learningRate” is not valid/],
      ['features=', /“features” is not valid/],
      ['discretize=maybe', /“discretize” is not valid/],
      ['bogus=1', /unknown setting “bogus”/],
      [
        'output=softmax&loss=softmaxCrossEntropy',
        /do not fit together \(a softmax output needs the multi-class dataset\)/,
      ],
    ];
    for (const [hash, notice] of cases) {
      const r = fromHash(`#${hash}`);
      expect(r.config, hash).toEqual(defaultConfig);
      expect(r.notice, hash).toMatch(notice);
    }
  });

  it('knows which losses need which outputs', () => {
    expect(consistencyProblem(defaultConfig)).toBeNull();
    expect(consistencyProblem({ ...defaultConfig, output: 'tanh' })).toBe(
      'binary cross-entropy needs a sigmoid output',
    );
    expect(consistencyProblem({ ...defaultConfig, output: 'tanh', loss: 'mse' })).toBeNull();
  });

  it('takes its choices from core’s tables: every element-wise activation for hidden layers, any for the output', () => {
    expect(activationChoices).toEqual(
      activationNames.filter((a) => activationTable[a].kind === 'elementwise'),
    );
    expect(outputChoices).toEqual(activationNames);
    expect(lossChoices).toEqual(lossNames);
    expect(optimizerChoices).toEqual(optimizerNames);
    for (const activation of activationChoices) {
      const c: Config = {
        ...defaultConfig,
        hidden: [3, 3],
        activation,
        layerActivations: [null, activation],
      };
      expect(fromHash(`#${toHash(c)}`), activation).toEqual({ config: c, notice: null });
    }
    for (const optimizer of optimizerChoices) {
      const c: Config = { ...defaultConfig, optimizer };
      expect(fromHash(`#${toHash(c)}`), optimizer).toEqual({ config: c, notice: null });
    }
    // A row-wise activation is no hidden layer's.
    expect(fromHash('#activation=softmax').notice).toMatch(/“activation” is not valid/);
    expect(fromHash('#hidden=2,2&layerActivations=,softmax').notice).toMatch(
      /“layerActivations\.1” is not valid/,
    );
  });

  it('reads the links written before the choices came from the tables', () => {
    const links: [string, Partial<Config>][] = [
      ['activation=relu', { activation: 'relu' }],
      ['activation=leakyRelu&optimizer=momentum', { activation: 'leakyRelu', optimizer: 'momentum' }],
      [
        'hidden=4,2,3&layerActivations=,sigmoid,linear',
        { hidden: [4, 2, 3], layerActivations: [null, 'sigmoid', 'linear'] },
      ],
      [
        'dataset=reg-plane&output=linear&loss=halfSquaredError',
        // (the problem type, a newer field, comes from the dataset)
        { dataset: 'reg-plane', problem: 'regression', output: 'linear', loss: 'halfSquaredError' },
      ],
      ['output=tanh&loss=mse', { output: 'tanh', loss: 'mse' }],
      [
        'dataset=multi&output=softmax&loss=softmaxCrossEntropy&hidden=6&optimizer=adam&speed=0',
        {
          dataset: 'multi',
          problem: 'multi',
          output: 'softmax',
          loss: 'softmaxCrossEntropy',
          hidden: [6],
          optimizer: 'adam',
          speed: 0,
        },
      ],
    ];
    for (const [hash, changes] of links)
      expect(fromHash(`#${hash}`), hash).toEqual({ config: { ...defaultConfig, ...changes }, notice: null });
  });

  it('checks each fused loss against its output activation from the loss table', () => {
    for (const loss of lossNames) {
      const fused = lossTable[loss].fusedActivation;
      const dataset = fused === 'softmax' ? 'multi' : 'circle';
      if (fused)
        expect(consistencyProblem({ ...defaultConfig, dataset, loss, output: fused }), loss).toBeNull();
      else
        expect(
          consistencyProblem({ ...defaultConfig, dataset: 'reg-plane', loss, output: 'silu' }),
          loss,
        ).toBeNull();
    }
    expect(consistencyProblem({ ...defaultConfig, dataset: 'multi', output: 'sigmoid', loss: 'mse' })).toBe(
      'the multi-class dataset needs a softmax output',
    );
  });

  it('keeps a dropout rate per hidden layer in the link; links without one (older ones) have none', () => {
    const c: Config = { ...defaultConfig, hidden: [4, 2, 3], dropout: [0.3, 0, 0.5] };
    const hash = toHash(c);
    expect(hash).toBe('hidden=4%2C2%2C3&dropout=0.3%2C0%2C0.5');
    expect(fromHash(`#${hash}`)).toEqual({ config: c, notice: null });
    expect(fromHash('#hidden=4,2,3&layerActivations=,sigmoid,linear').config.dropout).toEqual([]);
    // Trailing zeros and rates beyond the hidden layers are dropped, so "none" is always the default [].
    expect(fromHash('#dropout=0.3,0').config.dropout).toEqual([0.3]);
    expect(fromHash('#dropout=0,0').config.dropout).toEqual([]);
    expect(fromHash('#hidden=3&dropout=0.1,0.2').config.dropout).toEqual([0.1]);
    expect(normalDropout([0, 0.2, 0, 0], 4)).toEqual([0, 0.2]);
    expect(withLayerDropout({ ...defaultConfig, dropout: [0, 0.2] }, 1, 0)).toEqual([]);
    expect(withLayerDropout(defaultConfig, 1, 0.3)).toEqual([0, 0.3]);
    for (const [hash, notice] of [
      ['dropout=1', /“dropout\.0” is not valid/],
      ['dropout=0.2,-0.1', /“dropout\.1” is not valid/],
      ['dropout=half', /“dropout\.0” is not valid/],
    ] as const) {
      const r = fromHash(`#${hash}`);
      expect(r.config, hash).toEqual(defaultConfig);
      expect(r.notice, hash).toMatch(notice);
    }
  });

  it('keeps each layer’s α (leaky ReLU’s slope, ELU’s α) in the link, checked against core’s range', () => {
    const c: Config = {
      ...defaultConfig,
      dataset: 'reg-plane',
      problem: 'regression',
      loss: 'mse',
      hidden: [4, 2, 3],
      activation: 'elu',
      layerActivations: [null, 'leakyRelu', 'tanh'],
      alphas: [0.7, 0.2],
      output: 'elu',
      outputAlpha: 2.5,
    };
    const hash = toHash(c);
    expect(hash).toContain('alphas=0.7%2C0.2');
    expect(hash).toContain('outputAlpha=2.5');
    expect(fromHash(`#${hash}`)).toEqual({ config: c, notice: null });
    // What the worker builds: each Dense layer's activation with its α (the table's default where none is set).
    expect([0, 1, 2, 3].map((l) => resolvedActivation(c, l))).toEqual([
      { name: 'elu', alpha: 0.7 },
      { name: 'leakyRelu', alpha: 0.2 },
      { name: 'tanh', alpha: 0 },
      { name: 'elu', alpha: 2.5 },
    ]);
    expect(resolvedActivation({ ...c, alphas: [] }, 0)).toEqual({
      name: 'elu',
      alpha: activationTable.elu.alpha?.default,
    });
    // An empty entry is the default; an α where the activation takes none, or equal to the default, is dropped.
    expect(fromHash('#activation=elu&hidden=2,2&alphas=,0.5').config.alphas).toEqual([null, 0.5]);
    expect(fromHash('#hidden=2,2&alphas=0.5').config.alphas).toEqual([]); // tanh has no α
    expect(fromHash('#activation=leakyRelu&alphas=0.01,0.01').config.alphas).toEqual([]);
    expect(normalAlphas({ ...c, hidden: [4] })).toEqual([0.7]);
    // Out of range, or not a number: the defaults, and a notice naming the layer, the activation and the range.
    for (const [hash, notice] of [
      ['activation=leakyRelu&alphas=0.1,1', /hidden layer 2: leakyRelu alpha must be in \[0, 1\), got 1/],
      ['activation=elu&alphas=0', /hidden layer 1: elu alpha must be in \(0, 100\], got 0/],
      [
        'dataset=reg-plane&output=elu&loss=mse&outputAlpha=-1',
        /the output layer: elu alpha must be in \(0, 100\], got -1/,
      ],
      ['activation=elu&alphas=big', /“alphas\.0” is not valid/],
    ] as const) {
      const r = fromHash(`#${hash}`);
      expect(r.config, hash).toEqual(defaultConfig);
      expect(r.notice, hash).toMatch(notice);
    }
  });
});
