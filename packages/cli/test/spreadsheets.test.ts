import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jsKernels, lossNames, lossTable, Matrix, mlp } from '@chainrule/core';
import { describe, expect, it } from 'vitest';
import { inferTask } from '../src/commands.js';
import { sniffDelimiter } from '../src/table.js';

// Spreadsheets as Excel and friends save them: a BOM, semicolons or tabs, labels that are numbers.

const main = new URL('../dist/main.js', import.meta.url).pathname;
const dir = mkdtempSync(path.join(os.tmpdir(), 'chainrule-sheets-'));
const at = (f: string) => path.join(dir, f);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Three well-separated blobs, `n` rows, as rows of [x1, x2, class index]. */
function blobs(n: number): [string, string, number][] {
  return Array.from({ length: n }, (_, i) => {
    const c = i % 3;
    return [
      (Math.cos(c * 2.1) * 3 + Math.sin(i) * 0.5).toFixed(3),
      (Math.sin(c * 2.1) * 3 + Math.cos(i * 1.7) * 0.5).toFixed(3),
      c,
    ];
  });
}
const names = ['setosa', 'versicolor', 'virginica'];
const quick = ['-e', '30', '-l', '8', '--kernels', 'js', '--no-progress'];
const meta = (file: string) => JSON.parse(readFileSync(at(file), 'utf8')).chainruleCli;
const labels = (file: string) => JSON.parse(readFileSync(at(file), 'utf8')).labels;

describe('reading spreadsheets: BOM, delimiter, header', () => {
  it('a BOM + semicolon file (Excel "CSV UTF-8", CRLF) trains; the sniffed delimiter is said', () => {
    const body = blobs(60).map(([a, b, c]) => `${a};${b};${names[c]}`);
    writeFileSync(at('excel.csv'), `\uFEFFx1;x2;species\r\n${body.join('\r\n')}\r\n`);
    const r = cli('train', 'excel.csv', '-t', 'species', ...quick, '-o', 'excel.json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('excel.csv: delimiter ";" (sniffed from the header line; --delimiter overrides)');
    expect(r.out).toMatch(/accuracy (9\d|100)\.\d%/);
    // The BOM is not part of the first column's name.
    expect(meta('excel.json')).toMatchObject({ features: ['x1', 'x2'], target: 'species' });
    const p = cli('predict', 'excel.json', 'excel.csv');
    expect(p.code, p.err).toBe(0);
    expect(p.out.split('\n')[0]).toBe('prediction,p_setosa,p_versicolor,p_virginica');
  });

  it('a tab-separated file trains; a comma file says nothing about its delimiter', () => {
    const rows = blobs(60);
    writeFileSync(
      at('tabs.tsv'),
      `x1\tx2\tspecies\n${rows.map(([a, b, c]) => `${a}\t${b}\t${names[c]}`).join('\n')}\n`,
    );
    const r = cli('train', 'tabs.tsv', '-t', 'species', ...quick, '-o', 'tabs.json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('tabs.tsv: delimiter tab (sniffed from the header line');
    expect(meta('tabs.json').features).toEqual(['x1', 'x2']);
    writeFileSync(
      at('commas.csv'),
      `x1,x2,species\n${rows.map(([a, b, c]) => `${a},${b},${names[c]}`).join('\n')}\n`,
    );
    const c = cli('train', 'commas.csv', '-t', 'species', ...quick, '-o', 'commas.json');
    expect(c.code, c.err).toBe(0);
    expect(c.err).not.toContain('delimiter');
  });

  it('--delimiter overrides the sniffing (and "tab" names a tab); a bad one is refused', () => {
    // A comma file whose column names hold semicolons: the header sniffs to ";" (2 against 1), so the rows do
    // not fit the header; --delimiter , reads it right.
    writeFileSync(at('names.csv'), 'a;b;c,y\n1,a\n2,b\n3,a\n4,b\n5,a\n');
    expect(sniffDelimiter('a;b;c,y\n')).toBe(';');
    const sniffed = cli('train', 'names.csv', '-t', 'y', ...quick);
    expect(sniffed.code).toBe(1);
    expect(sniffed.err.trim().split('\n').at(-1)).toBe(
      'chainrule: names.csv: line 2: expected 3 values (like the header), found 1',
    );
    const comma = cli('train', 'names.csv', '-t', 'y', '--delimiter', ',', ...quick, '-o', 'names.json');
    expect(comma.code, comma.err).toBe(0);
    expect(meta('names.json').features).toEqual(['a;b;c']);
    expect(comma.err).not.toContain('sniffed');
    const tab = cli('train', 'tabs.tsv', '-t', 'species', '--delimiter', 'tab', ...quick, '-o', 't2.json');
    expect(tab.code, tab.err).toBe(0);
    expect(tab.err).not.toContain('sniffed');
    const bad = cli('train', 'tabs.tsv', '-t', 'species', '--delimiter', ';;', ...quick);
    expect(bad.code).toBe(1);
    expect(bad.err.trim()).toBe(
      'chainrule: --delimiter must be one character (or "tab"), not a quote or a line break; got ";;"',
    );
  });

  const refused: [string, string, string][] = [
    [
      'a duplicate column name is refused with its line and column',
      'x,z,x,y\n1,2,3,a\n4,5,6,b\n',
      'chainrule: data.csv: line 1, column 3: the column name "x" repeats column 1; names must be unique',
    ],
    [
      'a duplicate column name after a BOM and blank lines, on its own line',
      '\uFEFF\n\nx;x;y\n1;2;a\n',
      'chainrule: data.csv: line 3, column 2: the column name "x" repeats column 1; names must be unique',
    ],
    [
      'an empty column name is refused with its line and column',
      'x1,,y\n1,2,a\n',
      'chainrule: data.csv: line 1, column 2: the column name is empty; every column needs a name',
    ],
    [
      'an empty label is refused with its line',
      'x1,y\n1,a\n2,b\n3,\n4,a\n',
      'chainrule: data.csv: line 4, column "y": the label is empty',
    ],
    [
      'an empty numeric label is refused with its line too',
      'x1;y\n1;0.5\n2;\n',
      'chainrule: data.csv: line 3, column "y": the label is empty',
    ],
  ];
  for (const [name, text, message] of refused) {
    it(name, () => {
      writeFileSync(at('data.csv'), text);
      const r = cli('train', 'data.csv', '-t', 'y', ...quick);
      expect(r.code).toBe(1);
      expect(r.err.trim().split('\n').at(-1)).toBe(message);
    });
  }
});

describe('the task, inferred from the target column (and said), or from --task / --loss', () => {
  const rows = blobs(60);

  it('numbers with many distinct values → regression, said, with a linear output', () => {
    const lines = rows.map(([a, b]) => `${a},${b},${(0.5 * Number(a) - 0.2 * Number(b)).toFixed(4)}`);
    writeFileSync(at('price.csv'), `a,b,y\n${lines.join('\n')}\n`);
    const r = cli('train', 'price.csv', '-t', 'y', ...quick, '-o', 'price.json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(
      /Task: regression of "y" \(loss mse, linear output\); inferred: "y" holds \d+ distinct numbers in 60 rows, not all integers; --task classification overrides/,
    );
    expect(r.err).toContain(
      'Training 2-8-1 (standardized features and target, tanh, linear output, adam at 0.001)',
    );
    expect(r.out).not.toContain('accuracy');
    expect(meta('price.json')).toMatchObject({ task: 'regression' });
    expect(labels('price.json')).toBeUndefined();
  });

  it('integer labels 0/1/2 → classification, said, with softmax', () => {
    writeFileSync(at('ints.csv'), `x1,x2,label\n${rows.map(([a, b, c]) => `${a},${b},${c}`).join('\n')}\n`);
    const r = cli('train', 'ints.csv', '-t', 'label', ...quick, '-o', 'ints.json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(
      'Task: classification of "label", 3 classes (0, 1, 2); inferred: "label" holds 3 distinct integers in 60 rows; --task regression overrides',
    );
    expect(r.err).toContain('Training 2-8-3 (standardized features, tanh, softmax output, adam at 0.01)');
    expect(meta('ints.json')).toMatchObject({ task: 'classification' });
    expect(labels('ints.json')).toEqual(['0', '1', '2']);
  });

  it('inferTask: the thresholds (≤ 20 distinct integers and fewer than half the rows)', () => {
    const ints = (k: number, n: number) => Array.from({ length: n }, (_, i) => String(i % k));
    expect(inferTask(ints(20, 41), 'y').task).toBe('classification');
    expect(inferTask(ints(21, 100), 'y')).toEqual({
      task: 'regression',
      reason: '"y" holds 21 distinct integers in 100 rows, more than 20',
    });
    expect(inferTask(ints(3, 6), 'y')).toEqual({
      task: 'regression',
      reason: '"y" holds 3 distinct integers in 6 rows, more than half the rows',
    });
    expect(inferTask(ints(3, 7), 'y').task).toBe('classification');
    expect(inferTask(['1', '2', 'x', '1'], 'y')).toEqual({
      task: 'classification',
      reason: '"y" is not numeric, e.g. "x"',
    });
    expect(inferTask(['0.5', '0.5', '1', '1', '1', '1'], 'y').task).toBe('regression');
  });

  it('--task overrides the inference; --loss still sets the task; a contradiction is refused', () => {
    const r = cli('train', 'ints.csv', '-t', 'label', '--task', 'regression', ...quick, '-o', 'intreg.json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(
      'Task: regression of "label" (loss mse, linear output); from --task; the column looked like classification: "label" holds 3 distinct integers in 60 rows',
    );
    expect(meta('intreg.json')).toMatchObject({ task: 'regression' });
    expect(labels('intreg.json')).toBeUndefined();

    const c = cli('train', 'price.csv', '-t', 'y', '--task', 'classification', ...quick, '-o', 'pc.json');
    expect(c.code, c.err).toBe(0);
    expect(c.err).toMatch(
      /Task: classification of "y", \d+ classes .*; from --task; the column looked like regression/,
    );

    const l = cli('train', 'ints.csv', '-t', 'label', '--loss', 'mse', ...quick, '-o', 'intmse.json');
    expect(l.code, l.err).toBe(0);
    expect(l.err).toContain(
      'Task: regression of "label" (loss mse, linear output); from --loss mse; the column looked like classification',
    );

    const same = cli(
      'train',
      'price.csv',
      '-t',
      'y',
      '--task',
      'regression',
      '--loss',
      'halfSquaredError',
      ...quick,
      '-o',
      'h.json',
    );
    expect(same.code, same.err).toBe(0);
    expect(same.err).toContain('Task: regression of "y" (loss halfSquaredError, linear output); from --task');

    const bad = cli(
      'train',
      'ints.csv',
      '-t',
      'label',
      '--task',
      'regression',
      '--loss',
      'softmaxCrossEntropy',
      ...quick,
    );
    expect(bad.code).toBe(1);
    expect(bad.err.trim()).toBe(
      `chainrule: --task regression contradicts --loss softmaxCrossEntropy, a classification loss; use one of ${lossNames.filter((l) => lossTable[l].task === 'regression').join(', ')} or drop --loss`,
    );
    const unknown = cli('train', 'ints.csv', '-t', 'label', '--task', 'ranking', ...quick);
    expect(unknown.code).toBe(1);
    expect(unknown.err.trim()).toBe(
      'chainrule: --task must be one of classification, regression, got "ranking"',
    );
  });
});

describe('chainrule evaluate', () => {
  it('classification: accuracy, confusion matrix, per-class precision/recall/F1 (a never-predicted class scores 0)', () => {
    // Logits (x1, x2, 0.5, −5): class a when x1 is largest, b when x2 is, c otherwise; d is never predicted.
    const model = mlp([2, 4], { loss: 'softmaxCrossEntropy', kernels: jsKernels, seed: 1 });
    model.setWeights([
      {
        W: Matrix.from([
          [1, 0, 0, 0],
          [0, 1, 0, 0],
        ]),
        b: new Float32Array([0, 0, 0.5, -5]),
      },
    ]);
    const cliMeta = {
      features: ['x1', 'x2'],
      target: 'y',
      classes: ['a', 'b', 'c', 'd'],
      task: 'classification',
    };
    writeFileSync(at('cls.json'), JSON.stringify({ ...model.toJSON(), chainruleCli: cliMeta }));
    // predicted: a a b b c c c
    writeFileSync(at('cls.csv'), 'y,x2,x1\na,0,2\na,0,2\nb,2,0\na,2,0\nc,0,0\nb,0,0\nd,0,0\n');
    const r = cli('evaluate', 'cls.json', 'cls.csv');
    expect(r.code, r.err).toBe(0);
    // By hand: TP a 2, b 1, c 1, d 0 → accuracy 4/7. Predicted a 2, b 2, c 3, d 0; support a 3, b 2, c 1, d 1.
    // P: a 2/2, b 1/2, c 1/3, d 0 (never predicted). R: a 2/3, b 1/2, c 1/1, d 0/1.
    // F1: a 0.8, b 0.5, c 2·(1/3)/(4/3) = 0.5, d 0. Macro: P 1.8333/4, R 2.1667/4, F1 1.8/4.
    expect(r.out.trimEnd().split('\n')).toEqual([
      'classification of "y": 7 rows of cls.csv',
      'accuracy 57.14% (4 of 7)',
      '',
      'confusion matrix (rows actual, columns predicted):',
      '   a  b  c  d',
      'a  2  1  0  0',
      'b  0  1  1  0',
      'c  0  0  1  0',
      'd  0  0  1  0',
      '',
      'class      precision  recall      f1  support',
      'a             1.0000  0.6667  0.8000        3',
      'b             0.5000  0.5000  0.5000        2',
      'c             0.3333  1.0000  0.5000        1',
      'd             0.0000  0.0000  0.0000        1',
      'macro avg     0.4583  0.5417  0.4500        7',
      '(precision is 0 for a class never predicted)',
    ]);
    writeFileSync(at('cls-bad.csv'), 'x1;x2;y\n2;0;a\n0;0;e\n');
    const bad = cli('evaluate', 'cls.json', 'cls-bad.csv');
    expect(bad.code).toBe(1);
    expect(bad.err.trim().split('\n').at(-1)).toBe(
      `chainrule: cls-bad.csv: line 3, column "y": "e" is not one of the model's classes (a, b, c, d)`,
    );
    writeFileSync(at('cls-empty.csv'), 'x1,x2,y\n2,0,a\n0,0,\n');
    expect(cli('evaluate', 'cls.json', 'cls-empty.csv').err.trim()).toBe(
      'chainrule: cls-empty.csv: line 3, column "y": the label is empty',
    );
  });

  it('regression: MAE, RMSE and R² (a tab-separated file)', () => {
    // prediction = 2x + 1
    const model = mlp([1, 1], { loss: 'mse', kernels: jsKernels, seed: 1 });
    model.setWeights([{ W: Matrix.from([[2]]), b: new Float32Array([1]) }]);
    const cliMeta = { features: ['x'], target: 'y', classes: null, task: 'regression' };
    writeFileSync(at('reg.json'), JSON.stringify({ ...model.toJSON(), chainruleCli: cliMeta }));
    writeFileSync(at('reg.tsv'), 'x\ty\n0\t1\n1\t2\n2\t5\n3\t9\n');
    const r = cli('evaluate', 'reg.json', 'reg.tsv');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('reg.tsv: delimiter tab (sniffed');
    // Predictions 1, 3, 5, 7; errors 0, 1, 0, −2. MAE 3/4; RMSE √(5/4); mean y 4.25, SS_tot 38.75, R² 1 − 5/38.75.
    expect(r.out.trimEnd().split('\n')).toEqual([
      'regression of "y": 4 rows of reg.tsv',
      'MAE   0.7500',
      'RMSE  1.1180',
      'R²    0.8710',
    ]);
    // The true values in another column: --target names it.
    writeFileSync(at('reg-truth.csv'), 'x,truth\n0,1\n1,2\n2,5\n3,9\n');
    const missing = cli('evaluate', 'reg.json', 'reg-truth.csv');
    expect(missing.code).toBe(1);
    expect(missing.err.trim()).toBe(
      'chainrule: reg-truth.csv: no column named "y", the target to score against (columns: x, truth)',
    );
    const truth = cli('evaluate', 'reg.json', 'reg-truth.csv', '--target', 'truth');
    expect(truth.code, truth.err).toBe(0);
    expect(truth.out).toBe(r.out.replace('"y": 4 rows of reg.tsv', '"truth": 4 rows of reg-truth.csv'));
  });

  it('evaluates what train saved, and refuses a model without the CLI metadata', () => {
    const r = cli('evaluate', 'excel.json', 'excel.csv');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^classification of "species": 60 rows of excel\.csv\naccuracy (9\d|100)\.\d\d% /);
    const p = cli('evaluate', 'price.json', 'price.csv');
    expect(p.code, p.err).toBe(0);
    expect(p.out).toMatch(
      /^regression of "y": 60 rows of price\.csv\nMAE {3}\d\.\d{4}\nRMSE {2}\d\.\d{4}\nR² {4}-?\d\.\d{4}$/m,
    );
    // Numeric labels match the classes by value: "2.0" is class "2".
    const ints = readFileSync(at('ints.csv'), 'utf8').replace(/,(\d)$/gm, ',$1.0');
    expect(ints).toContain(',2.0\n');
    writeFileSync(at('ints-float.csv'), ints);
    const i = cli('evaluate', 'ints.json', 'ints-float.csv');
    expect(i.code, i.err).toBe(0);
    expect(i.out).toBe(cli('evaluate', 'ints.json', 'ints.csv').out.replace('ints.csv', 'ints-float.csv'));
    const bare = JSON.parse(readFileSync(at('reg.json'), 'utf8'));
    delete bare.chainruleCli;
    writeFileSync(at('bare.json'), JSON.stringify(bare));
    const b = cli('evaluate', 'bare.json', 'reg.tsv');
    expect(b.code).toBe(1);
    expect(b.err.trim()).toBe(
      'chainrule: bare.json: the model has no "chainruleCli" field (features, target, classes); evaluate reads models saved by chainrule train',
    );
  });

  it('--help lists evaluate, --task and --delimiter', () => {
    expect(cli('--help').out).toContain('evaluate [options] <model.json> <data.csv>');
    const t = cli('train', '--help').out;
    for (const s of ['--task <task>', '--delimiter <char>', 'fewer than half the rows', 'byte order mark'])
      expect(t).toContain(s);
    expect(cli('evaluate', '--help').out).toContain('0 for a class never predicted');
  });
});
