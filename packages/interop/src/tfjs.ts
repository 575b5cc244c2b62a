import {
  type ActivationSpec,
  ChainruleError,
  Dense,
  type Kernels,
  type LossSpec,
  Matrix,
  Sequential,
} from '@chainrule/core';
import { uniqueNames } from './names.js';

/** One weight in a TensorFlow.js weights manifest. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** What `tf.loadLayersModel` reads: model.json's contents and the weights file's bytes. */
export interface TfjsArtifacts {
  modelJson: {
    format: 'layers-model';
    generatedBy: string;
    convertedBy: null;
    modelTopology: {
      class_name: 'Sequential';
      config: { name: string; layers: TfjsLayer[] };
      keras_version: string;
      backend: string;
    };
    weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
    trainingConfig?: { loss: string };
  };
  weights: ArrayBuffer;
}

interface TfjsLayer {
  class_name: string;
  config: Record<string, unknown>;
}

const tfLoss: Record<string, string> = {
  mse: 'meanSquaredError',
  binaryCrossEntropy: 'binaryCrossentropy',
  softmaxCrossEntropy: 'categoricalCrossentropy',
};

/**
 * Writes a Sequential of Dense layers in the TensorFlow.js layers format: `model.json` (topology, weights manifest,
 * and the loss as training config) and one `weights.bin`. Leaky ReLU, a layer rather than an activation in
 * TensorFlow.js, becomes a linear Dense followed by a `LeakyReLU` layer. Kernels are inputs×units in both. Layer
 * and weight names are the layers' names made unique by `uniqueNames`.
 */
export function toTfjs(model: Sequential, weightsPath = 'weights.bin'): TfjsArtifacts {
  const weights = model.getWeights();
  const layers: TfjsLayer[] = [];
  const specs: TfjsWeightSpec[] = [];
  const parts: Float32Array[] = [];
  const dense = model.layers as Dense[];
  for (const [i, layer] of dense.entries()) {
    if (!(layer instanceof Dense))
      throw new ChainruleError('INVALID_OPTION', `toTfjs: layer ${i} is not a Dense layer`);
  }
  // Dense layers keep their names where unique; a LeakyReLU layer's `<name>_leaky_relu` gives way to them.
  const names = uniqueNames(dense.map((l) => l.name));
  const leaky = dense.flatMap((l, i) => (l.activation.name === 'leakyRelu' ? [i] : []));
  const leakyNames = uniqueNames(
    leaky.map((i) => `${names[i]}_leaky_relu`),
    names,
  );
  dense.forEach((layer, i) => {
    const w = weights[i] as { W: Matrix; b: Float32Array };
    const act = layer.activation;
    const name = names[i] as string;
    layers.push({
      class_name: 'Dense',
      config: {
        name,
        trainable: true,
        dtype: 'float32',
        units: layer.outputSize,
        activation: act.name === 'leakyRelu' ? 'linear' : act.name,
        use_bias: true,
        ...(i === 0 ? { batch_input_shape: [null, layer.inputSize] } : {}),
      },
    });
    if (act.name === 'leakyRelu') {
      layers.push({
        class_name: 'LeakyReLU',
        config: { name: leakyNames[leaky.indexOf(i)], trainable: true, dtype: 'float32', alpha: act.alpha },
      });
    }
    specs.push({ name: `${name}/kernel`, shape: [w.W.rows, w.W.cols], dtype: 'float32' });
    specs.push({ name: `${name}/bias`, shape: [w.b.length], dtype: 'float32' });
    parts.push(w.W.data, w.b);
  });
  const total = parts.reduce((s, p) => s + p.length, 0);
  const flat = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    flat.set(p, at);
    at += p.length;
  }
  const loss = tfLoss[model.loss.name];
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: 'chainrule',
      convertedBy: null,
      modelTopology: {
        class_name: 'Sequential',
        config: { name: 'sequential', layers },
        keras_version: 'tfjs-layers 4.22.0',
        backend: 'tensor_flow.js',
      },
      weightsManifest: [{ paths: [weightsPath], weights: specs }],
      ...(loss ? { trainingConfig: { loss } } : {}),
    },
    weights: flat.buffer,
  };
}

function bad(message: string): never {
  throw new ChainruleError('INVALID_MODEL_JSON', `TensorFlow.js model: ${message}`);
}

/**
 * Reads a TensorFlow.js layers-format Sequential of Dense layers (each optionally followed by a LeakyReLU layer, or
 * an Activation layer) into a chainrule model. The loss comes from `options.loss`, else from the model's training
 * config, else mean squared error.
 */
export function fromTfjs(
  modelJson: unknown,
  weights: ArrayBuffer,
  options: { loss?: LossSpec; kernels?: Kernels } = {},
): Sequential {
  const mj = modelJson as TfjsArtifacts['modelJson'];
  const topology = (mj?.modelTopology as { model_config?: unknown })?.model_config ?? mj?.modelTopology;
  const t = topology as { class_name?: string; config?: { layers?: TfjsLayer[] } | TfjsLayer[] };
  if (t?.class_name !== 'Sequential')
    bad(`expected a Sequential model, got ${JSON.stringify(t?.class_name)}`);
  const raw = Array.isArray(t.config) ? t.config : t.config?.layers;
  if (!Array.isArray(raw) || raw.length === 0) bad('the topology has no layers');
  const specs = (mj.weightsManifest ?? []).flatMap((g) => g.weights);
  const byName = new Map<string, { spec: TfjsWeightSpec; offset: number }>();
  let offset = 0;
  // Optimizer state saved with the model (an int32 step counter, …) takes room in the data but is not read.
  const bytesPer: Record<string, number> = { float32: 4, int32: 4, bool: 1 };
  for (const spec of specs) {
    const size = bytesPer[spec.dtype as string];
    if (size === undefined) bad(`weight ${spec.name} has dtype ${spec.dtype}, which this reader cannot size`);
    byName.set(spec.name, { spec, offset });
    offset += spec.shape.reduce((a, b) => a * b, 1) * size;
  }
  if (offset > weights.byteLength)
    bad(`the manifest lists ${offset} bytes of weights, the data has ${weights.byteLength}`);
  const read = (name: string, length: number): Float32Array => {
    const hit =
      byName.get(name) ??
      [...byName.entries()].find(([k]) => k.endsWith(`/${name.split('/').slice(-2).join('/')}`))?.[1];
    if (!hit) bad(`no weight named ${name} in the manifest`);
    if (hit.spec.dtype !== 'float32')
      bad(`weight ${name} is ${hit.spec.dtype}; only float32 weights are read`);
    const n = hit.spec.shape.reduce((a, b) => a * b, 1);
    if (n !== length) bad(`weight ${name} has ${n} values, expected ${length}`);
    return new Float32Array(weights.slice(hit.offset, hit.offset + 4 * n));
  };

  const dense: {
    inputs: number;
    units: number;
    activation: ActivationSpec;
    name: string;
    W: Float32Array;
    b: Float32Array;
  }[] = [];
  let inputs: number | null = null;
  for (const [i, layer] of raw.entries()) {
    const c = layer.config as Record<string, unknown>;
    if (layer.class_name === 'Dense') {
      const shape = (c.batch_input_shape ?? c.batchInputShape) as (number | null)[] | undefined;
      if (inputs === null) {
        if (!shape) bad('the first Dense layer has no batch_input_shape');
        inputs = shape[shape.length - 1] as number;
      }
      const units = c.units as number;
      const name = String(c.name ?? `dense_${i}`);
      const activation =
        c.activation === 'linear' || c.activation === undefined ? 'linear' : (c.activation as string);
      const known = ['linear', 'sigmoid', 'tanh', 'relu', 'softmax'];
      if (!known.includes(activation))
        bad(`layer ${name}: activation ${activation} has no chainrule equivalent`);
      if (c.use_bias === false) bad(`layer ${name}: layers without bias are not supported`);
      dense.push({
        inputs,
        units,
        activation: activation as ActivationSpec,
        name,
        W: read(`${name}/kernel`, inputs * units),
        b: read(`${name}/bias`, units),
      });
      inputs = units;
    } else if (layer.class_name === 'LeakyReLU' || layer.class_name === 'Activation') {
      const last = dense[dense.length - 1];
      if (last?.activation !== 'linear') bad(`a ${layer.class_name} layer must follow a linear Dense layer`);
      last.activation =
        layer.class_name === 'LeakyReLU'
          ? { name: 'leakyRelu', alpha: Number(c.alpha ?? 0.3) }
          : (String(c.activation) as ActivationSpec);
    } else {
      bad(`layer ${i} is a ${layer.class_name}; only Dense, LeakyReLU and Activation layers are read`);
    }
  }
  // TensorFlow.js writes Keras' snake_case names (binary_crossentropy) when it saves a training config.
  const normalize = (name: unknown) =>
    String(name ?? '').replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
  const trainingLoss = Object.entries(tfLoss).find(
    ([, v]) =>
      v === normalize(mj.trainingConfig?.loss) ||
      (v === 'meanSquaredError' && mj.trainingConfig?.loss === 'mse'),
  )?.[0];
  const model = new Sequential(
    dense.map((d) => new Dense(d.inputs, d.units, { activation: d.activation, name: d.name, init: 'zeros' })),
    {
      loss: options.loss ?? (trainingLoss as LossSpec | undefined) ?? 'mse',
      ...(options.kernels ? { kernels: options.kernels } : {}),
    },
  );
  model.setWeights(dense.map((d) => ({ W: new Matrix(d.inputs, d.units, d.W), b: d.b })));
  return model;
}
