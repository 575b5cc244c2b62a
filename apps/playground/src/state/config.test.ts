import { describe, expect, it } from 'vitest';
import { type Config, consistencyProblem, defaultConfig, fromHash, toHash } from './config';

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
});
