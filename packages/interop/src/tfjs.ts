import {
  type ActivationName,
  type ActivationSpec,
  activationNames,
  activationTable,
  ChainruleError,
  Dense,
  type Kernels,
  type LossName,
  type LossSpec,
  lossNames,
  lossTable,
  Matrix,
  Sequential,
  type TfjsActivation,
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

/** Keras' abbreviations for its losses, which a saved training config may use (TensorFlow.js accepts them too). */
const kerasLossAbbreviations: Readonly<Record<string, string>> = {
  mse: 'meanSquaredError',
  mae: 'meanAbsoluteError',
  mape: 'meanAbsolutePercentageError',
  msle: 'meanSquaredLogarithmicError',
  kld: 'kullbackLeiblerDivergence',
};

/** The TensorFlow.js loss a model without a training config is read with (`fromTfjs`). */
const DEFAULT_TFJS_LOSS = 'meanSquaredError';

const activationEntries = activationNames.map((name) => [name, activationTable[name].tfjs] as const);

/** A Dense layer's `activation` string in TensorFlow.js → chainrule's activation (`activationTable[name].tfjs`). */
const byDenseActivation = new Map(
  activationEntries.flatMap(([name, tfjs]) =>
    'activation' in tfjs ? [[tfjs.activation, name] as const] : [],
  ),
);

/** A TensorFlow.js activation layer's class name (`LeakyReLU`) → chainrule's activation. */
const byLayerClass = new Map(
  activationEntries.flatMap(([name, tfjs]) => ('layer' in tfjs ? [[tfjs.layer, name] as const] : [])),
);

/** TensorFlow.js's identity activation: a Dense layer's when a layer of its own follows with the activation. */
const TFJS_LINEAR = 'linear';

/** `leakyRelu` → `leaky_relu`: Keras' snake_case, for the names of activation layers. */
const snakeCase = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** `a, b and c`. */
const listed = (items: readonly string[]) =>
  items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

/**
 * Writes a Sequential of Dense layers in the TensorFlow.js layers format: `model.json` (topology, weights manifest,
 * and the loss as training config: `lossTable[name].tfjs`) and one `weights.bin`. Each activation is written as
 * `activationTable[name].tfjs` says: a Dense layer's `activation` string, or — for those TensorFlow.js has as a
 * layer of their own (Leaky ReLU, ELU) — a linear Dense followed by that layer (`LeakyReLU` with `{ alpha }`), named
 * `<dense name>_<snake_case activation>` (`<name>_leaky_relu`). Kernels are inputs×units in both. Layer and weight names
 * are the layers' names made unique by `uniqueNames`.
 *
 * TensorFlow.js 4.22 refuses to load an `ELU` layer whose alpha is not 1 (its `ELU` is not implemented for other
 * values): such an ELU is still written, with its alpha, and `fromTfjs` reads it back.
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
  const forms = dense.map((l) => activationTable[l.activation.name].tfjs);
  // Dense layers keep their names where unique; an activation layer's `<name>_<activation>` gives way to them.
  const names = uniqueNames(dense.map((l) => l.name));
  const withLayer = dense.flatMap((l, i) =>
    'layer' in (forms[i] as TfjsActivation)
      ? [{ i, name: `${names[i]}_${snakeCase(l.activation.name)}` }]
      : [],
  );
  const layerNames = uniqueNames(
    withLayer.map((l) => l.name),
    names,
  );
  dense.forEach((layer, i) => {
    const w = weights[i] as { W: Matrix; b: Float32Array };
    const act = layer.activation;
    const form = forms[i] as TfjsActivation;
    const name = names[i] as string;
    layers.push({
      class_name: 'Dense',
      config: {
        name,
        trainable: true,
        dtype: 'float32',
        units: layer.outputSize,
        activation: 'activation' in form ? form.activation : TFJS_LINEAR,
        use_bias: true,
        ...(i === 0 ? { batch_input_shape: [null, layer.inputSize] } : {}),
      },
    });
    if ('layer' in form) {
      layers.push({
        class_name: form.layer,
        config: {
          name: layerNames[withLayer.findIndex((l) => l.i === i)],
          trainable: true,
          dtype: 'float32',
          ...form.config(act.alpha),
        },
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
  const name = model.loss.name;
  const loss = Object.hasOwn(lossTable, name) ? lossTable[name as LossName].tfjs : undefined;
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
 * Reads a TensorFlow.js layers-format Sequential of Dense layers into a chainrule model. Activations are read back
 * through `activationTable`: a Dense layer's `activation` string, or a layer of its own (`LeakyReLU`, `ELU`, with
 * `config.alpha`; or an `Activation` layer) after a linear Dense. The loss comes from `options.loss`, else from the
 * model's training config (the first loss in `lossTable` with that TensorFlow.js name), else mean squared error.
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
  /** The chainrule activation of a TensorFlow.js activation string, by `activationTable`. */
  const fromString = (where: string, activation: string): ActivationSpec => {
    const name = byDenseActivation.get(activation);
    if (name === undefined) {
      bad(
        `${where}: activation ${JSON.stringify(activation)} has no chainrule equivalent; ` +
          `read are the activations ${listed([...byDenseActivation.keys()])} and the layers ${listed(['Activation', ...byLayerClass.keys()])}`,
      );
    }
    return name;
  };

  const dense: {
    inputs: number;
    units: number;
    /** Whether a layer of its own may still give this Dense its activation (its own is TensorFlow.js's linear). */
    open: boolean;
    activation: ActivationSpec;
    name: string;
    W: Float32Array;
    b: Float32Array;
  }[] = [];
  let inputs: number | null = null;
  for (const [i, layer] of raw.entries()) {
    const c = (layer.config ?? {}) as Record<string, unknown>;
    if (layer.class_name === 'Dense') {
      const shape = (c.batch_input_shape ?? c.batchInputShape) as (number | null)[] | undefined;
      if (inputs === null) {
        if (!shape) bad('the first Dense layer has no batch_input_shape');
        inputs = shape[shape.length - 1] as number;
      }
      const units = c.units as number;
      const name = String(c.name ?? `dense_${i}`);
      const tfjsActivation =
        c.activation === undefined || c.activation === null ? TFJS_LINEAR : String(c.activation);
      const activation = fromString(`layer ${name}`, tfjsActivation);
      if (c.use_bias === false) bad(`layer ${name}: layers without bias are not supported`);
      dense.push({
        inputs,
        units,
        open: tfjsActivation === TFJS_LINEAR,
        activation,
        name,
        W: read(`${name}/kernel`, inputs * units),
        b: read(`${name}/bias`, units),
      });
      inputs = units;
    } else if (layer.class_name === 'Activation' || byLayerClass.has(layer.class_name)) {
      const where = `layer ${String(c.name ?? i)} (${layer.class_name})`;
      const last = dense[dense.length - 1];
      if (!last?.open) bad(`a ${layer.class_name} layer must follow a linear Dense layer`);
      last.open = false;
      if (layer.class_name === 'Activation') {
        last.activation = fromString(where, String(c.activation));
      } else {
        const name = byLayerClass.get(layer.class_name) as ActivationName;
        if (activationTable[name].alpha) {
          const alpha = c.alpha;
          if (typeof alpha !== 'number')
            bad(`${where}: config.alpha is ${JSON.stringify(alpha)}, not a number`);
          last.activation = { name, alpha };
        } else {
          last.activation = name;
        }
      }
    } else {
      bad(
        `layer ${i} is a ${layer.class_name}; only ${listed(['Dense', 'Activation', ...byLayerClass.keys()])} layers are read`,
      );
    }
  }
  // TensorFlow.js writes Keras' snake_case names (binary_crossentropy) when it saves a training config.
  const tfjsLoss = (raw: unknown): string => {
    const s = String(raw);
    return (
      kerasLossAbbreviations[s.toLowerCase()] ?? s.replace(/_(\w)/g, (_, ch: string) => ch.toUpperCase())
    );
  };
  const lossOf = (tfjs: string) => lossNames.find((name) => lossTable[name].tfjs === tfjs);
  const configured = mj.trainingConfig?.loss;
  const loss =
    options.loss ??
    (configured === undefined || configured === null ? undefined : lossOf(tfjsLoss(configured))) ??
    lossOf(DEFAULT_TFJS_LOSS) ??
    bad(`no chainrule loss has TensorFlow.js's ${DEFAULT_TFJS_LOSS}`);
  const model = new Sequential(
    dense.map((d) => new Dense(d.inputs, d.units, { activation: d.activation, name: d.name, init: 'zeros' })),
    {
      loss,
      ...(options.kernels ? { kernels: options.kernels } : {}),
    },
  );
  model.setWeights(dense.map((d) => ({ W: new Matrix(d.inputs, d.units, d.W), b: d.b })));
  return model;
}
