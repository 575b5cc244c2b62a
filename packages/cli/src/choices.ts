import {
  type ActivationName,
  type ActivationParameter,
  activationNames,
  activationTable,
  ChainruleError,
  type LossName,
  lossNames,
  lossTable,
  type OptimizerName,
  optimizerNames,
  optimizerTable,
  type ResolvedActivation,
  resolveActivation,
} from '@chainrule/core';
import { CliError } from './table.js';

/**
 * Everything the CLI offers by name — activations, losses, optimizers — comes from core's tables: the choices,
 * the messages that list them and the help text. A new entry in a table is a new choice here, with no edit.
 */

/** The activations a hidden layer can take: every element-wise one (a row-wise one, softmax, is an output). */
export const hiddenActivationNames: readonly ActivationName[] = activationNames.filter(
  (name) => activationTable[name].kind === 'elementwise',
);

/**
 * `chainrule train`'s defaults for the options above (and the learning rate every optimizer gets). `loss` and
 * `learningRate` are the defaults for classification, `regressionLoss` and `regressionLearningRate` for regression.
 */
export const trainDefaults = {
  activation: 'tanh',
  loss: 'softmaxCrossEntropy',
  regressionLoss: 'mse',
  optimizer: 'adam',
  learningRate: '0.01',
  regressionLearningRate: '0.001',
} as const satisfies {
  activation: ActivationName;
  loss: LossName;
  regressionLoss: LossName;
  optimizer: OptimizerName;
  learningRate: string;
  regressionLearningRate: string;
};

/** The activations that take a parameter (`name:alpha`). */
const parameterized = hiddenActivationNames.filter((name) => activationTable[name].alpha);

/** `[0, 1)`, `(0, 100]`: a parameter's range as resolveActivation checks it. */
function range(p: ActivationParameter): string {
  return `${p.minExclusive ? '(' : '['}${p.min}, ${p.max}${p.maxInclusive ? ']' : ')'}`;
}

/**
 * Reads `--activation`: a hidden activation's name, or `name:alpha` for the ones with a parameter
 * (`leakyRelu:0.1`, `elu:0.7`). The name and the parameter's range are checked by core's `resolveActivation`.
 */
export function parseActivation(text: string): ResolvedActivation {
  const colon = text.indexOf(':');
  const name = (colon < 0 ? text : text.slice(0, colon)).trim();
  const alphaText = colon < 0 ? undefined : text.slice(colon + 1).trim();
  if (!Object.hasOwn(activationTable, name)) {
    throw new CliError(`--activation must be one of ${hiddenActivationNames.join(', ')}, got "${text}"`);
  }
  const entry = activationTable[name as ActivationName];
  if (entry.kind !== 'elementwise') {
    throw new CliError(
      `--activation: ${name} works on whole rows, so it can only be an output layer (chosen by --loss); a hidden layer takes one of ${hiddenActivationNames.join(', ')}`,
    );
  }
  if (alphaText !== undefined && !entry.alpha) {
    throw new CliError(
      `--activation: ${name} has no parameter; only ${parameterized.join(', ')} take one (name:alpha), got "${text}"`,
    );
  }
  const alpha = alphaText === undefined ? undefined : Number(alphaText);
  if (alpha !== undefined && (alphaText === '' || !Number.isFinite(alpha))) {
    throw new CliError(`--activation: ${name}'s alpha must be a number, got "${alphaText}"`);
  }
  try {
    return resolveActivation(
      alpha === undefined ? (name as ActivationName) : { name: name as ActivationName, alpha },
      '--activation',
    );
  } catch (err) {
    if (err instanceof ChainruleError) throw new CliError(err.message);
    throw err;
  }
}

/** Checks `--loss` against core's losses. */
export function parseLoss(text: string): LossName {
  if (!Object.hasOwn(lossTable, text))
    throw new CliError(`--loss must be one of ${lossNames.join(', ')}, got "${text}"`);
  return text as LossName;
}

/** Checks `--optimizer` against core's optimizers. */
export function parseOptimizer(text: string): OptimizerName {
  if (!Object.hasOwn(optimizerTable, text))
    throw new CliError(`--optimizer must be one of ${optimizerNames.join(', ')}, got "${text}"`);
  return text as OptimizerName;
}

/** Lines of `name  description`, the names padded to one column. */
function rows(entries: [string, string][]): string[] {
  const width = Math.max(...entries.map(([name]) => name.length));
  return entries.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`);
}

/** The choices of `--activation`, `--loss` and `--optimizer` with what each is, for `chainrule train --help`. */
export function choicesHelp(): string {
  const activations = rows(
    hiddenActivationNames.map((name) => {
      const e = activationTable[name];
      const param = e.alpha ? `; ${name}:α with α in ${range(e.alpha)} (default ${e.alpha.default})` : '';
      return [name, `${e.label}: ${e.description}${param}`];
    }),
  );
  const outputs = activationNames.filter((name) => activationTable[name].kind !== 'elementwise');
  const losses = rows(
    lossNames.map((name) => {
      const e = lossTable[name];
      const output = e.fusedActivation ?? 'linear';
      return [name, `${e.label}: ${e.description} (${e.task}; ${output} output)`];
    }),
  );
  const optimizers = rows(
    optimizerNames.map((name) => {
      const e = optimizerTable[name];
      return [name, `${e.label}: ${e.description}`];
    }),
  );
  return [
    '',
    `Hidden activations (--activation name, or name:alpha for ${parameterized.join(', ')}):`,
    ...activations,
    ...(outputs.length > 0 ? [`  (${outputs.join(', ')}: row-wise, output layers only)`] : []),
    '',
    `Losses (--loss; the output layer follows from it; default ${trainDefaults.loss} for classification, ${trainDefaults.regressionLoss} for regression):`,
    ...losses,
    '',
    `Optimizers (--optimizer; each at --learning-rate, default ${trainDefaults.learningRate} for classification, ${trainDefaults.regressionLearningRate} for regression):`,
    ...optimizers,
    '',
    'Example: chainrule train data.csv -t label --activation elu:0.7 --loss softmaxCrossEntropy',
  ].join('\n');
}
