import { Dense, mlp, Rng, Sequential } from '@chainrule/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { fromTfjs, toOnnx, toTfjs } from '../src/index.js';
import { fields } from './protobuf.js';
import { loadInTfjs } from './tfjs-load.js';

// Exports keep the names a spreadsheet gave the model: its class names (the model's labels), feature and target names.

const rng = new Rng(3);
const rows = Array.from({ length: 24 }, () => [100 + 40 * rng.uniform(-1, 1), rng.uniform(-1, 1)]);
const features = ['area (m²)', 'slope'];
const classes = ['low', 'mid', 'high'];

function classifier(): Sequential {
  return mlp([2, 5, 3], {
    loss: 'softmaxCrossEntropy',
    activation: 'tanh',
    standardize: rows,
    labels: classes,
    seed: 2,
  });
}

/** ModelProto.metadata_props (field 14: StringStringEntryProto { key = 1, value = 2 }) as an object. */
function metadataProps(model: Uint8Array): Record<string, string> {
  const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
  const out: Record<string, string> = {};
  for (const entry of fields(model).filter((f) => f.field === 14)) {
    const parts = fields(entry.bytes);
    out[text(parts.find((p) => p.field === 1)?.bytes)] = text(parts.find((p) => p.field === 2)?.bytes);
  }
  return out;
}

describe('ONNX metadata_props', () => {
  it('keeps class, feature and target names, read back from the bytes; ONNX Runtime still loads and predicts', async () => {
    const model = classifier();
    const bytes = toOnnx(model, { featureNames: features, targetName: 'band' });
    expect(metadataProps(bytes)).toEqual({
      class_names: '["low","mid","high"]',
      feature_names: '["area (m²)","slope"]',
      target_name: 'band',
    });
    expect(JSON.parse(metadataProps(bytes).class_names as string)).toEqual(model.labels);
    const session = await ort.InferenceSession.create(bytes);
    const x = Float32Array.from(rows.flat());
    const out = await session.run({ input: new ort.Tensor('float32', x, [rows.length, 2]) });
    const got = out.output?.data as Float32Array;
    const want = model.predict(rows).data;
    for (let i = 0; i < want.length; i++)
      expect(Math.abs((got[i] as number) - (want[i] as number))).toBeLessThanOrEqual(1e-5);
    model.dispose();
  });

  it('writes only what is known: no names, no metadata_props', () => {
    const plain = new Sequential([new Dense(2, 1)], { loss: 'mse' });
    expect(metadataProps(toOnnx(plain))).toEqual({});
    expect(metadataProps(toOnnx(plain, { targetName: 'price' }))).toEqual({ target_name: 'price' });
    plain.dispose();
  });

  it('feature names that do not match the inputs are refused, naming the count', () => {
    const model = classifier();
    expect(() => toOnnx(model, { featureNames: ['a'] })).toThrow(
      "toOnnx: featureNames must name the model's 2 inputs, got 1 names",
    );
    expect(() => toTfjs(model, { featureNames: ['a', 2 as unknown as string] })).toThrow(
      'toTfjs: featureNames[1] must be a string, got 2',
    );
    model.dispose();
  });
});

describe('TensorFlow.js userDefinedMetadata', () => {
  it('keeps the names; TensorFlow.js returns them from getUserDefinedMetadata; fromTfjs gives the labels back', async () => {
    const model = classifier();
    const { modelJson, weights } = toTfjs(model, { featureNames: features, targetName: 'band' });
    expect(modelJson.userDefinedMetadata).toEqual({
      chainrule: { labels: classes, features, target: 'band' },
    });
    const loaded = await loadInTfjs({ modelJson, weights });
    expect(loaded.getUserDefinedMetadata()).toEqual({
      chainrule: { labels: classes, features, target: 'band' },
    });
    const back = fromTfjs(modelJson, weights, { loss: 'softmaxCrossEntropy' });
    expect(back.labels).toEqual(classes);
    expect(back.predictLabels(rows)).toEqual(model.predictLabels(rows));
    // The weights path alone, as before.
    expect(toTfjs(model, 'w.bin').modelJson.weightsManifest[0]?.paths).toEqual(['w.bin']);
    for (const m of [model, back]) m.dispose();
  });

  it('fromTfjs refuses labels that do not fit the output, naming the field', () => {
    const model = classifier();
    const { modelJson, weights } = toTfjs(model);
    const bad = {
      ...modelJson,
      userDefinedMetadata: { chainrule: { labels: ['low', 'high'] } },
    };
    expect(() => fromTfjs(bad, weights)).toThrow(
      'TensorFlow.js model: userDefinedMetadata.chainrule.labels: 2 class names for an output of 3 columns; give one name per column',
    );
    model.dispose();
  });
});
