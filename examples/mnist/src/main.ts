/**
 * MNIST, real digits: the 10,000 handwritten digits the `mnist` package ships, 8,000 to train and 2,000 held out
 * (a fixed shuffle). A 784-128-10 MLP (ReLU, softmax cross-entropy, Adam 0.001, batches of 64) trains until it
 * classifies 95% of the held-out digits — on one thread, then on every core (the same run, bit for bit, sooner);
 * then TensorFlow.js (WebAssembly backend) trains the same network on the same data the same way, and the wall
 * times to 95% are printed side by side.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Kernels } from '@chainrule/core';
import { loadWasmKernels } from '@chainrule/kernels-wasm';
import cliProgress from 'cli-progress';
import { BATCH, type Digits, LEARNING_RATE, loadDigits, trainMnist } from './train.js';

const require = createRequire(import.meta.url);
const TARGET = 0.95;
const MAX_EPOCHS = 30;

interface Run {
  name: string;
  epochs: number;
  seconds: number;
  accuracy: number;
  reached: boolean;
}

function progress(name: string) {
  const bar = new cliProgress.SingleBar(
    {
      format: `  ${name.padEnd(22)} {bar} epoch {value}/{total} | loss {loss} | train acc {acc} | held-out {held} | {rate} examples/s`,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 1000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(MAX_EPOCHS, 0, { loss: '-', acc: '-', held: '-', rate: '-' });
  return bar;
}

async function trainChainrule(kernels: Kernels, data: Digits): Promise<Run> {
  const bar = progress(`chainrule (${kernels.name})`);
  const start = performance.now();
  const result = await trainMnist(kernels, data, {
    target: TARGET,
    maxEpochs: MAX_EPOCHS,
    onEpoch: ({ epoch, loss, accuracy, heldOut }) =>
      bar.update(epoch, {
        loss: loss.toFixed(4),
        acc: `${(accuracy * 100).toFixed(1)}%`,
        held: `${(heldOut * 100).toFixed(1)}%`,
        rate: Math.round((epoch * data.train.x.rows) / ((performance.now() - start) / 1000)),
      }),
  });
  bar.stop();
  return {
    name: `chainrule, ${kernels.name} kernels`,
    epochs: result.epochs,
    seconds: (performance.now() - start) / 1000,
    accuracy: result.heldOut,
    reached: result.reached,
  };
}

async function trainTfjs(data: Digits): Promise<Run> {
  const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(
    `${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'))}/`,
  );
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  // Report a WebAssembly column only if it really is the WebAssembly backend (setBackend falls back silently).
  if (!(await tf.setBackend('wasm')) || tf.getBackend() !== 'wasm')
    throw new Error(`TensorFlow.js did not switch to its wasm backend (it is on ${tf.getBackend()})`);
  await tf.ready();
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({
    optimizer: tf.train.adam(LEARNING_RATE),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const xs = tf.tensor2d(data.train.x.data, [data.train.x.rows, 784]);
  const ys = tf.tensor2d(data.train.y.data, [data.train.y.rows, 10]);
  const xt = tf.tensor2d(data.test.x.data, [data.test.x.rows, 784]);
  const labels = Array.from({ length: data.test.y.rows }, (_, i) =>
    data.test.y.data.subarray(i * 10, i * 10 + 10).indexOf(1),
  );
  const bar = progress(`TensorFlow.js (${tf.getBackend()})`);
  const start = performance.now();
  let run: Run = {
    name: `TensorFlow.js ${tf.version.tfjs}, ${tf.getBackend()} backend`,
    epochs: 0,
    seconds: 0,
    accuracy: 0,
    reached: false,
  };
  for (let epoch = 1; epoch <= MAX_EPOCHS; epoch++) {
    const h = await model.fit(xs, ys, { epochs: 1, batchSize: BATCH, shuffle: true, verbose: 0 });
    const predicted = tf.tidy(() =>
      (model.predict(xt) as import('@tensorflow/tfjs').Tensor).argMax(1).dataSync(),
    );
    let right = 0;
    labels.forEach((l, i) => {
      if (predicted[i] === l) right++;
    });
    const held = right / labels.length;
    const seconds = (performance.now() - start) / 1000;
    bar.update(epoch, {
      loss: Number(h.history.loss?.[0]).toFixed(4),
      acc: `${(Number(h.history.acc?.[0] ?? h.history.accuracy?.[0]) * 100).toFixed(1)}%`,
      held: `${(held * 100).toFixed(1)}%`,
      rate: Math.round((epoch * data.train.x.rows) / seconds),
    });
    run = { ...run, epochs: epoch, seconds, accuracy: held, reached: held >= TARGET };
    if (run.reached) break;
  }
  bar.stop();
  tf.dispose([xs, ys, xt]);
  return run;
}

const data = loadDigits();
console.log(
  `MNIST: ${data.total} real digits from the mnist package, ${data.train.x.rows} to train, ${data.test.x.rows} held out.`,
);
console.log(
  `784-128-10, ReLU, softmax cross-entropy, Adam ${LEARNING_RATE}, batches of ${BATCH}; until ${TARGET * 100}% held-out accuracy.\n`,
);
const one = await loadWasmKernels();
const ours = await trainChainrule(one, data);
const all = await loadWasmKernels({ threads: 'auto' });
const threaded = all.threads > 1 ? await trainChainrule(all, data) : null;
all.dispose();
const theirs = await trainTfjs(data);
const line = (r: Run) =>
  `  ${r.name.padEnd(40)} ${r.reached ? `reached ${(r.accuracy * 100).toFixed(1)}%` : `stopped at ${(r.accuracy * 100).toFixed(1)}%`} after ${r.epochs} epoch${r.epochs === 1 ? '' : 's'} in ${r.seconds.toFixed(2)} s`;
console.log('\nWall time to 95% held-out accuracy (training and the held-out check after each epoch):');
console.log(line(ours));
if (threaded) console.log(line(threaded));
console.log(line(theirs));
if (threaded) {
  const same = threaded.epochs === ours.epochs && threaded.accuracy === ours.accuracy;
  console.log(
    `  ${all.threads} threads: ${(ours.seconds / threaded.seconds).toFixed(2)}× the speed of one thread${same ? ', the same run (epochs and accuracy identical: results do not depend on the thread count)' : ''}.`,
  );
} else console.log(`  One thread only: ${all.threadsNote ?? 'this machine has one core'}.`);
const best = threaded && threaded.seconds < ours.seconds ? threaded : ours;
if (best.reached && theirs.reached)
  console.log(
    `  chainrule got there ${(theirs.seconds / best.seconds).toFixed(1)}× sooner than TensorFlow.js.`,
  );
if (!ours.reached) {
  console.error(`chainrule did not reach ${TARGET * 100}% in ${MAX_EPOCHS} epochs`);
  process.exitCode = 1;
}
