#!/usr/bin/env node
import { lossNames, optimizerNames } from '@chainrule/core';
import { Command, CommanderError } from 'commander';
import { choicesHelp, hiddenActivationNames, trainDefaults } from './choices.js';
import { evaluate, exportModel, maxInferredClasses, maxSeed, predict, taskNames, train } from './commands.js';
import { CliError } from './table.js';

const dropoutHelp = [
  '',
  'Dropout (--dropout rate, default 0 for none): a Dropout layer after every hidden Dense layer. In each training',
  'step it zeroes each hidden unit with probability rate and scales the others by 1/(1 - rate) (inverted dropout),',
  'so at prediction it is the identity: `predict` and `export` use the weights as they are. The saved model JSON',
  'lists the dropout layers between the Dense ones. Example: chainrule train data.csv -t label --dropout 0.2',
].join('\n');

const csvHelp = [
  '',
  'CSV files: a header row of unique, non-empty column names. A UTF-8 byte order mark (Excel "CSV UTF-8") is',
  'dropped. The delimiter is sniffed from the header line among "," ";" and tab (said on stderr when it is not a',
  'comma); --delimiter <char> (or "tab") overrides.',
].join('\n');

const taskHelp = [
  '',
  'Task (--task classification | regression): without it, the task of --loss if given, else inferred from the',
  `target column: classification when any value is not a number, or when the values are integers with at most`,
  `${maxInferredClasses} distinct ones and fewer than half the rows; regression otherwise (loss mse, linear output).`,
  'The inferred task and why is said on stderr. --task with a --loss of the other task is refused.',
  'Example: chainrule train prices.csv -t price --task regression',
].join('\n');

const validationHelp = [
  '',
  'Validation (--validation-split F, F in [0, 1), default 0 for none): F of the rows, drawn at random with --seed, are',
  'held out, never trained on nor standardized with, and scored after every epoch (val_loss, val_accuracy).',
  '--early-stopping P stops when val_loss has not improved for P epochs in a row and keeps the weights of the',
  'best epoch (said on stderr: where it stopped, whose weights were kept); it needs --validation-split.',
  `--seed N (an integer in [0, ${maxSeed}], default 1) seeds the initial weights, the shuffles and the split: one`,
  'seed, the same model. Example: chainrule train data.csv -t label --validation-split 0.2 --early-stopping 10 -e 500',
].join('\n');

const program = new Command();
program
  .name('chainrule')
  .description(
    'Train dense neural networks on CSV files, predict with them, evaluate them, and export them to ONNX or TensorFlow.js.',
  )
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

program
  .command('train')
  .description('Train a network on a CSV file (a header row; the target column, the rest numeric features).')
  .argument('<data.csv>', 'training data')
  .requiredOption('-t, --target <column>', 'the column to predict')
  .option('-l, --layers <sizes>', 'hidden layer sizes, comma-separated ("" for none)', '16,16')
  .option(
    '-a, --activation <name[:alpha]>',
    `hidden activation: ${hiddenActivationNames.join(' | ')} (below)`,
    trainDefaults.activation,
  )
  .option(
    '--dropout <rate>',
    "drop this fraction of every hidden layer's units while training, in [0, 1) (below)",
    '0',
  )
  .option('--task <task>', `${taskNames.join(' | ')} (default: inferred from the target column, below)`)
  .option(
    '--loss <name>',
    `${lossNames.join(' | ')} (below; default ${trainDefaults.loss} for classification, ${trainDefaults.regressionLoss} for regression)`,
  )
  .option('-e, --epochs <n>', 'passes over the data', '50')
  .option('-b, --batch-size <n>', 'rows per update', '32')
  .option(
    '-r, --learning-rate <x>',
    `learning rate (default: ${trainDefaults.learningRate} for classification, ${trainDefaults.regressionLearningRate} for regression)`,
  )
  .option('--optimizer <name>', `${optimizerNames.join(' | ')} (below)`, trainDefaults.optimizer)
  .option(
    '--validation-split <fraction>',
    'hold out this fraction of the rows, in [0, 1), to validate on after every epoch (below)',
    '0',
  )
  .option(
    '--early-stopping <patience>',
    'stop when val_loss has not improved for this many epochs; keep the best epoch (needs --validation-split)',
  )
  .option('--seed <n>', `seed for initialization, shuffling and the split, in [0, ${maxSeed}]`, '1')
  .option('--kernels <name>', 'wasm (WebAssembly SIMD) | js', 'wasm')
  .option('-o, --out <model.json>', 'where to save the model', 'model.json')
  .option('--delimiter <char>', 'the CSV delimiter, or "tab" (default: sniffed among , ; tab)')
  .option(
    '--no-standardize',
    'feed the features as they are (default: standardize each to mean 0, variance 1 on the training rows, kept in the model; for regression the target too, folded back into the output layer)',
  )
  .option('--no-progress', 'no progress bar')
  .addHelpText('after', taskHelp)
  .addHelpText('after', validationHelp)
  .addHelpText('after', csvHelp)
  .addHelpText('after', dropoutHelp)
  .addHelpText('after', choicesHelp)
  .action(async (data: string, options) => {
    const line = await train(data, options, (l) => console.error(l));
    console.log(line);
  });

program
  .command('predict')
  .description(
    'Predict with a saved model: one CSV line per row of the data (class and probabilities, or values).',
  )
  .argument('<model.json>', 'a model saved by `chainrule train` (or any chainrule model JSON)')
  .argument('<data.csv>', 'rows with the feature columns the model was trained on')
  .option('--delimiter <char>', 'the CSV delimiter, or "tab" (default: sniffed among , ; tab)')
  .action(async (modelFile: string, data: string, options: { delimiter?: string }) => {
    console.log(await predict(modelFile, data, options, (l) => console.error(l)));
  });

program
  .command('evaluate')
  .description(
    'Score a saved model on a labelled CSV: accuracy, confusion matrix and per-class precision/recall/F1 for a classifier; MAE, RMSE and R² for regression.',
  )
  .argument('<model.json>', 'a model saved by `chainrule train`')
  .argument('<data.csv>', 'rows with the feature columns and the target column')
  .option('-t, --target <column>', 'the column with the true labels or values (default: the one trained on)')
  .option('--delimiter <char>', 'the CSV delimiter, or "tab" (default: sniffed among , ; tab)')
  .addHelpText(
    'after',
    [
      '',
      'The confusion matrix has a row per actual class and a column per predicted class. Precision is TP/(TP+FP),',
      '0 for a class never predicted; recall TP/(TP+FN); F1 their harmonic mean; macro avg the unweighted mean over',
      'the classes. R² is 1 − SS_res/SS_tot (for a constant target: 1 if exact, else 0).',
      'Example: chainrule evaluate model.json test.csv',
    ].join('\n'),
  )
  .action(async (modelFile: string, data: string, options: { target?: string; delimiter?: string }) => {
    console.log(await evaluate(modelFile, data, options, (l) => console.error(l)));
  });

program
  .command('export')
  .description('Write a saved model in another format.')
  .argument('<model.json>', 'a chainrule model JSON')
  .option('--onnx <file>', 'write an ONNX model (opset 13)')
  .option('--tfjs <directory>', 'write a TensorFlow.js layers model (model.json + weights.bin)')
  .action(async (modelFile: string, options: { onnx?: string; tfjs?: string }) => {
    for (const f of await exportModel(modelFile, options)) console.log(`wrote ${f}`);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  const message = err instanceof Error ? err.message : String(err);
  console.error(`chainrule: ${err instanceof CliError ? '' : 'error: '}${message}`);
  process.exit(1);
}
