import { type ActivationName, Dense, Rng, Sequential } from '@chainrule/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fromTfjs, toTfjs } from '../src/index.js';

function close(a: ArrayLike<number>, b: ArrayLike<number>) {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) {
    expect(Math.abs((a[i] as number) - (b[i] as number)), `element ${i}`).toBeLessThanOrEqual(
      1e-5 * (1 + Math.abs(b[i] as number)),
    );
  }
}

const rng = new Rng(4);
const X = Array.from({ length: 9 }, () => Array.from({ length: 4 }, () => rng.uniform(-2, 2)));

describe('TensorFlow.js interchange', () => {
  for (const hidden of ['tanh', 'relu', 'leakyRelu', 'sigmoid', 'linear'] as ActivationName[]) {
    it(`a chainrule model (${hidden}) loads into TensorFlow.js and predicts the same`, async () => {
      const model = new Sequential(
        [
          new Dense(4, 6, {
            activation: hidden === 'leakyRelu' ? { name: 'leakyRelu', alpha: 0.1 } : hidden,
            init: { name: 'normal', std: 0.7 },
          }),
          new Dense(6, 3, { activation: 'softmax', init: { name: 'normal', std: 0.7 } }),
        ],
        { loss: 'softmaxCrossEntropy', seed: 2 },
      );
      const { modelJson, weights } = toTfjs(model);
      const mt = modelJson.modelTopology;
      const loaded = await tf.loadLayersModel(
        tf.io.fromMemory(mt, modelJson.weightsManifest[0]!.weights, weights),
      );
      const got = (loaded.predict(tf.tensor2d(X)) as tf.Tensor).dataSync();
      close(got, model.predict(X).data);
      // And back: our own export reads into an equal model.
      const back = fromTfjs(JSON.parse(JSON.stringify(modelJson)), weights);
      close(back.predict(X).data, model.predict(X).data);
      expect(back.loss.name).toBe('softmaxCrossEntropy');
    });
  }

  const normal = { name: 'normal', std: 0.7 } as const;
  // [label, layers, the TensorFlow.js layer names the export must write]
  const sameNames: [string, () => Dense[], string[]][] = [
    [
      'hidden, hidden',
      () => [
        new Dense(4, 6, { name: 'hidden', activation: 'tanh', init: normal }),
        new Dense(6, 3, { name: 'hidden', activation: 'softmax', init: normal }),
      ],
      ['hidden', 'hidden_2'],
    ],
    [
      'a, a, a_2 with Leaky ReLU',
      () => [
        new Dense(4, 5, { name: 'a', activation: { name: 'leakyRelu', alpha: 0.1 }, init: normal }),
        new Dense(5, 6, { name: 'a', activation: { name: 'leakyRelu', alpha: 0.2 }, init: normal }),
        new Dense(6, 3, { name: 'a_2', activation: 'softmax', init: normal }),
      ],
      ['a', 'a_leaky_relu', 'a_3', 'a_3_leaky_relu', 'a_2'],
    ],
    [
      'x with Leaky ReLU, x_leaky_relu',
      () => [
        new Dense(4, 5, { name: 'x', activation: { name: 'leakyRelu', alpha: 0.1 }, init: normal }),
        new Dense(5, 3, { name: 'x_leaky_relu', activation: 'softmax', init: normal }),
      ],
      ['x', 'x_leaky_relu_2', 'x_leaky_relu'],
    ],
  ];
  for (const [label, layers, names] of sameNames) {
    it(`layers named ${label} export under unique names, load into TensorFlow.js and read back`, async () => {
      const model = new Sequential(layers(), { loss: 'softmaxCrossEntropy', seed: 6 });
      const { modelJson, weights } = toTfjs(model);
      const layerNames = modelJson.modelTopology.config.layers.map((l) => l.config.name as string);
      const weightNames = modelJson.weightsManifest[0]!.weights.map((w) => w.name);
      expect(new Set(layerNames).size, layerNames.join(', ')).toBe(layerNames.length);
      expect(new Set(weightNames).size, weightNames.join(', ')).toBe(weightNames.length);
      // A unique name stays; a repeat becomes name_2, … and never another layer's name.
      expect(layerNames).toEqual(names);

      const loaded = await tf.loadLayersModel(
        tf.io.fromMemory(modelJson.modelTopology, modelJson.weightsManifest[0]!.weights, weights),
      );
      expect(loaded.layers.map((l) => l.name)).toEqual(layerNames);
      close((loaded.predict(tf.tensor2d(X)) as tf.Tensor).dataSync(), model.predict(X).data);

      const back = fromTfjs(JSON.parse(JSON.stringify(modelJson)), weights);
      const act = (m: Sequential) =>
        m.layers.map((l) => [l.activation.name, (l.activation as { alpha?: number }).alpha]);
      expect(act(back)).toEqual(act(model));
      const denseNames = modelJson.modelTopology.config.layers
        .filter((l) => l.class_name === 'Dense')
        .map((l) => l.config.name);
      expect(back.layers.map((l) => l.name)).toEqual(denseNames);
      const want = model.getWeights() as { W: { data: Float32Array }; b: Float32Array }[];
      const got = back.getWeights() as { W: { data: Float32Array }; b: Float32Array }[];
      expect(got.length).toBe(want.length);
      for (const [i, w] of want.entries()) {
        expect(got[i]!.W.data, `layer ${i} W`).toEqual(w.W.data);
        expect(got[i]!.b, `layer ${i} b`).toEqual(w.b);
      }
      close(back.predict(X).data, model.predict(X).data);
    });
  }

  it('a model built and trained in TensorFlow.js imports into chainrule and predicts the same', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [4], units: 5, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 4 }));
    m.add(tf.layers.leakyReLU({ alpha: 0.2 }));
    m.add(tf.layers.dense({ units: 2, activation: 'sigmoid' }));
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    await m.fit(tf.tensor2d(X), tf.tensor2d(X.map((r) => [r[0]! > 0 ? 1 : 0, r[1]! > 0 ? 1 : 0])), {
      epochs: 3,
      verbose: 0,
    });
    let artifacts: tf.io.ModelArtifacts | null = null;
    await m.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
      { includeOptimizer: true },
    );
    const a = artifacts as unknown as tf.io.ModelArtifacts;
    const modelJson = {
      format: 'layers-model',
      modelTopology: a.modelTopology,
      weightsManifest: [{ paths: ['w.bin'], weights: a.weightSpecs }],
      trainingConfig: a.trainingConfig,
    };
    const ours = fromTfjs(modelJson, a.weightData as ArrayBuffer);
    expect(ours.layers.map((l) => l.activation.name)).toEqual(['relu', 'leakyRelu', 'sigmoid']);
    expect(ours.loss.name).toBe('binaryCrossEntropy');
    close(ours.predict(X).data, (m.predict(tf.tensor2d(X)) as tf.Tensor).dataSync());
  });

  it('refuses what it cannot read, by name', () => {
    const model = new Sequential([new Dense(4, 2)], { loss: 'mse' });
    const { modelJson, weights } = toTfjs(model);
    const conv = JSON.parse(JSON.stringify(modelJson));
    conv.modelTopology.config.layers.push({ class_name: 'Conv2D', config: { name: 'c' } });
    expect(() => fromTfjs(conv, weights)).toThrow(
      'TensorFlow.js model: layer 1 is a Conv2D; only Dense, LeakyReLU and Activation layers are read',
    );
    expect(() => fromTfjs(modelJson, weights.slice(0, 8))).toThrow(
      /lists 40 bytes of weights, the data has 8/,
    );
    expect(() => fromTfjs({ modelTopology: { class_name: 'Model' } }, weights)).toThrow(
      /expected a Sequential model/,
    );
  });
});
