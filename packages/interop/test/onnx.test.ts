import { type ActivationSpec, Dense, Rng, Sequential } from '@chainrule/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ONNX_OPSET, toOnnx } from '../src/index.js';
import { hiddenable, lossFor, variants } from './variants.js';

/** A protobuf message's fields (varint and 32-bit ones with empty bytes); enough to walk an ONNX graph. */
function fields(bytes: Uint8Array): { field: number; bytes: Uint8Array }[] {
  const out: { field: number; bytes: Uint8Array }[] = [];
  let at = 0;
  const varint = (): number => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++] as number;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
  };
  while (at < bytes.length) {
    const tag = varint();
    const wire = tag % 8;
    if (wire !== 0 && wire !== 2 && wire !== 5) throw new Error(`unexpected wire type ${wire}`);
    if (wire === 0) varint(); // the value; only length-delimited fields are kept.
    const length = wire === 2 ? varint() : wire === 5 ? 4 : 0;
    out.push({ field: Math.floor(tag / 8), bytes: bytes.subarray(at, at + length) });
    at += length;
  }
  return out;
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const strings = (msg: Uint8Array, field: number) =>
  fields(msg)
    .filter((f) => f.field === field)
    .map((f) => f.bytes);

/** The names in an exported graph: node names, and values (graph inputs, initializers, node outputs). */
function graphNames(model: Uint8Array): { nodes: string[]; values: string[] } {
  const graph = strings(model, 7)[0] as Uint8Array;
  const nodes = strings(graph, 1);
  return {
    nodes: nodes.flatMap((n) => strings(n, 3).map(text)),
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
async function expectOnnxPredicts(
  model: Sequential,
  options: { inputName?: string; outputName?: string } = {},
): Promise<void> {
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
});
