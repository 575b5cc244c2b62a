// ESM, as a user writes it after `npm install @chainrule/core @chainrule/kernels-wasm`: XOR on the WebAssembly kernels.
import { Adam, Dense, Sequential } from '@chainrule/core';
import { loadWasmKernels } from '@chainrule/kernels-wasm';

const X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const Y = [[0], [1], [1], [0]];
const kernels = await loadWasmKernels();
const model = new Sequential(
  [new Dense(2, 4, { activation: 'tanh' }), new Dense(4, 1, { activation: 'sigmoid' })],
  { loss: 'binaryCrossEntropy', seed: 3, kernels },
);
const history = await model.fit(X, Y, {
  epochs: 1500,
  batchSize: 4,
  optimizer: new Adam({ learningRate: 0.05 }),
});
console.log(
  JSON.stringify({
    variant: kernels.variant,
    loss: history.epochs.at(-1).loss,
    predictions: model
      .predict(X)
      .toArray()
      .map((row) => row[0]),
  }),
);
