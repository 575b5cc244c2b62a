// CommonJS: require() of the ESM-only package (Node's require(esm): 20.19+, 22.12+), on core's JS kernels.
const { Adam, Dense, Sequential, jsKernels } = require('@chainrule/core');

const X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const Y = [[0], [1], [1], [0]];
const model = new Sequential(
  [new Dense(2, 4, { activation: 'tanh' }), new Dense(4, 1, { activation: 'sigmoid' })],
  { loss: 'binaryCrossEntropy', seed: 3, kernels: jsKernels },
);
model
  .fit(X, Y, { epochs: 1500, batchSize: 4, optimizer: new Adam({ learningRate: 0.05 }) })
  .then((history) => {
    console.log(
      JSON.stringify({
        loss: history.epochs.at(-1).loss,
        predictions: model
          .predict(X)
          .toArray()
          .map((row) => row[0]),
      }),
    );
  });
