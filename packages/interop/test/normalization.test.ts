import { Dense, Normalization, Rng, Sequential } from '@chainrule/core';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { fromTfjs, toOnnx, toTfjs } from '../src/index.js';
import { loadInTfjs } from './tfjs-load.js';

// A Normalization layer exports folded exactly into the Dense after it: W′ = W/σ, b′ = b − (μ/σ)·W.

const rng = new Rng(21);
// Spreadsheet-like features: one in the thousands, one tiny, one ordinary.
const rows = Array.from({ length: 30 }, () => [
  2000 + 500 * rng.uniform(-1, 1),
  0.01 * rng.uniform(-1, 1),
  rng.uniform(-3, 3),
]);

function model(): Sequential {
  return new Sequential(
    [
      new Normalization().adapt(rows),
      new Dense(3, 6, { activation: 'tanh' }),
      new Dense(6, 3, { activation: 'softmax' }),
    ],
    { loss: 'softmaxCrossEntropy', seed: 5 },
  );
}

function close(got: ArrayLike<number>, want: ArrayLike<number>) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs((got[i] as number) - (want[i] as number)), `element ${i}`).toBeLessThanOrEqual(
      1e-5 * (1 + Math.abs(want[i] as number)),
    );
}

describe('Normalization folds into the Dense after it', () => {
  it('ONNX Runtime on the raw features reproduces predict (no normalization node: a Gemm with W′, b′)', async () => {
    const m = model();
    const bytes = toOnnx(m);
    const session = await ort.InferenceSession.create(bytes);
    const x = Float32Array.from(rows.flat());
    const out = await session.run({ input: new ort.Tensor('float32', x, [rows.length, 3]) });
    close(out.output?.data as Float32Array, m.predict(rows).data);
    m.dispose();
  });

  it('TensorFlow.js on the raw features reproduces predict; it reads back as the folded Dense stack', async () => {
    const m = model();
    const { modelJson, weights } = toTfjs(m);
    expect(modelJson.modelTopology.config.layers.map((l) => l.class_name)).toEqual(['Dense', 'Dense']);
    const loaded = await loadInTfjs({ modelJson, weights });
    close((loaded.predict(tf.tensor2d(rows)) as tf.Tensor).dataSync(), m.predict(rows).data);
    const back = fromTfjs(modelJson, weights);
    expect(back.layers.map((l) => l.type)).toEqual(['dense', 'dense']);
    close(back.predict(rows).data, m.predict(rows).data);
    m.dispose();
    back.dispose();
  });

  it('a Normalization not followed by a Dense is refused by name', () => {
    const m = new Sequential([new Dense(3, 3), new Normalization({ mean: [0, 0, 0], variance: [1, 1, 1] })], {
      loss: 'mse',
    });
    expect(() => toOnnx(m)).toThrow(
      /layer 1 \('normalization_2'\) is a Normalization not followed by a Dense/,
    );
    m.dispose();
  });
});
