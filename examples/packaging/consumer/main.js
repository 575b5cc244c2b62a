// A Vite app that installed the packages from npm: the kernels are fetched from the assets Vite emitted.
import { Adam, Dense, Sequential } from '@chainrule/core';
import { loadWasmKernels } from '@chainrule/kernels-wasm';

const out = document.getElementById('out');
try {
  const kernels = await loadWasmKernels();
  const X = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ];
  const Y = [[0], [1], [1], [0]];
  const model = new Sequential(
    [new Dense(2, 4, { activation: 'tanh' }), new Dense(4, 1, { activation: 'sigmoid' })],
    { loss: 'binaryCrossEntropy', seed: 3, kernels },
  );
  const optimizer = new Adam({ learningRate: 0.05 });
  const first = model.trainBatch(X, Y, optimizer);
  const history = await model.fit(X, Y, { epochs: 1500, batchSize: 4, optimizer });
  const loss = history.epochs.at(-1).loss;
  const predictions = model
    .predict(X)
    .toArray()
    .map((row) => row[0]);
  out.textContent = `kernels ${kernels.variant} · first training step: loss ${first.toFixed(4)} · after 1500 more epochs: loss ${loss.toFixed(5)} · predictions ${predictions.map((p) => p.toFixed(3)).join(' ')}`;
  out.dataset.result = JSON.stringify({ variant: kernels.variant, first, loss, predictions });
} catch (e) {
  out.textContent = `failed: ${e instanceof Error ? e.stack : String(e)}`;
  out.dataset.error = String(e);
}
