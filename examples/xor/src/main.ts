/**
 * The README's main job until the playground lands: train XOR (2-4-1) and the spiral (2-16-16-1) with
 * @chainrule/core, showing a progress bar and the loss per epoch, then the final predictions.
 */
import { Adam, Dense, datasets, type EpochLog, Sequential } from '@chainrule/core';
import cliProgress from 'cli-progress';

const interactive = process.stdout.isTTY === true;

async function train(
  title: string,
  model: Sequential,
  x: Parameters<Sequential['fit']>[0],
  y: Parameters<Sequential['fit']>[1],
  epochs: number,
  batchSize: number,
  learningRate: number,
  printEvery: number,
): Promise<EpochLog> {
  console.log(`\n${title}`);
  // On a terminal: a live bar with the per-epoch lines printed above it; elsewhere (CI, pipes): the lines alone.
  const bars = new cliProgress.MultiBar(
    {
      format: '  {bar} {percentage}% | epoch {value}/{total} | loss {loss} | accuracy {accuracy}',
      hideCursor: true,
      noTTYOutput: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = interactive ? bars.create(epochs, 0, { loss: '-', accuracy: '-' }) : null;
  const started = performance.now();
  const history = await model.fit(x, y, {
    epochs,
    batchSize,
    optimizer: new Adam({ learningRate }),
    callbacks: {
      onEpochEnd(log) {
        const fields = { loss: log.loss.toFixed(5), accuracy: `${((log.accuracy ?? 0) * 100).toFixed(1)}%` };
        bar?.update(log.epoch, fields);
        if (log.epoch % printEvery === 0 || log.epoch === 1) {
          const line = `  epoch ${String(log.epoch).padStart(5)}  loss ${fields.loss}  accuracy ${fields.accuracy}`;
          if (bar) bars.log(`${line}\n`);
          else console.log(line);
        }
      },
    },
  });
  bars.stop();
  const final = history.epochs.at(-1) as EpochLog;
  const ms = performance.now() - started;
  console.log(
    `  done: ${history.epochs.length} epochs in ${(ms / 1000).toFixed(2)} s, loss ${final.loss.toFixed(5)}, accuracy ${((final.accuracy ?? 0) * 100).toFixed(1)}%`,
  );
  return final;
}

const xorModel = new Sequential(
  [new Dense(2, 4, { activation: 'tanh' }), new Dense(4, 1, { activation: 'sigmoid' })],
  { loss: 'binaryCrossEntropy', seed: 3 },
);
const XOR_X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
await train(
  'XOR, 2-4-1 (tanh → sigmoid), binary cross-entropy, Adam 0.05',
  xorModel,
  XOR_X,
  [[0], [1], [1], [0]],
  1500,
  4,
  0.05,
  100,
);
const p = xorModel.predict(XOR_X);
for (let i = 0; i < 4; i++) console.log(`  XOR(${XOR_X[i]?.join(', ')}) = ${p.get(i, 0).toFixed(4)}`);

const spiral = datasets.spiral({ count: 300, noise: 0, seed: 4 });
const spiralModel = new Sequential(
  [
    new Dense(2, 16, { activation: 'tanh' }),
    new Dense(16, 16, { activation: 'tanh' }),
    new Dense(16, 1, { activation: 'sigmoid' }),
  ],
  { loss: 'binaryCrossEntropy', seed: 5 },
);
const final = await train(
  'Spiral (300 points), 2-16-16-1 (tanh), binary cross-entropy, Adam 0.01',
  spiralModel,
  spiral.x,
  spiral.y,
  600,
  16,
  0.01,
  50,
);
if ((final.accuracy ?? 0) < 0.95) {
  console.error('the spiral did not reach 95% accuracy');
  process.exitCode = 1;
}
