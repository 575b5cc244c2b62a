import { activationNames, activationTable, lossNames, lossTable, optimizerNames } from '@chainrule/core';
import { describe, expect, it } from 'vitest';
import {
  activationChoices,
  type Config,
  consistencyProblem,
  defaultConfig,
  fromHash,
  lossChoices,
  normalDropout,
  optimizerChoices,
  outputChoices,
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
});
