import { describe, expect, it } from 'vitest';
import { generatePoints, type Point } from '../data/datasets';
import { type Config, defaultConfig, fromHash, toHash } from './config';
import { decodePoints, encodePoints, linkHash, readLink, STORAGE_KEY, STORED, URL_LIMIT } from './link';

const custom = (problem: Config['problem'], changes: Partial<Config> = {}): Config => ({
  ...defaultConfig,
  dataset: 'custom',
  problem,
  ...changes,
});

/** A Storage stand-in with one key. */
function memory(initial: Record<string, string> = {}): Pick<Storage, 'getItem' | 'setItem'> {
  const map = new Map(Object.entries(initial));
  return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

const samples: [Config['problem'], Point[], Config['output'], Config['loss']][] = [
  [
    'binary',
    [
      { x: 1.5, y: -2.25, label: 1 },
      { x: -0.001, y: 5.999, label: 0 },
    ],
    'sigmoid',
    'binaryCrossEntropy',
  ],
  [
    'multi',
    [
      { x: 0, y: 0, label: 0 },
      { x: 1, y: 1, label: 1 },
      { x: -3.125, y: 2, label: 2 },
    ],
    'softmax',
    'softmaxCrossEntropy',
  ],
  [
    'regression',
    [
      { x: 0.1, y: 0.2, label: 0.30000000000000004 },
      { x: -6, y: 6, label: -1 },
    ],
    'linear',
    'mse',
  ],
];

describe('custom points in the link', () => {
  it('round-trips custom points of every problem type, with the problem type and the seed', () => {
    for (const [problem, points, output, loss] of samples) {
      const config = custom(problem, { seed: 42, output, loss });
      const { hash, overflow } = linkHash(config, points);
      expect(overflow).toBeNull();
      expect(hash).toContain('points=');
      expect(hash).toContain('seed=42');
      if (problem !== 'binary') expect(hash).toContain(`problem=${problem}`);
      const read = readLink(`#${hash}`, null);
      expect(read.notice, problem).toBeNull();
      expect(read.config).toEqual(config);
      expect(read.custom).toEqual(points);
    }
    expect(decodePoints(encodePoints([]))).toEqual([]);
  });

  it('keeps old links working: no problem field for built-in datasets, which decide it', () => {
    expect(
      toHash({
        ...defaultConfig,
        dataset: 'multi',
        problem: 'multi',
        output: 'softmax',
        loss: 'softmaxCrossEntropy',
      }),
    ).not.toContain('problem');
    const old = readLink('#dataset=multi&output=softmax&loss=softmaxCrossEntropy', null);
    expect(old.notice).toBeNull();
    expect(old.config.problem).toBe('multi');
    expect(fromHash('#dataset=reg-plane&output=linear&loss=mse').config.problem).toBe('regression');
    // A built-in dataset's problem type wins over a stray field.
    expect(fromHash('#dataset=circle&problem=regression').config.problem).toBe('binary');
    // A custom link from before points travelled: empty, and it says so.
    const bare = readLink('#dataset=custom', null);
    expect(bare.custom).toEqual([]);
    expect(bare.notice).toMatch(/custom dataset but no points/);
  });

  it('a custom copy of a 500-point built-in dataset fits in the link', () => {
    for (const dataset of ['spiral', 'multi', 'reg-gauss'] as const) {
      const { hash, overflow } = linkHash(
        custom('binary'),
        generatePoints({ dataset, noise: 50, seed: 9 }, []),
      );
      expect(overflow, dataset).toBeNull();
      expect(hash.length).toBeLessThan(URL_LIMIT);
    }
  });

  it('puts too many points in storage instead, and reads them back from there', () => {
    const points = [1, 2, 3, 4].flatMap((seed) =>
      generatePoints({ dataset: 'reg-gauss', noise: 10, seed }, []),
    );
    const config = custom('regression', { output: 'linear', loss: 'mse' });
    const { hash, overflow } = linkHash(config, points);
    expect(overflow).not.toBeNull();
    expect(overflow?.length).toBeGreaterThan(URL_LIMIT);
    expect(hash.length).toBeLessThan(URL_LIMIT);
    expect(new URLSearchParams(hash).get('points')).toBe(STORED);
    const storage = memory();
    storage.setItem(STORAGE_KEY, overflow?.encoded as string);
    const read = readLink(`#${hash}`, storage);
    expect(read.notice).toBeNull();
    expect(read.custom).toEqual(points);
    // Another browser has no such storage: an empty dataset and a notice saying why.
    const elsewhere = readLink(`#${hash}`, memory());
    expect(elsewhere.custom).toEqual([]);
    expect(elsewhere.notice).toMatch(/kept in the storage of the browser that made it/);
    // A smaller limit sends even a few points to storage.
    expect(linkHash(config, samples[2]![1], 50).overflow).not.toBeNull();
  });

  it('reports broken or misfitting points instead of failing', () => {
    expect(readLink('#dataset=custom&points=%%%garbage', null).notice).toMatch(/could not be read/);
    const three = encodePoints([{ x: 0, y: 0, label: 2 }]);
    expect(readLink(`#dataset=custom&points=${three}`, null).notice).toMatch(
      /do not fit its problem type \(the label must be 0 or 1, found 2\.\)/,
    );
    expect(
      readLink(`#dataset=custom&points=${encodePoints([{ x: 40, y: 0, label: 1 }])}`, null).notice,
    ).toMatch(/outside the plane/);
  });
});
