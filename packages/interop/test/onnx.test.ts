import { Activation, type ActivationSpec, Dense, Dropout, Matrix, Rng, Sequential } from '@chainrule/core';
import { ScaleShift } from '@chainrule/core/testing';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ONNX_OPSET, type OnnxLayerWriter, type OnnxOptions, toOnnx } from '../src/index.js';
import { fields } from './protobuf.js';
import { hiddenable, lossFor, variants } from './variants.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const strings = (msg: Uint8Array, field: number) =>
  fields(msg)
    .filter((f) => f.field === field)
    .map((f) => f.bytes);

/** The names in an exported graph: node names, and values (graph inputs, initializers, node outputs); node ops. */
function graphNames(model: Uint8Array): { nodes: string[]; values: string[]; ops: string[] } {
  const graph = strings(model, 7)[0] as Uint8Array;
  const nodes = strings(graph, 1);
  return {
    nodes: nodes.flatMap((n) => strings(n, 3).map(text)),
    ops: nodes.flatMap((n) => strings(n, 4).map(text)),
    values: [
      ...strings(graph, 11).flatMap((v) => strings(v, 1).map(text)),
      ...strings(graph, 5).flatMap((t) => strings(t, 8).map(text)),
      ...nodes.flatMap((n) => strings(n, 2).map(text)),
    ],
  };
}

const init = { name: 'normal', std: 0.8 } as const;

/** Two hidden layers with `hidden`, a linear output. */
function hiddenModel(hidden: ActivationSpec, seed: number): Sequential {
  return new Sequential(
    [
      new Dense(5, 7, { activation: hidden, init }),
      new Dense(7, 6, { activation: hidden, init }),
      new Dense(6, 3, { init }),
    ],
    { loss: 'mse', seed },
  );
}

/** A tanh hidden layer and an `output` layer, with its loss. */
function outputModel(output: ActivationSpec, seed: number): Sequential {
  return new Sequential(
    [new Dense(5, 7, { activation: 'tanh', init }), new Dense(7, 3, { activation: output, init })],
    { loss: lossFor(output), seed },
  );
}

async function runOnnx(
  bytes: Uint8Array,
  x: Float32Array,
  rows: number,
  cols: number,
  names = { input: 'input', output: 'output' },
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ [names.input]: new ort.Tensor('float32', x, [rows, cols]) });
  return out[names.output]?.data as Float32Array;
}

/** ONNX Runtime's output for random rows equals `model.predict`'s within float32 tolerance. */
async function expectOnnxPredicts(model: Sequential, options: OnnxOptions = {}): Promise<void> {
  const rng = new Rng(9);
  const rows = 11;
  const cols = model.inputSize;
  const x = Float32Array.from({ length: rows * cols }, () => rng.uniform(-2, 2));
  const want = model.predict(
    Array.from({ length: rows }, (_, r) => Array.from(x.subarray(r * cols, r * cols + cols))),
  ).data;
  const got = await runOnnx(toOnnx(model, options), x, rows, cols, {
    input: options.inputName ?? 'input',
    output: options.outputName ?? 'output',
  });
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs((got[i] as number) - (want[i] as number)), `element ${i}`).toBeLessThanOrEqual(
      1e-5 * (1 + Math.abs(want[i] as number)),
    );
  }
}

const unique = (names: string[]) => expect(new Set(names).size, names.join(', ')).toBe(names.length);

describe('toOnnx', () => {
  for (const [k, { label, spec }] of variants.entries()) {
    if (hiddenable(spec)) {
      it(`ONNX Runtime reproduces predict for ${label} hidden layers`, async () => {
        const model = hiddenModel(spec, k + 1);
        await expectOnnxPredicts(model);
        const { nodes, values } = graphNames(toOnnx(model));
        unique(nodes);
        unique(values);
      });
    }
    it(`ONNX Runtime reproduces predict for ${label} as the output layer`, async () => {
      const model = outputModel(spec, k + 1);
      await expectOnnxPredicts(model);
      const { nodes, values } = graphNames(toOnnx(model));
      unique(nodes);
      unique(values);
      expect(values[values.length - 1]).toBe('output');
    });
  }

  it('declares opset 13, a symbolic batch size, and names inputs and outputs', async () => {
    const model = outputModel('sigmoid', 1);
    const session = await ort.InferenceSession.create(toOnnx(model));
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['output']);
    expect(ONNX_OPSET).toBe(13);
    // Any batch size runs.
    for (const rows of [1, 64]) {
      const out = await session.run({
        input: new ort.Tensor('float32', new Float32Array(rows * 5), [rows, 5]),
      });
      expect(out.output?.dims).toEqual([rows, 3]);
    }
  });

  it('writes unique names when two layers share a name (hidden, hidden)', async () => {
    const model = new Sequential(
      [
        new Dense(2, 4, { name: 'hidden', activation: 'tanh', init: { name: 'normal', std: 0.8 } }),
        new Dense(4, 1, { name: 'hidden', activation: 'sigmoid', init: { name: 'normal', std: 0.8 } }),
      ],
      { loss: 'binaryCrossEntropy', seed: 3 },
    );
    await expectOnnxPredicts(model);
    const { nodes, values } = graphNames(toOnnx(model));
    unique(nodes);
    unique(values);
    expect(nodes).toEqual(['hidden_gemm', 'hidden_tanh', 'hidden_2_gemm', 'hidden_2_sigmoid']);
    expect(values).toEqual([
      ...['input', 'hidden_W', 'hidden_b', 'hidden_2_W', 'hidden_2_b'], // input, initializers
      ...['hidden_z', 'hidden_a', 'hidden_2_z', 'output'], // node outputs
    ]);
  });

  it("a renamed repeat does not take another layer's name (a, a, a_2)", async () => {
    const model = new Sequential(
      [
        new Dense(3, 5, { name: 'a', activation: 'relu', init: { name: 'normal', std: 0.8 } }),
        new Dense(5, 4, {
          name: 'a',
          activation: { name: 'leakyRelu', alpha: 0.2 },
          init: { name: 'normal', std: 0.8 },
        }),
        new Dense(4, 2, { name: 'a_2', activation: 'softmax', init: { name: 'normal', std: 0.8 } }),
      ],
      { loss: 'softmaxCrossEntropy', seed: 4 },
    );
    await expectOnnxPredicts(model);
    const { nodes, values } = graphNames(toOnnx(model));
    unique(nodes);
    unique(values);
    expect(nodes.filter((n) => n.endsWith('_gemm'))).toEqual(['a_gemm', 'a_3_gemm', 'a_2_gemm']);
  });

  it('renames a layer whose values would take the graph input or output name', async () => {
    const model = new Sequential(
      [
        new Dense(3, 4, { name: 'hidden', activation: 'relu', init: { name: 'normal', std: 0.8 } }),
        new Dense(4, 2, { name: 'out', init: { name: 'normal', std: 0.8 } }),
      ],
      { loss: 'mse', seed: 5 },
    );
    const options = { inputName: 'hidden_z', outputName: 'hidden_a' };
    await expectOnnxPredicts(model, options);
    const { nodes, values } = graphNames(toOnnx(model, options));
    unique(nodes);
    unique(values);
    expect(values).toContain('hidden_2_W');
    expect(() => toOnnx(model, { inputName: 'x', outputName: 'x' })).toThrow(
      "toOnnx: inputName and outputName are both 'x'",
    );
  });

  it('names the nodes and values of an activation that writes several (SiLU: Sigmoid, then Mul)', async () => {
    const model = new Sequential(
      [
        new Dense(3, 4, { name: 'hidden', activation: 'silu', init }),
        new Dense(4, 2, { name: 'out', activation: 'silu', init }),
      ],
      { loss: 'mse', seed: 6 },
    );
    await expectOnnxPredicts(model);
    const { nodes, values } = graphNames(toOnnx(model));
    expect(nodes).toEqual([
      ...['hidden_gemm', 'hidden_siluSigmoid', 'hidden_siluMul'],
      ...['out_gemm', 'out_siluSigmoid', 'out_siluMul'],
    ]);
    expect(values).toEqual([
      ...['input', 'hidden_W', 'hidden_b', 'out_W', 'out_b'],
      ...['hidden_z', 'hidden_siluSigmoid', 'hidden_a', 'out_z', 'out_siluSigmoid', 'output'],
    ]);
    // A graph output named like an intermediate value renames the layer that would write it.
    const options = { outputName: 'hidden_siluSigmoid' };
    await expectOnnxPredicts(model, options);
    const renamed = graphNames(toOnnx(model, options));
    unique(renamed.values);
    expect(renamed.values).toContain('hidden_2_siluSigmoid');
  });

  describe('Dropout and Activation layers', () => {
    /** Dense(3,8,relu) → Dropout(0.3) → Dense(8,4) → Activation(act) → Dense(4,2,softmax). */
    const mixed = (act: ActivationSpec) =>
      new Sequential(
        [
          new Dense(3, 8, { activation: 'relu', init }),
          new Dropout(0.3),
          new Dense(8, 4, { init }),
          new Activation(act),
          new Dense(4, 2, { activation: 'softmax', init }),
        ],
        { loss: 'softmaxCrossEntropy', seed: 7 },
      );

    it('Dense → Dropout → Dense → Activation(silu) → Dense: ONNX Runtime reproduces predict', async () => {
      const model = mixed('silu');
      // Trained a little, so that the dropout layer has been active: inference is still the identity.
      model.fit(
        [
          [1, 0, -1],
          [0.5, 2, 0],
        ],
        [
          [1, 0],
          [0, 1],
        ],
        { epochs: 3, batchSize: 2 },
      );
      await expectOnnxPredicts(model);
      const { nodes, values, ops } = graphNames(toOnnx(model));
      unique(nodes);
      unique(values);
      // No node for the dropout; the activation layer's nodes read the linear Dense's Gemm output.
      expect(ops).not.toContain('Dropout');
      expect(nodes).toEqual([
        ...['dense_1_gemm', 'dense_1_relu', 'dense_3_gemm'],
        ...['activation_4_siluSigmoid', 'activation_4_siluMul', 'dense_5_gemm', 'dense_5_softmax'],
      ]);
      expect(values).toEqual([
        ...['input', 'dense_1_W', 'dense_1_b', 'dense_3_W', 'dense_3_b', 'dense_5_W', 'dense_5_b'],
        ...['dense_1_z', 'dense_1_a', 'dense_3_z', 'activation_4_siluSigmoid', 'activation_4_a'],
        ...['dense_5_z', 'output'],
      ]);
    });

    it('Dense → Dropout → Dense → Activation(leakyRelu 0.2) → Dense: ONNX Runtime reproduces predict', async () => {
      const model = mixed({ name: 'leakyRelu', alpha: 0.2 });
      await expectOnnxPredicts(model);
      const { nodes, values, ops } = graphNames(toOnnx(model));
      unique(nodes);
      unique(values);
      expect(ops).toEqual(['Gemm', 'Relu', 'Gemm', 'LeakyRelu', 'Gemm', 'Softmax']);
      expect(nodes).toContain('activation_4_leakyRelu');
      expect(values[values.length - 1]).toBe('output');
    });

    it('a first or last layer without nodes: Identity writes the graph output', async () => {
      const model = new Sequential(
        [
          new Dropout(0.2, { size: 3 }),
          new Activation('tanh'),
          new Dense(3, 4, { init }),
          new Activation('linear'),
          new Dropout(0.5),
        ],
        { loss: 'mse', seed: 8 },
      );
      await expectOnnxPredicts(model);
      const { nodes, values } = graphNames(toOnnx(model));
      expect(nodes).toEqual(['activation_2_tanh', 'dense_3_gemm', 'dropout_5_identity']);
      expect(values).toEqual([
        ...['input', 'dense_3_W', 'dense_3_b'],
        ...['activation_2_a', 'dense_3_z', 'output'],
      ]);
      // A model that is one dropout layer is the identity.
      const identity = new Sequential([new Dropout(0.4, { size: 3 })], { loss: 'mse' });
      await expectOnnxPredicts(identity);
      expect(graphNames(toOnnx(identity)).ops).toEqual(['Identity']);
      const lastActivation = new Sequential([new Dense(3, 2, { init }), new Activation('sigmoid')], {
        loss: 'mse',
      });
      await expectOnnxPredicts(lastActivation);
      expect(graphNames(toOnnx(lastActivation)).values).toEqual([
        ...['input', 'dense_1_W', 'dense_1_b', 'dense_1_z', 'output'],
      ]);
    });

    it('writes unique names when Dense, Dropout and Activation layers share names', async () => {
      const model = new Sequential(
        [
          new Dense(3, 4, { name: 'h', init }),
          new Activation('silu', { name: 'h' }),
          new Dropout(0.1, { name: 'h' }),
          new Dense(4, 2, { name: 'h_2', init }),
          new Activation({ name: 'elu', alpha: 0.5 }, { name: 'h_2' }),
        ],
        { loss: 'mse', seed: 9 },
      );
      for (const options of [{}, { inputName: 'h_a' }, { outputName: 'h_3_siluSigmoid' }]) {
        await expectOnnxPredicts(model, options);
        const { nodes, values } = graphNames(toOnnx(model, options));
        unique(nodes);
        unique(values);
      }
      // Layer names h, h, h, h_2, h_2 export as h, h_3, h_4 (the dropout: no node), h_2, h_2_2.
      const { nodes, values } = graphNames(toOnnx(model));
      expect(nodes).toEqual([...['h_gemm', 'h_3_siluSigmoid', 'h_3_siluMul', 'h_2_gemm', 'h_2_2_elu']]);
      expect(values).toEqual([
        ...['input', 'h_W', 'h_b', 'h_2_W', 'h_2_b'],
        ...['h_z', 'h_3_siluSigmoid', 'h_3_a', 'h_2_z', 'output'],
      ]);
    });

    it('refuses a layer type it does not know, naming the layer and what exports', () => {
      const model = new Sequential([new Dense(3, 4), new Activation('relu'), new Dense(4, 2)], {
        loss: 'mse',
      });
      (model.layers[1] as { type: string }).type = 'conv2d';
      expect(() => toOnnx(model)).toThrow(
        'toOnnx: layer 1 (\'activation_2\') has type "conv2d", which does not export; the layer types that export are dense, dropout, activation',
      );
    });
  });
});

describe('layer types of your own (options.layers)', () => {
  /** ScaleShift (γ ⊙ x + β, a layer written against the Layer contract alone) as ONNX: Mul by γ, then Add β. */
  const scaleShift: OnnxLayerWriter = (layer, weights, graph) => {
    const gamma = graph.initializer('gamma', [layer.outputSize], weights.W.data);
    const beta = graph.initializer('beta', [layer.outputSize], weights.b);
    return graph.node('Add', [graph.node('Mul', [graph.input, gamma]), beta]);
  };
  const trained = () => {
    const model = new Sequential(
      [new Dense(3, 4, { activation: 'tanh' }), new ScaleShift(4), new Dense(4, 2)],
      {
        loss: 'mse',
        seed: 3,
      },
    );
    const w = model.getWeights();
    // γ and β away from 1 and 0, so that leaving them out shows.
    w[1] = { W: Matrix.from([[0.5, 1.5, -2, 2.5]]), b: Float32Array.of(0.3, -0.2, 0.1, 0.4) };
    model.setWeights(w);
    return model;
  };

  it('a writer given for its type exports it; ONNX Runtime reproduces predict, in the middle or last', async () => {
    const model = trained();
    await expectOnnxPredicts(model, { layers: { scaleShift } });
    const names = graphNames(toOnnx(model, { layers: { scaleShift } }));
    expect(names.values).toEqual(
      expect.arrayContaining(['scale_gamma', 'scale_beta', 'scale_mul', 'scale_add']),
    );
    const last = new Sequential([new Dense(3, 4), new ScaleShift(4, 'out')], { loss: 'mse', seed: 2 });
    await expectOnnxPredicts(last, { layers: { scaleShift } });
    expect(graphNames(toOnnx(last, { layers: { scaleShift } })).nodes).toContain('out_identity');
    model.dispose();
    last.dispose();
  });

  it('without a writer it is refused, naming the layer and the option; a writer that reads a stranger is too', () => {
    const model = trained();
    expect(() => toOnnx(model)).toThrow(
      `toOnnx: layer 1 ('scale') has type "scaleShift", which does not export; the layer types that export are dense, dropout, activation (give a writer for others in options.layers)`,
    );
    const stray: OnnxLayerWriter = (_l, _w, graph) => graph.node('Relu', ['dense_0_z']);
    expect(() => toOnnx(model, { layers: { scaleShift: stray } })).toThrow(
      `toOnnx: layer 1 ('scale'): a Relu node reads "dense_0_z", which this layer has not written`,
    );
    const lost: OnnxLayerWriter = () => 'nowhere';
    expect(() => toOnnx(model, { layers: { scaleShift: lost } })).toThrow(
      `returned "nowhere", which is neither its input nor a value it wrote`,
    );
    model.dispose();
  });
});
