import {
  Activation,
  type ActivationSpec,
  activationTable,
  Dense,
  Dropout,
  type Layer,
  lossNames,
  lossTable,
  Matrix,
  Rng,
  Sequential,
} from '@chainrule/core';
import { ScaleShift } from '@chainrule/core/testing';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fromTfjs, type TfjsLayerReader, type TfjsLayerWriter, toTfjs } from '../src/index.js';
import { loadInTfjs } from './tfjs-load.js';
import { hiddenable, lossFor, nameOf, variants } from './variants.js';

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

type Weights = { W: { data: Float32Array }; b: Float32Array }[];

/** The activations of a model as [name, alpha] (alpha 0 for those without one). */
const acts = (m: Sequential) => m.layers.map((l) => [l.activation.name, l.activation.alpha]);

/** Each layer as [type, activation, alpha], and a dropout layer's rate. */
const summary = (m: Sequential) =>
  m.layers.map((l) => [
    l.type,
    l.activation.name,
    l.activation.alpha,
    ...(l instanceof Dropout ? [l.rate] : []),
  ]);

/**
 * `fromTfjs` of an export gives back the same layer types, activations (with alpha), dropout rates, bit-identical
 * weights and predictions.
 */
function expectReadsBack(
  model: Sequential,
  modelJson: unknown,
  weights: ArrayBuffer,
  x: number[][] = X,
): Sequential {
  const back = fromTfjs(JSON.parse(JSON.stringify(modelJson)), weights);
  expect(summary(back)).toEqual(summary(model));
  expect(acts(back)).toEqual(acts(model));
  const want = model.getWeights() as Weights;
  const got = back.getWeights() as Weights;
  expect(got.length).toBe(want.length);
  for (const [i, w] of want.entries()) {
    expect(got[i]!.W.data, `layer ${i} W`).toEqual(w.W.data);
    expect(got[i]!.b, `layer ${i} b`).toEqual(w.b);
  }
  close(back.predict(x).data, model.predict(x).data);
  return back;
}

/**
 * TensorFlow.js 4.22's ELU layer throws for an alpha other than 1 ("not supported by the ELU layer yet"), so such a
 * model cannot be loaded there (`fromTfjs` still reads it back). When TensorFlow.js implements it, the test that
 * expects the refusal fails: then delete this.
 */
function tfjsRefuses(spec: ActivationSpec): boolean {
  const form = activationTable[nameOf(spec)].tfjs;
  return 'layer' in form && form.layer === 'ELU' && typeof spec === 'object' && spec.alpha !== 1;
}

const normal = { name: 'normal', std: 0.7 } as const;

describe('TensorFlow.js interchange', () => {
  // Every activation as a hidden layer (before a softmax output) where sensible, and as the output (after tanh).
  const cases = variants.flatMap(({ label, spec }, k) => {
    const hidden = () =>
      new Sequential(
        [
          new Dense(4, 6, { activation: spec, init: normal }),
          new Dense(6, 3, { activation: 'softmax', init: normal }),
        ],
        { loss: 'softmaxCrossEntropy', seed: 2 + k },
      );
    const output = () =>
      new Sequential(
        [
          new Dense(4, 6, { activation: 'tanh', init: normal }),
          new Dense(6, 3, { activation: spec, init: normal }),
        ],
        { loss: lossFor(spec), seed: 2 + k },
      );
    return [
      ...(hiddenable(spec) ? [{ label: `${label} hidden`, spec, make: hidden }] : []),
      { label: `${label} output`, spec, make: output },
    ];
  });
  for (const { label, spec, make } of cases) {
    const loads = tfjsRefuses(spec)
      ? 'is refused by TensorFlow.js 4.22 (ELU alpha ≠ 1)'
      : 'loads into TensorFlow.js and predicts the same';
    it(`a chainrule model (${label}) ${loads}, and reads back`, async () => {
      const model = make();
      const { modelJson, weights } = toTfjs(model);
      const load = loadInTfjs({ modelJson, weights });
      if (tfjsRefuses(spec)) {
        await expect(load).rejects.toThrow(/Non-default alpha value .* is not supported by the ELU layer/);
      } else {
        const loaded = await load;
        close((loaded.predict(tf.tensor2d(X)) as tf.Tensor).dataSync(), model.predict(X).data);
      }
      // And back: our own export reads into an equal model.
      const back = expectReadsBack(model, modelJson, weights);
      expect(back.loss.name).toBe(model.loss.name);
    });
  }

  // [label, layers, the TensorFlow.js layer names the export must write]
  const sameNames: [string, () => Layer[], string[]][] = [
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
    [
      'e with ELU, e_elu',
      () => [
        new Dense(4, 5, { name: 'e', activation: 'elu', init: normal }),
        new Dense(5, 3, { name: 'e_elu', activation: 'softmax', init: normal }),
      ],
      ['e', 'e_elu_2', 'e_elu'],
    ],
    [
      'h with Leaky ReLU, h_leaky_relu (an Activation), h (a Dropout)',
      () => [
        new Dense(4, 5, { name: 'h', activation: { name: 'leakyRelu', alpha: 0.1 }, init: normal }),
        new Activation('relu', { name: 'h_leaky_relu' }),
        new Dropout(0.2, { name: 'h' }),
        new Dense(5, 3, { name: 'd', activation: 'softmax', init: normal }),
      ],
      ['h', 'h_leaky_relu_2', 'h_leaky_relu', 'h_2', 'd'],
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

      const loaded = await loadInTfjs({ modelJson, weights });
      expect(loaded.layers.map((l) => l.name)).toEqual(layerNames);
      close((loaded.predict(tf.tensor2d(X)) as tf.Tensor).dataSync(), model.predict(X).data);

      const back = expectReadsBack(model, modelJson, weights);
      // Every layer but a Dense's own activation layer reads back as a layer, under its exported name.
      const standalone = modelJson.userDefinedMetadata?.chainrule.activationLayers ?? [];
      const layerNamesBack = modelJson.modelTopology.config.layers
        .filter(
          (l) => ['Dense', 'Dropout'].includes(l.class_name) || standalone.includes(l.config.name as string),
        )
        .map((l) => l.config.name);
      expect(back.layers.map((l) => l.name)).toEqual(layerNamesBack);
    });
  }

  /** What `m.save` writes, as model.json's contents and the weights' bytes. */
  async function saved(m: tf.LayersModel): Promise<{ modelJson: unknown; weights: ArrayBuffer }> {
    let artifacts: tf.io.ModelArtifacts | null = null;
    await m.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
      { includeOptimizer: true },
    );
    const a = artifacts as unknown as tf.io.ModelArtifacts;
    return {
      modelJson: {
        format: 'layers-model',
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['w.bin'], weights: a.weightSpecs }],
        trainingConfig: a.trainingConfig,
      },
      weights: a.weightData as ArrayBuffer,
    };
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
    const { modelJson, weights } = await saved(m);
    const ours = fromTfjs(modelJson, weights);
    expect(acts(ours)).toEqual([
      ['relu', 0],
      ['leakyRelu', expect.closeTo(0.2, 7)],
      ['sigmoid', 0],
    ]);
    expect(ours.loss.name).toBe('binaryCrossEntropy');
    close(ours.predict(X).data, (m.predict(tf.tensor2d(X)) as tf.Tensor).dataSync());
  });

  it('a model built in TensorFlow.js with ELU, softplus and swish imports and predicts the same', async () => {
    // TensorFlow.js 4.22 builds an ELU layer with alpha 1 only; an ELU with alpha 0.7 in a layers-format file is read
    // by the export round trips above.
    expect(() => tf.layers.elu({ alpha: 0.7 })).toThrow(/Non-default alpha value \(0.7\) is not supported/);
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [4], units: 6, kernelInitializer: 'randomNormal' }));
    m.add(tf.layers.elu());
    m.add(tf.layers.dense({ units: 5, activation: 'softplus' }));
    m.add(tf.layers.dense({ units: 4, activation: 'swish' }));
    m.add(tf.layers.dense({ units: 2 }));
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await m.fit(tf.tensor2d(X), tf.tensor2d(X.map((r) => [r[0]! * r[1]!, r[2]! - r[3]!])), {
      epochs: 3,
      verbose: 0,
    });
    const { modelJson, weights } = await saved(m);
    const ours = fromTfjs(modelJson, weights);
    expect(acts(ours)).toEqual([
      ['elu', 1],
      ['softplus', 0],
      ['silu', 0],
      ['linear', 0],
    ]);
    expect(ours.loss.name).toBe('mse');
    close(ours.predict(X).data, (m.predict(tf.tensor2d(X)) as tf.Tensor).dataSync());
  });

  it('writes each loss as its TensorFlow.js name and reads back the first loss with that name', () => {
    for (const loss of lossNames) {
      const fused = lossTable[loss].fusedActivation;
      const model = new Sequential([new Dense(4, 3, fused ? { activation: fused } : {})], { loss });
      const { modelJson, weights } = toTfjs(model);
      expect(modelJson.trainingConfig?.loss).toBe(lossTable[loss].tfjs);
      const first = lossNames.find((l) => lossTable[l].tfjs === lossTable[loss].tfjs);
      expect(fromTfjs(modelJson, weights).loss.name, loss).toBe(first);
    }
    // Keras' snake_case names and abbreviations read too; no training config reads as mean squared error.
    const read = (activation: ActivationSpec, loss?: string) => {
      const { modelJson, weights } = toTfjs(
        new Sequential([new Dense(4, 3, { activation })], { loss: 'mse' }),
      );
      return fromTfjs({ ...modelJson, trainingConfig: loss ? { loss } : undefined }, weights).loss.name;
    };
    expect(read('softmax', 'categorical_crossentropy')).toBe('softmaxCrossEntropy');
    expect(read('sigmoid', 'binary_crossentropy')).toBe('binaryCrossEntropy');
    expect(read('linear', 'mean_squared_error')).toBe('mse');
    expect(read('linear', 'MSE')).toBe('mse');
    expect(read('linear')).toBe('mse');
  });

  it('refuses what it cannot read, by name', () => {
    const model = new Sequential([new Dense(4, 2)], { loss: 'mse' });
    const { modelJson, weights } = toTfjs(model);
    const withLayer = (layer: { class_name: string; config: Record<string, unknown> }) => {
      const json = JSON.parse(JSON.stringify(modelJson));
      json.modelTopology.config.layers.push(layer);
      return json;
    };
    // The layer classes read are Dense, Activation and each activation's own layer in `activationTable`.
    const layerClasses = Object.values(activationTable).flatMap((e) =>
      'layer' in e.tfjs ? [e.tfjs.layer] : [],
    );
    const conv = withLayer({ class_name: 'Conv2D', config: { name: 'c' } });
    expect(() => fromTfjs(conv, weights)).toThrow(
      'TensorFlow.js model: layer 1 is a Conv2D; only Dense, Activation, ',
    );
    for (const c of layerClasses) expect(() => fromTfjs(conv, weights)).toThrow(c);
    expect(() => fromTfjs(withLayer({ class_name: 'PReLU', config: { name: 'p' } }), weights)).toThrow(
      /layer 1 is a PReLU; only Dense/,
    );
    // An activation string the table does not know, on a Dense or in an Activation layer.
    const gelu = JSON.parse(JSON.stringify(modelJson));
    gelu.modelTopology.config.layers[0].config.activation = 'gelu';
    expect(() => fromTfjs(gelu, weights)).toThrow(
      /TensorFlow.js model: layer dense_1: activation "gelu" has no chainrule equivalent; read are the activations linear, /,
    );
    expect(() =>
      fromTfjs(withLayer({ class_name: 'Activation', config: { name: 'g', activation: 'gelu' } }), weights),
    ).toThrow(/layer g \(Activation\): activation "gelu" has no chainrule equivalent/);
    // An activation layer without its alpha. (One after a Dense that already has one is an Activation layer: see
    // 'reads activation layers after a non-linear Dense or another layer as Activation layers'.)
    const [cls] = layerClasses;
    expect(() => fromTfjs(withLayer({ class_name: cls!, config: { name: 'n' } }), weights)).toThrow(
      `layer n (${cls}): config.alpha is undefined, not a number`,
    );
    expect(() => fromTfjs(modelJson, weights.slice(0, 8))).toThrow(
      /lists 40 bytes of weights, the data has 8/,
    );
    expect(() => fromTfjs({ modelTopology: { class_name: 'Model' } }, weights)).toThrow(
      /expected a Sequential model/,
    );
    // A dropout rate out of range, a first layer without its input shape, a layer type that does not export.
    expect(() =>
      fromTfjs(withLayer({ class_name: 'Dropout', config: { name: 'r', rate: 1 } }), weights),
    ).toThrow('TensorFlow.js model: layer r (Dropout): config.rate is 1, not a number in [0, 1)');
    const noShape = JSON.parse(JSON.stringify(modelJson));
    noShape.modelTopology.config.layers.unshift({
      class_name: 'Dropout',
      config: { name: 'first', rate: 0.1 },
    });
    expect(() => fromTfjs(noShape, weights)).toThrow(
      'TensorFlow.js model: the first layer (layer first (Dropout)) has no batch_input_shape',
    );
    const custom = new Sequential([new Dense(4, 3), new Dropout(0.5)], { loss: 'mse' });
    (custom.layers[1] as { type: string }).type = 'gaussianNoise';
    expect(() => toTfjs(custom)).toThrow(
      `toTfjs: layer 1 ('dropout_2') has type "gaussianNoise", which does not export; the layer types that export are dense, dropout, activation`,
    );
  });

  describe('Dropout and Activation layers', () => {
    const X3 = X.map((r) => r.slice(0, 3));

    /** Loads an export into TensorFlow.js. */
    const load = ({ modelJson, weights }: ReturnType<typeof toTfjs>) => loadInTfjs({ modelJson, weights });

    // [activation of the Activation layer, the TensorFlow.js layer it becomes (class, config)]
    const cases: [ActivationSpec, string, Record<string, unknown>][] = [
      ['silu', 'Activation', { activation: 'swish' }],
      [{ name: 'leakyRelu', alpha: 0.2 }, 'LeakyReLU', { alpha: 0.2 }],
    ];
    for (const [act, cls, config] of cases) {
      it(`Dense → Dropout → Dense → Activation(${JSON.stringify(act)}) → Dense loads into TensorFlow.js, predicts the same and reads back`, async () => {
        const model = new Sequential(
          [
            new Dense(3, 8, { activation: 'relu', init: normal }),
            new Dropout(0.3),
            new Dense(8, 4, { init: normal }),
            new Activation(act),
            new Dense(4, 2, { activation: 'softmax', init: normal }),
          ],
          { loss: 'softmaxCrossEntropy', seed: 11 },
        );
        const exported = toTfjs(model);
        const { modelJson, weights } = exported;
        const tfjsLayers = modelJson.modelTopology.config.layers;
        expect(tfjsLayers.map((l) => l.class_name)).toEqual(['Dense', 'Dropout', 'Dense', cls, 'Dense']);
        expect(tfjsLayers[1]!.config).toMatchObject({ name: 'dropout_2', rate: 0.3 });
        expect(tfjsLayers[2]!.config.activation).toBe('linear');
        expect(tfjsLayers[3]!.config).toMatchObject({ name: 'activation_4', ...config });
        expect(modelJson.userDefinedMetadata).toEqual({ chainrule: { activationLayers: ['activation_4'] } });
        const layerNames = tfjsLayers.map((l) => l.config.name as string);
        expect(new Set(layerNames).size, layerNames.join(', ')).toBe(layerNames.length);

        const loaded = await load(exported);
        expect(loaded.layers.map((l) => l.getClassName())).toEqual(tfjsLayers.map((l) => l.class_name));
        expect(loaded.layers.map((l) => l.name)).toEqual(layerNames);
        // TensorFlow.js applies dropout in training only: predict is the identity there, as in chainrule.
        close((loaded.predict(tf.tensor2d(X3)) as tf.Tensor).dataSync(), model.predict(X3).data);

        const back = expectReadsBack(model, modelJson, weights, X3);
        expect(back.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
        expect(back.layers[1]).toBeInstanceOf(Dropout);
        expect((back.layers[1] as Dropout).rate).toBe(0.3);
        expect(back.layers[3]).toBeInstanceOf(Activation);
        expect(back.layers[3]!.activation).toEqual(typeof act === 'string' ? { name: act, alpha: 0 } : act);

        // Without chainrule's metadata (a file TensorFlow.js wrote), the activation layer after the linear Dense
        // becomes that Dense's activation: the same function in one layer fewer.
        const { userDefinedMetadata: _, ...plain } = modelJson;
        const folded = fromTfjs(JSON.parse(JSON.stringify(plain)), weights);
        expect(summary(folded).map((l) => l[0])).toEqual(['dense', 'dropout', 'dense', 'dense']);
        expect(folded.layers[2]!.activation).toEqual(back.layers[3]!.activation);
        close(folded.predict(X3).data, model.predict(X3).data);
      });
    }

    it('a model starting with an Activation layer and ending with a Dropout exports, loads and reads back', async () => {
      const model = new Sequential(
        [
          new Activation('tanh', { size: 3 }),
          new Dense(3, 5, { activation: 'relu', init: normal }),
          new Activation('elu'),
          new Dense(5, 4, { init: normal }),
          new Dropout(0.5),
        ],
        { loss: 'mse', seed: 12 },
      );
      const exported = toTfjs(model);
      const tfjsLayers = exported.modelJson.modelTopology.config.layers;
      expect(tfjsLayers.map((l) => l.class_name)).toEqual(['Activation', 'Dense', 'ELU', 'Dense', 'Dropout']);
      expect(tfjsLayers[0]!.config).toMatchObject({ activation: 'tanh', batch_input_shape: [null, 3] });
      const loaded = await load(exported);
      close((loaded.predict(tf.tensor2d(X3)) as tf.Tensor).dataSync(), model.predict(X3).data);
      expectReadsBack(model, exported.modelJson, exported.weights, X3);
    });

    it('reads a model built in TensorFlow.js with dropout and activation layers between Dense layers', async () => {
      const m = tf.sequential();
      m.add(
        tf.layers.dense({ inputShape: [4], units: 6, activation: 'relu', kernelInitializer: 'randomNormal' }),
      );
      m.add(tf.layers.dropout({ rate: 0.25 }));
      m.add(tf.layers.activation({ activation: 'tanh' })); // after a Dropout: an Activation layer
      m.add(tf.layers.dense({ units: 5, kernelInitializer: 'randomNormal' }));
      m.add(tf.layers.activation({ activation: 'tanh' })); // after a linear Dense: that Dense's activation
      m.add(tf.layers.dense({ units: 5, activation: 'sigmoid' }));
      m.add(tf.layers.leakyReLU({ alpha: 0.3 })); // after a non-linear Dense: an Activation layer
      m.add(tf.layers.dense({ units: 2 }));
      m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      await m.fit(tf.tensor2d(X), tf.tensor2d(X.map((r) => [r[0]! * r[1]!, r[2]! - r[3]!])), {
        epochs: 3,
        verbose: 0,
      });
      const { modelJson, weights } = await saved(m);
      const ours = fromTfjs(modelJson, weights);
      expect(summary(ours)).toEqual([
        ['dense', 'relu', 0],
        ['dropout', 'linear', 0, 0.25],
        ['activation', 'tanh', 0],
        ['dense', 'tanh', 0],
        ['dense', 'sigmoid', 0],
        ['activation', 'leakyRelu', expect.closeTo(0.3, 7)],
        ['dense', 'linear', 0],
      ]);
      expect(ours.layers.map((l) => l.name)).toEqual(m.layers.filter((_, i) => i !== 4).map((l) => l.name));
      close(ours.predict(X).data, (m.predict(tf.tensor2d(X)) as tf.Tensor).dataSync());
    });

    it('reads activation layers after a non-linear Dense or another layer as Activation layers', () => {
      const { modelJson, weights } = toTfjs(new Sequential([new Dense(4, 2)], { loss: 'mse' }));
      const json = JSON.parse(JSON.stringify(modelJson));
      json.modelTopology.config.layers.push(
        { class_name: 'Activation', config: { name: 'a', activation: 'relu' } }, // folds into dense_1
        { class_name: 'LeakyReLU', config: { name: 'b', alpha: 0.5 } },
        { class_name: 'Activation', config: { name: 'c', activation: 'softmax' } },
      );
      const model = fromTfjs(json, weights);
      expect(summary(model)).toEqual([
        ['dense', 'relu', 0],
        ['activation', 'leakyRelu', 0.5],
        ['activation', 'softmax', 0],
      ]);
      expect(model.layers.map((l) => l.name)).toEqual(['dense_1', 'b', 'c']);
    });
  });
});

/** ScaleShift (γ ⊙ x + β) as TensorFlow.js would have it: a layer class of its own, registered by name. */
class TfScaleShift extends tf.layers.Layer {
  static className = 'ScaleShift';
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const units = (inputShape as tf.Shape).at(-1) as number;
    this.gamma = this.addWeight('gamma', [units], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    return tf.tidy(() =>
      x.mul((this.gamma as tf.LayerVariable).read()).add((this.beta as tf.LayerVariable).read()),
    );
  }
}
tf.serialization.registerClass(TfScaleShift);

describe('layer types of your own (options.layers)', () => {
  const write: TfjsLayerWriter = (layer, weights) => ({
    layer: { class_name: 'ScaleShift', config: { trainable: true, dtype: 'float32' } },
    weights: [
      { name: 'gamma', shape: [layer.outputSize], data: weights.W.data },
      { name: 'beta', shape: [layer.outputSize], data: weights.b },
    ],
  });
  const read: TfjsLayerReader = (config, weight, inputSize) => ({
    layer: new ScaleShift(inputSize, config.name as string),
    weights: { W: new Matrix(1, inputSize, weight('gamma', inputSize)), b: weight('beta', inputSize) },
  });

  it('exports through its writer, loads into TensorFlow.js with the class registered, and reads back', async () => {
    const model = new Sequential(
      [new Dense(4, 3, { activation: 'tanh' }), new ScaleShift(3), new Dense(3, 2)],
      {
        loss: 'mse',
        seed: 6,
      },
    );
    const w = model.getWeights();
    w[1] = { W: Matrix.from([[0.5, -1.5, 2]]), b: Float32Array.of(0.25, -0.5, 1) };
    model.setWeights(w);
    expect(() => toTfjs(model)).toThrow(
      `toTfjs: layer 1 ('scale') has type "scaleShift", which does not export; the layer types that export are dense, dropout, activation (give a writer for others in options.layers)`,
    );
    const { modelJson, weights } = toTfjs(model, { layers: { scaleShift: write } });
    expect(modelJson.weightsManifest[0]?.weights.map((s) => s.name)).toContain('scale/gamma');
    const loaded = await loadInTfjs({ modelJson, weights });
    close((loaded.predict(tf.tensor2d(X)) as tf.Tensor).dataSync(), model.predict(X).data);

    const json = JSON.parse(JSON.stringify(modelJson));
    expect(() => fromTfjs(json, weights)).toThrow(
      /layer 1 is a ScaleShift; only .* layers are read \(give a reader/,
    );
    const back = fromTfjs(json, weights, { layers: { ScaleShift: read } });
    expect(back.layers.map((l) => l.type)).toEqual(['dense', 'scaleShift', 'dense']);
    expect(Array.from(back.predict(X).data)).toEqual(Array.from(model.predict(X).data));
    model.dispose();
    back.dispose();
  });
});
