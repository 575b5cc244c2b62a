import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  Activation,
  activationNames,
  activationTable,
  Dense,
  Dropout,
  jsKernels,
  lossNames,
  lossTable,
  Matrix,
  mlp,
  optimizerNames,
  optimizerTable,
  resolveActivation,
  Sequential,
} from '@chainrule/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../src/commands.js';

const main = new URL('../dist/main.js', import.meta.url).pathname;
const dir = mkdtempSync(path.join(os.tmpdir(), 'chainrule-cli-'));
const at = (f: string) => path.join(dir, f);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  let s = 'x1,x2,species\n';
  for (let i = 0; i < 300; i++) {
    const c = i % 3;
    s += `${(Math.cos(c * 2.1) * 3 + Math.sin(i) * 0.8).toFixed(3)},${(Math.sin(c * 2.1) * 3 + Math.cos(i * 1.7) * 0.8).toFixed(3)},${['setosa', 'versicolor', 'virginica'][c]}\n`;
  }
  writeFileSync(at('iris.csv'), s);
  let r = 'a,b,y\n';
  for (let i = 0; i < 200; i++)
    r += `${Math.sin(i)},${Math.cos(i * 1.3)},${(0.5 * Math.sin(i) - 0.3 * Math.cos(i * 1.3)).toFixed(5)}\n`;
  writeFileSync(at('reg.csv'), r);
});

describe('chainrule train / predict / export', () => {
  it('trains on a CSV, prints a final metrics line, and saves a model core can load', () => {
    const r = cli(
      'train',
      'iris.csv',
      '--target',
      'species',
      '--layers',
      '16,16',
      '--activation',
      'tanh',
      '--loss',
      'softmaxCrossEntropy',
      '--epochs',
      '50',
      '--out',
      'model.json',
      '--kernels',
      'js',
    );
    expect(r.err).toContain(
      'Training 2-16-16-3 (standardized features, tanh, softmax output, adam at 0.01) on 300 rows, js kernels',
    );
    expect(r.code).toBe(0);
    expect(r.out.trim()).toMatch(
      /^epochs 50 · loss \d\.\d{4} · accuracy (9\d|100)\.\d% · [\d.]+ s · saved model\.json$/,
    );
    const json = JSON.parse(readFileSync(at('model.json'), 'utf8'));
    // The class names are the model's own labels (core reads them back); the CLI keeps the columns beside them.
    expect(json.chainruleCli).toEqual({ features: ['x1', 'x2'], target: 'species', task: 'classification' });
    expect(json.labels).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Sequential.fromJSON(json).outputSize).toBe(3);
    expect(Sequential.fromJSON(json).labels).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  it('shows progress on stderr (lines when not a terminal), and validates on a held-out split', () => {
    const r = cli(
      'train',
      'iris.csv',
      '-t',
      'species',
      '-e',
      '5',
      '--validation-split',
      '0.2',
      '-o',
      'm2.json',
    );
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/epoch 5\/5 \| loss [\d.]+ \| accuracy [\d.]+% \| \d+ examples\/s/);
    expect(r.err).toContain('on 240 rows, validating on 60, wasm-');
    expect(r.out).toMatch(/val_loss [\d.]+ · val_accuracy [\d.]+%/);
  });

  it('predicts: class names and probabilities per row', () => {
    const r = cli('predict', 'model.json', 'iris.csv');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('prediction,p_setosa,p_versicolor,p_virginica');
    expect(lines).toHaveLength(301);
    const right = lines
      .slice(1)
      .filter((l, i) => l.startsWith(['setosa', 'versicolor', 'virginica'][i % 3] as string)).length;
    expect(right / 300).toBeGreaterThan(0.95);
  });

  it('regression with mse predicts values', () => {
    expect(
      cli(
        'train',
        'reg.csv',
        '-t',
        'y',
        '--loss',
        'mse',
        '-l',
        '8',
        '-e',
        '200',
        '-r',
        '0.01',
        '-o',
        'reg.json',
      ).code,
    ).toBe(0);
    const lines = cli('predict', 'reg.json', 'reg.csv').out.trim().split('\n');
    expect(lines[0]).toBe('prediction');
    const err =
      lines
        .slice(1)
        .reduce((s, l, i) => s + Math.abs(Number(l) - (0.5 * Math.sin(i) - 0.3 * Math.cos(i * 1.3))), 0) /
      200;
    expect(err).toBeLessThan(0.05);
  });

  it('exports ONNX and TensorFlow.js files', () => {
    const r = cli('export', 'model.json', '--onnx', 'model.onnx', '--tfjs', 'tfjs');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toEqual([
      'wrote model.onnx',
      'wrote tfjs/model.json',
      'wrote tfjs/weights.bin',
    ]);
    expect(readFileSync(at('model.onnx')).length).toBeGreaterThan(1000);
    expect(existsSync(at('tfjs/weights.bin'))).toBe(true);
    expect(cli('export', 'model.json').err).toContain(
      'say what to write: --onnx <file> and/or --tfjs <directory>',
    );
  });
});

describe('bad input: clear errors with line numbers, and a non-zero exit', () => {
  const cases: [string, string, string[], RegExp][] = [
    [
      'ragged rows',
      'x1,x2,y\n1,2,a\n3,4\n',
      [],
      /^chainrule: data\.csv: line 3: expected 3 values \(like the header\), found 2$/,
    ],
    [
      'a non-number',
      'x1,x2,y\n1,2,a\n3,oops,b\n',
      [],
      /^chainrule: data\.csv: line 3, column "x2": "oops" is not a number$/,
    ],
    ['an empty file', '', [], /^chainrule: data\.csv: the file is empty$/],
    ['a header alone', 'x1,x2,y\n', [], /^chainrule: data\.csv: there is a header but no data rows$/],
    [
      'a missing target column',
      'x1,x2,z\n1,2,a\n',
      [],
      /^chainrule: data\.csv: no column named "y" \(columns: x1, x2, z\)$/,
    ],
    ['one class', 'x1,y\n1,a\n2,a\n', [], /^chainrule: data\.csv: "y" has only one class \(a\)$/],
    [
      'a bad option',
      'x1,y\n1,a\n2,b\n',
      ['--epochs', 'ten'],
      /^chainrule: --epochs must be an integer ≥ 1, got "ten"$/,
    ],
    [
      'an unknown loss',
      'x1,y\n1,a\n2,b\n',
      ['--loss', 'hinge'],
      /^chainrule: --loss must be one of mse, halfSquaredError/,
    ],
  ];
  for (const [name, text, extra, message] of cases) {
    it(name, () => {
      writeFileSync(at('data.csv'), text);
      const r = cli('train', 'data.csv', '--target', 'y', '-e', '1', '--no-progress', ...extra);
      expect(r.code).toBe(1);
      expect(r.err.trim().split('\n').at(-1)).toMatch(message);
    });
  }

  it('a missing file, and bad model files', () => {
    expect(cli('train', 'nope.csv', '-t', 'y').err).toContain('chainrule: nope.csv: no such file');
    writeFileSync(
      at('broken.json'),
      '{\n  "format": "chainrule.sequential",\n  "version": 1,\n  "layers": [\n',
    );
    const broken = cli('predict', 'broken.json', 'iris.csv');
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(
      /^chainrule: broken\.json: not valid JSON at (line \d+, column \d+|the end, line 5) \(truncated or corrupted\?\)/,
    );
    writeFileSync(
      at('v2.json'),
      JSON.stringify({ ...JSON.parse(readFileSync(at('model.json'), 'utf8')), version: 2 }),
    );
    expect(cli('predict', 'v2.json', 'iris.csv').err.trim()).toBe(
      'chainrule: v2.json: model JSON .version: this chainrule reads version 1, got 2',
    );
    expect(cli('predict', 'model.json', 'reg.csv').err.trim()).toBe(
      'chainrule: reg.csv: no column named "x1", which the model was trained on (columns: a, b, y)',
    );
  });

  it('usage errors exit 2 and print the help', () => {
    const r = cli('train', 'iris.csv');
    expect(r.code).toBe(2);
    expect(r.err).toContain("error: required option '-t, --target <column>' not specified");
    expect(r.err).toContain('Usage: chainrule train [options] <data.csv>');
  });
});

describe('--help', () => {
  it('lists every command, and every option of train', () => {
    const top = cli('--help');
    expect(top.code).toBe(0);
    for (const c of [
      'train [options] <data.csv>',
      'predict [options] <model.json> <data.csv>',
      'evaluate [options] <model.json> <data.csv>',
      'export [options] <model.json>',
    ])
      expect(top.out).toContain(c);
    const t = cli('train', '--help').out;
    for (const o of [
      '--target',
      '--layers',
      '--activation',
      '--dropout <rate>',
      '--loss',
      '--epochs',
      '--batch-size',
      '--learning-rate',
      '--optimizer',
      '--validation-split',
      '--seed',
      '--kernels',
      '--out',
      '--no-progress',
    ]) {
      expect(t).toContain(o);
    }
    expect(cli('export', '--help').out).toContain('--tfjs <directory>');
  });
});

describe('activations, losses and optimizers come from core’s tables', () => {
  const hiddenNames = activationNames.filter((a) => activationTable[a].kind === 'elementwise');
  const train = (...extra: string[]) =>
    cli(
      'train',
      'iris.csv',
      '-t',
      'species',
      '-l',
      '16,16',
      '-e',
      '50',
      '--kernels',
      'js',
      '--no-progress',
      ...extra,
    );

  for (const activation of ['elu', 'softplus', 'silu']) {
    it(`--activation ${activation} trains to the accuracy tanh reaches`, () => {
      const r = train('--activation', activation, '-o', `${activation}.json`);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toContain(`Training 2-16-16-3 (standardized features, ${activation}`);
      expect(r.out.trim()).toMatch(/^epochs 50 · loss \d\.\d{4} · accuracy (9\d|100)\.\d% · /);
      const json = JSON.parse(readFileSync(at(`${activation}.json`), 'utf8'));
      expect(json.layers[0].type).toBe('normalization'); // standardized by default
      const first = json.layers[1].activation;
      expect(typeof first === 'string' ? first : first.name).toBe(activation);
      expect(cli('predict', `${activation}.json`, 'iris.csv').code).toBe(0);
    });
  }

  it('standardizes by default (a Normalization on the training rows, in the model); --no-standardize does not', () => {
    const on = train('-o', 'std.json');
    expect(on.code, on.err).toBe(0);
    const json = JSON.parse(readFileSync(at('std.json'), 'utf8'));
    expect(json.layers[0]).toMatchObject({ type: 'normalization', size: 2 });
    expect(json.layers[0].mean).toHaveLength(2);
    const off = train('--no-standardize', '-o', 'raw.json');
    expect(off.code, off.err).toBe(0);
    expect(off.err).not.toContain('standardized');
    expect(JSON.parse(readFileSync(at('raw.json'), 'utf8')).layers[0].type).toBe('dense');
    // predict and export take raw features either way (the statistics travel in the model; exporters fold them).
    expect(cli('predict', 'std.json', 'iris.csv').code).toBe(0);
    expect(cli('export', 'std.json', '--onnx', 'std.onnx').code).toBe(0);
  });

  it('name:alpha sets the parameter of the activations that have one, checked by core', () => {
    const r = train('--activation', 'elu:0.7', '-o', 'elu07.json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(
      'Training 2-16-16-3 (standardized features, elu α=0.7, softmax output, adam at 0.01)',
    );
    const json = JSON.parse(readFileSync(at('elu07.json'), 'utf8'));
    expect(json.layers[1].activation).toEqual({ name: 'elu', alpha: 0.7 });
    expect(json.layers[2].activation).toEqual({ name: 'elu', alpha: 0.7 });
    expect(train('-a', 'leakyRelu:0.1', '-e', '1', '-o', 'lr.json').code).toBe(0);
    const cases: [string, string][] = [
      ['elu:0', 'chainrule: --activation: elu alpha must be in (0, 100], got 0'],
      ['leakyRelu:1', 'chainrule: --activation: leakyRelu alpha must be in [0, 1), got 1'],
      ['elu:abc', `chainrule: --activation: elu's alpha must be a number, got "abc"`],
      [
        'relu:0.2',
        'chainrule: --activation: relu has no parameter; only leakyRelu, elu take one (name:alpha), got "relu:0.2"',
      ],
    ];
    for (const [spec, message] of cases) {
      const bad = train('-a', spec, '-e', '1', '-o', 'bad.json');
      expect(bad.code, spec).toBe(1);
      expect(bad.err.trim(), spec).toBe(message);
    }
  });

  it('a bad name lists the known ones; a row-wise activation is refused as a hidden one', () => {
    const bad = train('--activation', 'swish', '-e', '1');
    expect(bad.code).toBe(1);
    expect(bad.err.trim()).toBe(
      `chainrule: --activation must be one of ${hiddenNames.join(', ')}, got "swish"`,
    );
    for (const name of activationNames) {
      if (activationTable[name].kind === 'elementwise') expect(bad.err).toContain(name);
      else expect(bad.err).not.toContain(name);
    }
    const softmax = train('--activation', 'softmax', '-e', '1');
    expect(softmax.code).toBe(1);
    expect(softmax.err).toContain('softmax works on whole rows, so it can only be an output layer');
    const optimizer = train('--optimizer', 'rmsprop', '-e', '1');
    expect(optimizer.code).toBe(1);
    expect(optimizer.err.trim()).toBe(
      `chainrule: --optimizer must be one of ${optimizerNames.join(', ')}, got "rmsprop"`,
    );
    expect(train('--loss', 'hinge', '-e', '1').err.trim()).toBe(
      `chainrule: --loss must be one of ${lossNames.join(', ')}, got "hinge"`,
    );
  });

  it('every optimizer in the table trains (made by resolveOptimizer at --learning-rate)', () => {
    for (const name of optimizerNames) {
      const r = train('--optimizer', name, '-r', '0.05', '-e', '20', '-o', `opt-${name}.json`);
      expect(r.code, `${name}: ${r.err}`).toBe(0);
      expect(r.out, name).toMatch(/accuracy (9\d|100)\.\d%/);
    }
  });

  it('train --help lists every activation, loss and optimizer of the tables with its description', () => {
    const help = cli('train', '--help').out;
    const line = (name: string) => help.split('\n').find((l) => new RegExp(`^\\s+${name}\\s{2,}`).test(l));
    for (const name of activationNames) {
      const entry = activationTable[name];
      if (entry.kind === 'elementwise') {
        expect(line(name), name).toContain(`${entry.label}: ${entry.description}`);
        expect(help).toMatch(
          new RegExp(`--activation <name\\[:alpha\\]>\\s+hidden activation:[^(]*\\b${name}\\b`),
        );
        if (entry.alpha) expect(line(name), name).toContain(`${name}:α with α in`);
      } else {
        expect(help).toContain(`(${name}: row-wise, output layers only)`);
      }
    }
    for (const name of lossNames) expect(line(name), name).toContain(lossTable[name].description);
    for (const name of optimizerNames) expect(line(name), name).toContain(optimizerTable[name].description);
    expect(help).toMatch(/\(default:\s+"tanh"\)/);
    expect(help).toMatch(/\(default:\s+"adam"\)/);
  });
});

describe('--dropout: a Dropout after every hidden layer', () => {
  const train = (...extra: string[]) =>
    cli('train', 'iris.csv', '-t', 'species', '-l', '16,16', '--kernels', 'js', '--no-progress', ...extra);
  type LayerJson = { type: string; name: string; rate?: number; size?: number };

  it('buildModel is core’s mlp without dropout, and the same Dense layers with a Dropout after each hidden one', () => {
    const sizes = [2, 16, 8, 3];
    const common = { loss: 'softmaxCrossEntropy', kernels: jsKernels, seed: 7 } as const;
    const reference = mlp(sizes, { ...common, activation: { name: 'elu', alpha: 0.7 } }).toJSON();
    const activation = resolveActivation({ name: 'elu', alpha: 0.7 });
    expect(buildModel(sizes, { ...common, activation, dropout: 0 }).toJSON()).toEqual(reference);
    const withDropout = buildModel(sizes, { ...common, activation, dropout: 0.3 }).toJSON();
    expect((withDropout.layers as LayerJson[]).map((l) => l.type)).toEqual([
      'dense',
      'dropout',
      'dense',
      'dropout',
      'dense',
    ]);
    const strip = (layers: object[]) => layers.map((l) => ({ ...l, name: undefined }));
    expect(strip((withDropout.layers as LayerJson[]).filter((l) => l.type === 'dense'))).toEqual(
      strip(reference.layers),
    );
  });

  it('train --dropout 0.2 reaches the accuracy bar and saves dropout layers between the Dense layers', () => {
    const r = train('--dropout', '0.2', '-e', '50', '-o', 'dropout.json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(
      'Training 2-16-16-3 (standardized features, tanh, dropout 0.2, softmax output, adam at 0.01) on 300 rows, js kernels',
    );
    expect(r.out.trim()).toMatch(/^epochs 50 · loss \d\.\d{4} · accuracy (9\d|100)\.\d% · /);
    const json = JSON.parse(readFileSync(at('dropout.json'), 'utf8'));
    const layers = json.layers as LayerJson[];
    expect(layers.map((l) => l.type)).toEqual([
      'normalization',
      'dense',
      'dropout',
      'dense',
      'dropout',
      'dense',
    ]);
    for (const i of [2, 4]) expect(layers[i]).toMatchObject({ type: 'dropout', rate: 0.2, size: 16 });
    expect(json.labels).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  it('predict treats dropout as the identity: the same output as the same weights without it', () => {
    const json = JSON.parse(readFileSync(at('dropout.json'), 'utf8'));
    const dense = { ...json, layers: (json.layers as LayerJson[]).filter((l) => l.type !== 'dropout') };
    expect(dense.layers).toHaveLength(4); // the Normalization and three Dense
    writeFileSync(at('dropout-stripped.json'), JSON.stringify(dense));
    const r = cli('predict', 'dropout.json', 'iris.csv');
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(301);
    expect(r.out).toBe(cli('predict', 'dropout-stripped.json', 'iris.csv').out);
    // And against core directly: the probabilities of Sequential.fromJSON without the dropout layers.
    const model = Sequential.fromJSON(dense);
    const rows = readFileSync(at('iris.csv'), 'utf8').trim().split('\n').slice(1);
    const P = model.predict(rows.map((row) => row.split(',').slice(0, 2).map(Number)));
    for (const r of [0, 1, 2, 150, 299])
      expect(lines[r + 1]?.split(',').slice(1)).toEqual([0, 1, 2].map((k) => P.get(r, k).toFixed(6)));
    const right = lines
      .slice(1)
      .filter((l, i) => l.startsWith(['setosa', 'versicolor', 'virginica'][i % 3] as string)).length;
    expect(right / 300).toBeGreaterThan(0.95);
  });

  it('export --onnx / --tfjs write a dropout model', () => {
    const r = cli('export', 'dropout.json', '--onnx', 'dropout.onnx', '--tfjs', 'dropout-tfjs');
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split('\n')).toEqual([
      'wrote dropout.onnx',
      'wrote dropout-tfjs/model.json',
      'wrote dropout-tfjs/weights.bin',
    ]);
    expect(readFileSync(at('dropout.onnx')).length).toBeGreaterThan(1000);
    expect(existsSync(at('dropout-tfjs/weights.bin'))).toBe(true);
  });

  it('refuses a rate outside [0, 1) with a clear message, and dropout without hidden layers', () => {
    const rule =
      'must be a rate in [0, 1) (the fraction of hidden units dropped while training; 1 would drop them all)';
    for (const rate of ['1', 'x', '-0.1', '']) {
      const bad = train('--dropout', rate, '-e', '1', '-o', 'bad.json');
      expect(bad.code, rate).toBe(1);
      expect(bad.err.trim(), rate).toBe(`chainrule: --dropout ${rule}, got "${rate}"`);
    }
    const none = cli('train', 'iris.csv', '-t', 'species', '-l', '', '--dropout', '0.2', '-e', '1');
    expect(none.code).toBe(1);
    expect(none.err.trim()).toBe(
      'chainrule: --dropout 0.2 drops hidden units, but --layers "" has no hidden layers',
    );
  });

  it('predict reads the layer types: a one-column classifier is thresholded by the φ before trailing identities', () => {
    // Dense (linear) → Activation(tanh) → Dropout: a tanh output (threshold 0, not sigmoid's 0.5) that ends in a
    // dropout layer; the last layer's own activation (linear) would say nothing about the threshold.
    const model = new Sequential([new Dense(1, 1), new Activation('tanh'), new Dropout(0.5)], {
      loss: 'mse',
    });
    model.setWeights([
      { W: new Matrix(1, 1, new Float32Array([1])), b: new Float32Array([0]) },
      ...model.getWeights().slice(1),
    ]);
    const meta = { features: ['x'], target: 'y', classes: ['no', 'yes'] };
    writeFileSync(at('tanh-out.json'), JSON.stringify({ ...model.toJSON(), chainruleCli: meta }));
    writeFileSync(at('tanh-in.csv'), 'x\n-0.3\n0.2\n1.5\n');
    const r = cli('predict', 'tanh-out.json', 'tanh-in.csv');
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split('\n')).toEqual([
      'prediction,p_yes',
      `no,${Math.tanh(-0.3).toFixed(6)}`,
      `yes,${Math.tanh(0.2).toFixed(6)}`,
      `yes,${Math.tanh(1.5).toFixed(6)}`,
    ]);
  });
});
