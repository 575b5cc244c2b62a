import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ActivationName,
  activationTable,
  activationToJSON,
  ChainruleError,
  classificationThreshold,
  confusionMatrix,
  EarlyStopping,
  type EpochLog,
  jsKernels,
  type Kernels,
  type Layer,
  type LossName,
  lossNames,
  lossTable,
  MAX_SEED,
  Matrix,
  mae,
  mlp,
  type Optimizer,
  type OptimizerSpec,
  precisionRecallF1,
  type ResolvedActivation,
  Rng,
  r2,
  resolveOptimizer,
  rmse,
  Sequential,
} from '@chainrule/core';
import { toOnnx, toTfjs } from '@chainrule/interop';
import { loadWasmKernels } from '@chainrule/kernels-wasm';
import cliProgress from 'cli-progress';
import { parseActivation, parseLoss, parseOptimizer, trainDefaults } from './choices.js';
import { CliError, delimiterName, numberAt, parseDelimiter, readTable, type Table } from './table.js';
import { foldTargetScale, scaleTarget, targetScale } from './target.js';

/**
 * What the CLI stores beside the model, so `predict` and `evaluate` know the columns. The class names are the
 * model's own `labels` (core keeps them in the model JSON); models saved before that kept them here as `classes`,
 * which is still read.
 */
export interface CliMetadata {
  features: string[];
  target: string;
  /** Class names in output order, in models saved before they moved into the model's `labels`. */
  classes?: string[] | null;
  /** What the model was trained for (models from before the field: classification exactly when `classes`). */
  task?: Task;
}

/** What `chainrule train` fits: classes (a classification loss) or values (a regression loss, linear output). */
export type Task = 'classification' | 'regression';

/** The tasks `--task` takes. */
export const taskNames: readonly Task[] = ['classification', 'regression'];

/** A target column with at most this many distinct integers (and fewer than half the rows) is classes. */
export const maxInferredClasses = 20;

/** `chainrule train`'s options, as commander parses them (strings, checked in `train`). */
export interface TrainOptions {
  target: string;
  layers: string;
  activation: string;
  /** A loss from core's table; without it, softmaxCrossEntropy for classification and mse for regression. */
  loss?: string;
  /** `classification` or `regression`; without it, the loss's task, else inferred from the target column. */
  task?: string;
  /** The CSV's delimiter; without it, sniffed from the header line. */
  delimiter?: string;
  epochs: string;
  batchSize: string;
  /** Default: 0.01 for classification, 0.001 for regression (`trainDefaults`). */
  learningRate?: string;
  optimizer: string;
  /** Default "0" (no dropout), for callers from before the option. */
  dropout?: string;
  /** Standardize the features (a Normalization layer adapted to the training rows, kept in the model); default true. */
  standardize?: boolean;
  seed: string;
  validationSplit: string;
  /** Stop when the validation loss has not improved for this many epochs, keeping the best epoch's weights. */
  earlyStopping?: string;
  kernels: string;
  out: string;
  progress: boolean;
}

function int(name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  // Number('') is 0: an empty value is refused rather than read as zero.
  const v = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isInteger(v) || v < min || v > max) {
    const rule = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new CliError(`--${name} must be an integer ${rule}, got "${value}"`);
  }
  return v;
}

/** The largest seed: core's generator keeps 32 bits, so a larger one would silently repeat a smaller one's runs. */
export const maxSeed = MAX_SEED;

function num(name: string, value: string, check: (v: number) => boolean, rule: string): number {
  // Number('') is 0: an empty value is refused rather than read as zero.
  const v = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(v) || !check(v)) throw new CliError(`--${name} must be ${rule}, got "${value}"`);
  return v;
}

async function kernelsFor(choice: string): Promise<Kernels> {
  if (choice === 'js') return jsKernels;
  if (choice === 'wasm') return loadWasmKernels();
  throw new CliError(`--kernels must be wasm or js, got "${choice}"`);
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(
      `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
}

/** Says which delimiter a table was read with, when it was sniffed and is not a comma. */
function noteDelimiter(file: string, table: Table, log: (line: string) => void): void {
  if (table.sniffed && table.delimiter !== ',')
    log(
      `${file}: delimiter ${delimiterName(table.delimiter)} (sniffed from the header line; --delimiter overrides)`,
    );
}

/** The task a loss trains for. */
function lossTask(loss: LossName): Task {
  return lossTable[loss].task === 'regression' ? 'regression' : 'classification';
}

/**
 * The task a target column looks like: classification when any value is not a number, or when the values are
 * integers with at most `maxInferredClasses` distinct ones and fewer distinct ones than half the rows; else
 * regression. With the reason, for the user.
 */
export function inferTask(labels: readonly string[], target: string): { task: Task; reason: string } {
  const text = labels.find((l) => !Number.isFinite(Number(l)));
  if (text !== undefined)
    return { task: 'classification', reason: `"${target}" is not numeric, e.g. "${text}"` };
  const numbers = labels.map(Number);
  const distinct = new Set(numbers).size;
  const integers = numbers.every((v) => Number.isInteger(v));
  const n = labels.length;
  if (integers && distinct <= maxInferredClasses && distinct < n / 2) {
    return { task: 'classification', reason: `"${target}" holds ${distinct} distinct integers in ${n} rows` };
  }
  const why = integers
    ? `${distinct} distinct integers in ${n} rows, more than ${distinct > maxInferredClasses ? maxInferredClasses : 'half the rows'}`
    : `${distinct} distinct numbers in ${n} rows, not all integers`;
  return { task: 'regression', reason: `"${target}" holds ${why}` };
}

/**
 * Settles the task and the loss from `--task`, `--loss` and the target column: `--task` first, then the task of
 * an explicit `--loss`, then `inferTask`. The loss is `--loss`, else the task's default. A `--loss` whose task
 * contradicts `--task` is refused.
 */
function settleTask(
  o: Pick<TrainOptions, 'task' | 'loss'>,
  labels: readonly string[],
  target: string,
): { task: Task; loss: LossName; note: string } {
  if (o.task !== undefined && !taskNames.includes(o.task as Task))
    throw new CliError(`--task must be one of ${taskNames.join(', ')}, got "${o.task}"`);
  const asked = o.task as Task | undefined;
  const explicitLoss = o.loss === undefined ? undefined : parseLoss(o.loss);
  if (asked && explicitLoss && lossTask(explicitLoss) !== asked) {
    const fitting = lossNames.filter((l) => lossTask(l) === asked);
    throw new CliError(
      `--task ${asked} contradicts --loss ${explicitLoss}, a ${lossTask(explicitLoss)} loss; use one of ${fitting.join(', ')} or drop --loss`,
    );
  }
  const inferred = inferTask(labels, target);
  let task: Task;
  let note: string;
  if (asked) {
    task = asked;
    note = `from --task${asked === inferred.task ? '' : `; the column looked like ${inferred.task}: ${inferred.reason}`}`;
  } else if (explicitLoss) {
    task = lossTask(explicitLoss);
    note = `from --loss ${explicitLoss}${task === inferred.task ? '' : `; the column looked like ${inferred.task}: ${inferred.reason}`}`;
  } else {
    task = inferred.task;
    note = `inferred: ${inferred.reason}; --task ${task === 'classification' ? 'regression' : 'classification'} overrides`;
  }
  const loss =
    explicitLoss ?? (task === 'classification' ? trainDefaults.loss : trainDefaults.regressionLoss);
  return { task, loss, note };
}

/** Splits a table into X (every column but the target) and Y (one-hot classes, 0/1, or values). */
function design(
  file: string,
  table: Table,
  target: string,
  o: Pick<TrainOptions, 'task' | 'loss'>,
  log: (line: string) => void,
) {
  const t = table.header.indexOf(target);
  if (t < 0) throw new CliError(`${file}: no column named "${target}" (columns: ${table.header.join(', ')})`);
  const features = table.header.filter((_, i) => i !== t);
  if (features.length === 0)
    throw new CliError(`${file}: the target is the only column; there are no features`);
  const n = table.rows.length;
  const labels = table.rows.map((row) => row[t] as string);
  const empty = labels.indexOf('');
  if (empty >= 0)
    throw new CliError(`${file}: line ${table.lines[empty]}, column "${target}": the label is empty`);
  const { task: settled, loss, note } = settleTask(o, labels, target);
  const X = new Matrix(n, features.length);
  for (let r = 0; r < n; r++) {
    let j = 0;
    for (let c = 0; c < table.header.length; c++) if (c !== t) X.set(r, j++, numberAt(table, r, c, file));
  }
  let classes: string[] | null = null;
  let Y: Matrix;
  const task = lossTable[loss].task;
  if (task !== 'regression') {
    classes = [...new Set(labels)].sort((a, b) =>
      Number.isFinite(Number(a)) && Number.isFinite(Number(b)) ? Number(a) - Number(b) : a.localeCompare(b),
    );
    if (task === 'binary' && classes.length !== 2) {
      throw new CliError(
        `${file}: ${loss} needs exactly 2 classes in "${target}", found ${classes.length}: ${classes.slice(0, 5).join(', ')}`,
      );
    }
    if (classes.length < 2) throw new CliError(`${file}: "${target}" has only one class (${classes[0]})`);
    const index = new Map(classes.map((c, i) => [c, i]));
    Y = task === 'binary' ? new Matrix(n, 1) : new Matrix(n, classes.length);
    labels.forEach((l, r) => {
      const k = index.get(l) as number;
      if (task === 'binary') Y.set(r, 0, k);
      else Y.set(r, k, 1);
    });
    const shown = classes.length > 8 ? `${classes.slice(0, 8).join(', ')}, …` : classes.join(', ');
    log(`Task: classification of "${target}", ${classes.length} classes (${shown}); ${note}`);
  } else {
    Y = new Matrix(n, 1);
    for (let r = 0; r < n; r++) Y.set(r, 0, numberAt(table, r, t, file));
    log(`Task: regression of "${target}" (loss ${loss}, linear output); ${note}`);
  }
  return { X, Y, features, classes, loss, task: settled };
}

function split(X: Matrix, Y: Matrix, fraction: number, seed: number) {
  const n = X.rows;
  const order = Array.from({ length: n }, (_, i) => i);
  new Rng(seed).shuffle(order); // core's seeded generator: the one shuffler
  const nVal = fraction > 0 ? Math.max(1, Math.round(n * fraction)) : 0;
  const take = (m: Matrix, idx: number[]) => {
    const out = new Matrix(idx.length, m.cols);
    for (const [i, r] of idx.entries())
      out.data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols);
    return out;
  };
  const val = order.slice(0, nVal);
  const train = order.slice(nVal);
  if (train.length === 0) throw new CliError('--validation-split leaves no rows to train on');
  return {
    X: take(X, train),
    Y: take(Y, train),
    Xv: nVal ? take(X, val) : null,
    Yv: nVal ? take(Y, val) : null,
  };
}

/** How `buildModel` makes a network. */
export interface ModelOptions {
  loss: LossName;
  /** Every hidden Dense layer's activation. */
  activation: ResolvedActivation;
  /** A Dropout at this rate after every hidden Dense layer; 0 for none. */
  dropout: number;
  /** The training rows to standardize on (a Normalization first, kept in the model), or none. */
  standardize?: Matrix | undefined;
  /** The class names, in output order, kept in the model (`Sequential.labels`); null for regression. */
  labels?: readonly string[] | null;
  kernels: Kernels;
  seed: number;
}

/**
 * The CLI's model: core's `mlp` — [Dense, (Dropout), …, Dense] with a Dropout after every hidden Dense when
 * `dropout` > 0, the hidden layers on `activation`, and the output on the activation the loss is fused with
 * (`lossTable[loss].fusedActivation`), else linear.
 */
export function buildModel(sizes: readonly number[], o: ModelOptions): Sequential {
  return mlp(sizes, {
    loss: o.loss,
    activation: activationToJSON(o.activation),
    dropout: o.dropout,
    ...(o.standardize ? { standardize: o.standardize } : {}),
    ...(o.labels ? { labels: o.labels } : {}),
    kernels: o.kernels,
    seed: o.seed,
  });
}

/** `chainrule train`: builds, trains and saves a model; returns the final metrics line. */
export async function train(file: string, o: TrainOptions, log: (line: string) => void): Promise<string> {
  if (o.loss !== undefined) parseLoss(o.loss);
  const delimiter = o.delimiter === undefined ? undefined : parseDelimiter(o.delimiter);
  const activation = parseActivation(o.activation);
  const optimizerName = parseOptimizer(o.optimizer);
  const hidden = o.layers.trim() === '' ? [] : o.layers.split(',').map((s) => int('layers', s.trim(), 1));
  const epochs = int('epochs', o.epochs, 1);
  const batchSize = int('batch-size', o.batchSize, 1);
  const lrGiven =
    o.learningRate === undefined
      ? undefined
      : num('learning-rate', o.learningRate, (v) => v > 0, 'a number > 0');
  const seed = int('seed', o.seed, 0, maxSeed);
  const valSplit = num('validation-split', o.validationSplit, (v) => v >= 0 && v < 1, 'in [0, 1)');
  const patience = o.earlyStopping === undefined ? undefined : int('early-stopping', o.earlyStopping, 1);
  if (patience !== undefined && valSplit === 0)
    throw new CliError(
      `--early-stopping ${o.earlyStopping} watches the validation loss: give --validation-split too (e.g. --validation-split 0.2)`,
    );
  const dropout = num(
    'dropout',
    o.dropout ?? '0',
    (v) => v >= 0 && v < 1,
    'a rate in [0, 1) (the fraction of hidden units dropped while training; 1 would drop them all)',
  );
  if (dropout > 0 && hidden.length === 0)
    throw new CliError(
      `--dropout ${o.dropout} drops hidden units, but --layers "${o.layers}" has no hidden layers`,
    );
  const kernels = await kernelsFor(o.kernels);

  const table = readTable(await readText(file), file, { delimiter });
  noteDelimiter(file, table, log);
  const { X, Y, features, classes, loss, task } = design(file, table, o.target, o, log);
  // A standardized regression target overfits a small table fast at 0.01 (diabetes: held-out R² −0.02 against 0.35).
  const lr =
    lrGiven ??
    Number(task === 'regression' ? trainDefaults.regressionLearningRate : trainDefaults.learningRate);
  let optimizer: Optimizer;
  try {
    // (A union of names makes no member of OptimizerSpec's union on its own, hence the assertion.)
    optimizer = resolveOptimizer({ name: optimizerName, learningRate: lr } as OptimizerSpec);
  } catch (err) {
    if (err instanceof ChainruleError) throw new CliError(`--optimizer ${optimizerName}: ${err.message}`);
    throw err;
  }
  const data = split(X, Y, valSplit, seed);
  const sizes = [features.length, ...hidden, Y.cols];
  // Standardized on the training rows only (never the held-out ones); the statistics travel in the model.
  const standardize = o.standardize === false ? undefined : data.X;
  // A regression target too, folded back into the output layer after training (target.ts).
  const yScale = standardize && lossTable[loss].task === 'regression' ? targetScale(data.Y) : null;
  const Ytrain = yScale ? scaleTarget(data.Y, yScale) : data.Y;
  const Yval = yScale && data.Yv ? scaleTarget(data.Yv, yScale) : data.Yv;
  const model = buildModel(sizes, { loss, activation, dropout, standardize, labels: classes, kernels, seed });
  const hiddenName = activationTable[activation.name].alpha
    ? `${activation.name} α=${activation.alpha}`
    : activation.name;
  const output = (model.layers.at(-1) as Layer).activation.name;
  log(
    `Training ${sizes.join('-')} (${standardize ? `standardized features${yScale ? ' and target' : ''}, ` : ''}${hiddenName}${dropout > 0 ? `, dropout ${dropout}` : ''}, ${output} output, ${optimizerName} at ${lr}) on ${data.X.rows} rows${data.Xv ? `, validating on ${data.Xv.rows}` : ''}, ${kernels.name} kernels`,
  );
  // On a terminal a live bar; elsewhere (pipes, CI) the same fields as lines, ten times over the run.
  const interactive = o.progress && process.stderr.isTTY === true;
  const every = Math.max(1, Math.round(epochs / 10));
  const bar = interactive
    ? new cliProgress.SingleBar(
        {
          format: '  {bar} epoch {value}/{total} | loss {loss} | accuracy {acc} | {rate} examples/s',
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(epochs, 0, { loss: '-', acc: '-', rate: '-' });
  const started = performance.now();
  const early =
    patience === undefined
      ? null
      : new EarlyStopping({ monitor: 'valLoss', patience, restoreBestWeights: true });
  const history = await model.fit(data.X, Ytrain, {
    epochs,
    batchSize,
    optimizer,
    ...(data.Xv && Yval ? { validation: { x: data.Xv, y: Yval } } : {}),
    callbacks: [
      {
        onEpochEnd: (e) => {
          const rate = Math.round((e.epoch * data.X.rows) / ((performance.now() - started) / 1000));
          const fields = {
            loss: e.loss.toFixed(4),
            acc: e.accuracy === undefined ? '-' : `${(e.accuracy * 100).toFixed(1)}%`,
            rate,
          };
          bar?.update(e.epoch, fields);
          if (!bar && o.progress && (e.epoch % every === 0 || e.epoch === epochs)) {
            log(
              `  epoch ${e.epoch}/${epochs} | loss ${fields.loss} | accuracy ${fields.acc} | ${rate} examples/s`,
            );
          }
        },
      },
      ...(early ? [early] : []),
    ],
  });
  bar?.stop();
  // With early stopping the saved weights are the best epoch's: report that epoch.
  const kept = early ? history.epochs.find((e) => e.epoch === early.bestEpoch) : undefined;
  if (early) log(earlyStoppingNote(early, history.epochs));
  const last = kept ?? history.epochs.at(-1);
  if (yScale) foldTargetScale(model, yScale);
  const meta: CliMetadata = { features, target: o.target, task };
  await writeFile(o.out, `${JSON.stringify({ ...model.toJSON(), chainruleCli: meta })}\n`);
  const seconds = (performance.now() - started) / 1000;
  const parts = [
    `epochs ${history.epochs.length}${kept && kept !== history.epochs.at(-1) ? ` (weights of epoch ${kept.epoch})` : ''}`,
    `loss ${last?.loss.toFixed(4)}${yScale ? ' (standardized target)' : ''}`,
    ...(last?.accuracy !== undefined ? [`accuracy ${(last.accuracy * 100).toFixed(1)}%`] : []),
    ...(last?.valLoss !== undefined ? [`val_loss ${last.valLoss.toFixed(4)}`] : []),
    ...(last?.valAccuracy !== undefined ? [`val_accuracy ${(last.valAccuracy * 100).toFixed(1)}%`] : []),
    `${seconds.toFixed(2)} s`,
    `saved ${o.out}`,
  ];
  model.dispose();
  return parts.join(' · ');
}

/** What early stopping did, for stderr: where it stopped (or that it did not) and whose weights were kept. */
function earlyStoppingNote(early: EarlyStopping, epochs: readonly EpochLog[]): string {
  const best = `epoch ${early.bestEpoch} (val_loss ${early.best.toFixed(4)})`;
  if (early.stoppedEpoch > 0)
    return `Early stopping at epoch ${early.stoppedEpoch}: val_loss has not improved for ${early.patience} epochs; kept the weights of ${best}`;
  const lastEpoch = epochs.at(-1)?.epoch ?? 0;
  return early.bestEpoch === lastEpoch
    ? `Early stopping did not stop: val_loss improved within the last ${early.patience} epochs; kept the last weights, ${best}`
    : `Early stopping did not stop before epoch ${lastEpoch}; kept the weights of ${best}, the lowest val_loss`;
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/**
 * A model file: the model, the CLI's metadata, and the class names — the model's `labels`, or in files saved before
 * those existed, the metadata's `classes`.
 */
async function loadModel(
  file: string,
): Promise<{ model: Sequential; meta: CliMetadata | null; classes: readonly string[] | null }> {
  const text = await readText(file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const at = /position (\d+)/.exec((err as Error).message);
    const where = at ? lineAndColumn(text, Number(at[1])) : `the end, line ${text.split('\n').length}`;
    throw new CliError(
      `${file}: not valid JSON at ${where} (truncated or corrupted?): ${(err as Error).message}`,
    );
  }
  try {
    const model = Sequential.fromJSON(json);
    const meta = (json as { chainruleCli?: CliMetadata }).chainruleCli ?? null;
    return { model, meta, classes: model.labels ?? meta?.classes ?? null };
  } catch (err) {
    throw new CliError(`${file}: ${(err as Error).message}`);
  }
}

/**
 * The activation that shapes the model's output at inference: the last layer's, looking back past layers that are
 * the identity there — by `type`, Dropout, and an Activation layer that is linear — so a model JSON that ends in
 * one (any layer type core reads: dense, dropout, activation) is thresholded by the φ before it.
 */
function outputActivation(model: Sequential): ActivationName | undefined {
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const layer = model.layers[i] as Layer;
    const identity =
      layer.type === 'dropout' || (layer.type === 'activation' && layer.activation.name === 'linear');
    if (!identity) return layer.activation.name;
  }
  return undefined;
}

/** The model's inputs from a table: the feature columns the model was trained on, by name. */
function inputs(
  model: Sequential,
  meta: CliMetadata | null,
  table: Table,
  modelFile: string,
  dataFile: string,
) {
  const features = meta?.features ?? table.header.slice(0, model.inputSize);
  const cols = features.map((f) => {
    const c = table.header.indexOf(f);
    if (c < 0)
      throw new CliError(
        `${dataFile}: no column named "${f}", which the model was trained on (columns: ${table.header.join(', ')})`,
      );
    return c;
  });
  if (cols.length !== model.inputSize) {
    throw new CliError(
      `${modelFile}: the model takes ${model.inputSize} inputs, ${dataFile} gives ${cols.length}`,
    );
  }
  const X = new Matrix(table.rows.length, cols.length);
  for (let r = 0; r < table.rows.length; r++) {
    for (const [j, c] of cols.entries()) X.set(r, j, numberAt(table, r, c, dataFile));
  }
  return X;
}

/**
 * The predicted class index of each row: the argmax of several outputs, or for one output which side of the output
 * activation's threshold it falls (sigmoid's 0.5, tanh's 0), as training measured accuracy.
 */
function predictedClasses(model: Sequential, P: Matrix): number[] {
  if (P.cols > 1) {
    return Array.from({ length: P.rows }, (_, r) => {
      let best = 0;
      for (let k = 1; k < P.cols; k++) if (P.get(r, k) > P.get(r, best)) best = k;
      return best;
    });
  }
  const output = outputActivation(model);
  const threshold = (output === undefined ? null : classificationThreshold(output)) ?? 0.5;
  return Array.from({ length: P.rows }, (_, r) => (P.get(r, 0) >= threshold ? 1 : 0));
}

/** `chainrule predict` and `chainrule evaluate`'s options. */
export interface ReadOptions {
  /** The CSV's delimiter; without it, sniffed from the header line. */
  delimiter?: string;
}

/** `chainrule predict`: one output line per input row (class and probability, or the value), as CSV. */
export async function predict(
  modelFile: string,
  dataFile: string,
  o: ReadOptions = {},
  log: (line: string) => void = () => {},
): Promise<string> {
  const delimiter = o.delimiter === undefined ? undefined : parseDelimiter(o.delimiter);
  const { model, meta, classes } = await loadModel(modelFile);
  const table = readTable(await readText(dataFile), dataFile, { delimiter });
  noteDelimiter(dataFile, table, log);
  const P = model.predict(inputs(model, meta, table, modelFile, dataFile));
  const out: string[] = [];
  if (classes && P.cols > 1) {
    out.push(['prediction', ...classes.map((c) => `p_${c}`)].join(','));
    predictedClasses(model, P).forEach((best, r) => {
      out.push(
        [classes[best], ...Array.from({ length: P.cols }, (_, k) => P.get(r, k).toFixed(6))].join(','),
      );
    });
  } else if (classes && P.cols === 1) {
    out.push(`prediction,p_${classes[1]}`);
    predictedClasses(model, P).forEach((k, r) => {
      out.push(`${classes[k]},${P.get(r, 0).toFixed(6)}`);
    });
  } else {
    out.push(P.cols === 1 ? 'prediction' : Array.from({ length: P.cols }, (_, k) => `y${k}`).join(','));
    for (let r = 0; r < P.rows; r++)
      out.push(Array.from({ length: P.cols }, (_, k) => String(P.get(r, k))).join(','));
  }
  return out.join('\n');
}

/** Rows of cells as text columns, each padded to its widest cell (numbers right-aligned, the first column left). */
function grid(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number)))
      .join('  ')
      .trimEnd(),
  );
}

/** `chainrule evaluate`'s options. */
export interface EvaluateOptions extends ReadOptions {
  /** The column holding the true labels or values; without it, the one the model was trained on. */
  target?: string;
}

/**
 * `chainrule evaluate`: scores a saved model on a labelled CSV with core's metrics. Classification: accuracy, the
 * confusion matrix (rows actual, columns predicted) and per-class precision, recall, F1 and support with their
 * macro averages. Regression: MAE, RMSE and R². Returns the report.
 */
export async function evaluate(
  modelFile: string,
  dataFile: string,
  o: EvaluateOptions = {},
  log: (line: string) => void = () => {},
): Promise<string> {
  const delimiter = o.delimiter === undefined ? undefined : parseDelimiter(o.delimiter);
  const { model, meta, classes: names } = await loadModel(modelFile);
  if (!meta)
    throw new CliError(
      `${modelFile}: the model has no "chainruleCli" field (features, target, classes); evaluate reads models saved by chainrule train`,
    );
  const table = readTable(await readText(dataFile), dataFile, { delimiter });
  noteDelimiter(dataFile, table, log);
  const target = o.target ?? meta.target;
  const t = table.header.indexOf(target);
  if (t < 0)
    throw new CliError(
      `${dataFile}: no column named "${target}", the target to score against (columns: ${table.header.join(', ')})`,
    );
  const X = inputs(model, meta, table, modelFile, dataFile);
  const n = table.rows.length;
  for (let r = 0; r < n; r++) {
    if (table.rows[r]?.[t] === '')
      throw new CliError(`${dataFile}: line ${table.lines[r]}, column "${target}": the label is empty`);
  }
  const P = model.predict(X);
  const task: Task = meta.task ?? (names ? 'classification' : 'regression');
  const out = [`${task} of "${target}": ${n} rows of ${dataFile}`];
  if (task === 'classification' && names) {
    const classes = names;
    const byName = new Map(classes.map((c, i) => [c, i]));
    const actual = table.rows.map((row, r) => {
      const label = row[t] as string;
      // "1.0" in the file is class "1": numeric labels match by value.
      const k = byName.get(label) ?? classes.findIndex((c) => c.trim() !== '' && Number(c) === Number(label));
      if (k === undefined || k < 0)
        throw new CliError(
          `${dataFile}: line ${table.lines[r]}, column "${target}": "${label}" is not one of the model's classes (${classes.join(', ')})`,
        );
      return k;
    });
    const predicted = predictedClasses(model, P);
    const matrix = confusionMatrix(actual, predicted, classes.length);
    const right = matrix.reduce((s, row, i) => s + (row[i] as number), 0);
    const report = precisionRecallF1(matrix);
    const f = (v: number) => v.toFixed(4);
    out.push(
      `accuracy ${((100 * right) / n).toFixed(2)}% (${right} of ${n})`,
      '',
      'confusion matrix (rows actual, columns predicted):',
      ...grid([['', ...classes], ...matrix.map((row, i) => [classes[i] as string, ...row.map(String)])]),
      '',
      ...grid([
        ['class', 'precision', 'recall', 'f1', 'support'],
        ...report.classes.map((c, i) => [
          classes[i] as string,
          f(c.precision),
          f(c.recall),
          f(c.f1),
          String(c.support),
        ]),
        [
          'macro avg',
          f(report.macro.precision),
          f(report.macro.recall),
          f(report.macro.f1),
          String(report.macro.support),
        ],
      ]),
      '(precision is 0 for a class never predicted)',
    );
  } else {
    if (P.cols !== 1)
      throw new CliError(
        `${modelFile}: a regression model for evaluate has one output, this one has ${P.cols}`,
      );
    const Y = new Matrix(n, 1);
    for (let r = 0; r < n; r++) Y.set(r, 0, numberAt(table, r, t, dataFile));
    out.push(
      ...grid([
        ['MAE', mae(P, Y).toFixed(4)],
        ['RMSE', rmse(P, Y).toFixed(4)],
        ['R²', r2(P, Y).toFixed(4)],
      ]),
    );
  }
  return out.join('\n');
}

/** `chainrule export`: writes the model as ONNX and/or TensorFlow.js files; returns what it wrote. */
export async function exportModel(modelFile: string, o: { onnx?: string; tfjs?: string }): Promise<string[]> {
  if (!o.onnx && !o.tfjs)
    throw new CliError('export: say what to write: --onnx <file> and/or --tfjs <directory>');
  const { model, meta } = await loadModel(modelFile);
  // Class names come from the model's labels; feature and target names from what train kept beside it.
  const names = meta ? { featureNames: meta.features, targetName: meta.target } : {};
  // A layer the exporters cannot write is the model file's problem, said as such (not an internal error).
  const convert = <T>(make: () => T): T => {
    try {
      return make();
    } catch (err) {
      if (err instanceof ChainruleError) throw new CliError(`${modelFile}: ${err.message}`);
      throw err;
    }
  };
  const wrote: string[] = [];
  if (o.onnx) {
    const bytes = convert(() => toOnnx(model, names));
    await writeFile(o.onnx, bytes);
    wrote.push(o.onnx);
  }
  if (o.tfjs) {
    const { modelJson, weights } = convert(() => toTfjs(model, names));
    await mkdir(o.tfjs, { recursive: true });
    const [json, bin] = [join(o.tfjs, 'model.json'), join(o.tfjs, 'weights.bin')];
    await writeFile(json, JSON.stringify(modelJson));
    await writeFile(bin, new Uint8Array(weights));
    wrote.push(json, bin);
  }
  return wrote;
}
