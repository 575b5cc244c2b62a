import { type ActivationName, Dense, Rng, Sequential } from '@chainrule/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ONNX_OPSET, toOnnx } from '../src/index.js';

const acts: ActivationName[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'softmax'];

function modelWith(hidden: ActivationName, output: ActivationName, seed: number): Sequential {
  return new Sequential(
    [
      new Dense(5, 7, {
        activation: hidden === 'leakyRelu' ? { name: 'leakyRelu', alpha: 0.2 } : hidden,
        init: { name: 'normal', std: 0.8 },
      }),
      new Dense(7, 6, {
        activation: hidden === 'softmax' ? 'tanh' : hidden,
        init: { name: 'normal', std: 0.8 },
      }),
      new Dense(6, 3, { activation: output, init: { name: 'normal', std: 0.8 } }),
    ],
    {
      loss:
        output === 'softmax' ? 'softmaxCrossEntropy' : output === 'sigmoid' ? 'binaryCrossEntropy' : 'mse',
      seed,
    },
  );
}

async function runOnnx(
  bytes: Uint8Array,
  x: Float32Array,
  rows: number,
  cols: number,
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ input: new ort.Tensor('float32', x, [rows, cols]) });
  return out.output?.data as Float32Array;
}

describe('toOnnx', () => {
  for (const act of acts) {
    it(`ONNX Runtime reproduces predict for ${act} (hidden) layers`, async () => {
      const model = modelWith(act, act === 'softmax' ? 'softmax' : act, acts.indexOf(act) + 1);
      const rng = new Rng(9);
      const rows = 11;
      const x = Float32Array.from({ length: rows * 5 }, () => rng.uniform(-2, 2));
      const want = model.predict(
        Array.from({ length: rows }, (_, r) => Array.from(x.subarray(r * 5, r * 5 + 5))),
      ).data;
      const got = await runOnnx(toOnnx(model), x, rows, 5);
      expect(got.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) {
        expect(Math.abs((got[i] as number) - (want[i] as number)), `element ${i}`).toBeLessThanOrEqual(
          1e-5 * (1 + Math.abs(want[i] as number)),
        );
      }
    });
  }

  it('declares opset 13, a symbolic batch size, and names inputs and outputs', async () => {
    const model = modelWith('tanh', 'sigmoid', 1);
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
});
