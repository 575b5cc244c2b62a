import {
  Activation,
  type ActivationName,
  type ActivationSpec,
  activationNames,
  activationTable,
  ChainruleError,
  Dense,
  Dropout,
  type Kernels,
  type Layer,
  type LayerWeights,
  type LossName,
  type LossSpec,
  lossNames,
  lossTable,
  Matrix,
  type ResolvedActivation,
  Sequential,
} from '@chainrule/core';
import { foldNormalization } from './fold.js';
import { type ExportNames, exportNames, uniqueNames } from './names.js';

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
    /** Written when the model has `Activation` layers or names to keep: see `ChainruleMetadata`. */
    userDefinedMetadata?: { chainrule: ChainruleMetadata };
  };
  weights: ArrayBuffer;
}

/**
 * What `toTfjs` records in model.json's `userDefinedMetadata.chainrule` (TensorFlow.js keeps it when it loads the
 * model). A TensorFlow.js activation layer after a linear Dense is read as that Dense's activation, which is how a
 * Dense with Leaky ReLU or ELU is written; these names mark the layers written from chainrule `Activation` layers,
 * which `fromTfjs` reads back as `Activation` layers wherever they are.
 */
export interface ChainruleMetadata {
  /** The TensorFlow.js names of the layers written from chainrule `Activation` layers (when there are some). */
  activationLayers?: string[];
  /** The model's class names (`Sequential.labels`), in output order; `fromTfjs` gives them back to the model. */
  labels?: string[];
  /** `TfjsOptions.featureNames`: the input columns' names, in order. */
  features?: string[];
  /** `TfjsOptions.targetName`: what the model predicts. */
  target?: string;
}

/** Where `toTfjs` says the weights are, and the names it writes in `userDefinedMetadata.chainrule`. */
export interface TfjsOptions extends ExportNames {
  /** The weights file's path as model.json's manifest names it; default `weights.bin`. */
  weightsPath?: string;
  /**
   * Writers for layer types of your own, by `Layer.type` (dense, dropout and activation need none): each gives the
   * TensorFlow.js layer (a class the loading side registers with `tf.serialization.registerClass`) and its weights.
   */
  layers?: Readonly<Record<string, TfjsLayerWriter>>;
}

/** A TensorFlow.js layer in model.json's topology: its class name and config. */
export interface TfjsLayer {
  class_name: string;
  config: Record<string, unknown>;
}

/**
 * Writes one layer of a type of your own for TensorFlow.js: the layer's config (its `name`, and the first layer's
 * `batch_input_shape`, are filled in) and its weights in the order the TensorFlow.js class creates them, each named
 * `<layer name>/<name>` in the manifest, as `addWeight(name, …)` names them.
 */
export type TfjsLayerWriter = (
  layer: Layer,
  weights: LayerWeights,
) => { layer: TfjsLayer; weights: { name: string; shape: number[]; data: Float32Array }[] };

/**
 * Reads one TensorFlow.js layer of a class of your own (by `class_name`, in `fromTfjs`'s `options.layers`) into a
 * chainrule layer: from its config, its weights (`weight(name, length)` reads `<layer name>/<name>`) and the width
 * of its input; returns the layer (not built) and the weights to give it.
 */
export type TfjsLayerReader = (
  config: Readonly<Record<string, unknown>>,
  weight: (name: string, length: number) => Float32Array,
  inputSize: number,
) => { layer: Layer; weights: LayerWeights };

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

/** The layer types `toTfjs` writes, as `Layer.type` names them. */
const TFJS_LAYER_TYPES = ['dense', 'dropout', 'activation'] as const;

/** `leakyRelu` → `leaky_relu`: Keras' snake_case, for the names of activation layers. */
const snakeCase = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** `a, b and c`. */
const listed = (items: readonly string[]) =>
  items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

/** The TensorFlow.js layer that applies `act` on its own: `Activation` with its string, or the table's own layer. */
function activationLayer(act: ResolvedActivation): TfjsLayer {
  const form = activationTable[act.name].tfjs;
  return 'activation' in form
    ? { class_name: 'Activation', config: { activation: form.activation } }
    : { class_name: form.layer, config: form.config(act.alpha) };
}

/**
 * Writes a Sequential in the TensorFlow.js layers format: `model.json` (topology, weights manifest, and the loss as
 * training config: `lossTable[name].tfjs`) and one `weights.bin`. Layers are written by their `type`:
 * - `dense`: a `Dense` layer, its activation as `activationTable[name].tfjs` says: the Dense layer's `activation`
 *   string, or — for those TensorFlow.js has as a layer of their own (Leaky ReLU, ELU) — a linear Dense followed by
 *   that layer (`LeakyReLU` with `{ alpha }`), named `<dense name>_<snake_case activation>` (`<name>_leaky_relu`).
 *   Kernels are inputs×units in both.
 * - `dropout`: a `Dropout` layer with its `rate` (TensorFlow.js, like chainrule, drops only in training).
 * - `activation`: an `Activation` layer with the activation's string, or the table's own layer (`LeakyReLU`, `ELU`
 *   with `{ alpha }`); their names are listed in `userDefinedMetadata.chainrule` (`ChainruleMetadata`).
 * - a type of your own: what its writer in `options.layers` gives (`TfjsLayerWriter`).
 * Any other layer type is refused. Layer and weight names are the layers' names made unique by `uniqueNames`.
 *
 * TensorFlow.js 4.22 refuses to load an `ELU` layer whose alpha is not 1 (its `ELU` is not implemented for other
 * values): such an ELU is still written, with its alpha, and `fromTfjs` reads it back.
 *
 * The model's class names (`labels`), and `options.featureNames` and `targetName` when given, are kept in
 * `userDefinedMetadata.chainrule` (`labels`, `features`, `target`), which `model.getUserDefinedMetadata()` returns in
 * TensorFlow.js. `options` may be the weights path alone, as before.
 */
export function toTfjs(model: Sequential, options: TfjsOptions | string = {}): TfjsArtifacts {
  const { weightsPath = 'weights.bin', ...kept } =
    typeof options === 'string' ? { weightsPath: options } : options;
  const known = exportNames('toTfjs', model, kept);
  const { layers: source, weights } = foldNormalization(model, 'toTfjs');
  const layers: TfjsLayer[] = [];
  const specs: TfjsWeightSpec[] = [];
  const parts: Float32Array[] = [];
  const writers = kept.layers ?? {};
  const writerOf = (type: string) => (Object.hasOwn(writers, type) ? writers[type] : undefined);
  for (const [i, layer] of source.entries()) {
    if (!(TFJS_LAYER_TYPES as readonly string[]).includes(layer.type) && !writerOf(layer.type)) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `toTfjs: layer ${i} ('${layer.name}') has type ${JSON.stringify(layer.type)}, which does not export; ` +
          `the layer types that export are ${TFJS_LAYER_TYPES.join(', ')} (give a writer for others in options.layers)`,
      );
    }
  }
  /** Whether a dense layer's activation is written as a layer of its own after it. */
  const ownLayer = (l: Layer) => l.type === 'dense' && 'layer' in activationTable[l.activation.name].tfjs;
  // Layers keep their names where unique; a Dense's activation layer `<name>_<activation>` gives way to them.
  const names = uniqueNames(source.map((l) => l.name));
  const withLayer = source.flatMap((l, i) =>
    ownLayer(l) ? [{ i, name: `${names[i]}_${snakeCase(l.activation.name)}` }] : [],
  );
  const layerNames = uniqueNames(
    withLayer.map((l) => l.name),
    names,
  );
  const common = (name: string) => ({ name, trainable: true, dtype: 'float32' });
  const inputShape = (i: number, layer: Layer) =>
    i === 0 ? { batch_input_shape: [null, layer.inputSize] } : {};
  const activationLayers: string[] = [];
  source.forEach((layer, i) => {
    const name = names[i] as string;
    const writer = (TFJS_LAYER_TYPES as readonly string[]).includes(layer.type)
      ? undefined
      : writerOf(layer.type);
    if (writer) {
      const out = writer(layer, weights[i] as LayerWeights);
      layers.push({
        class_name: out.layer.class_name,
        config: { ...out.layer.config, ...common(name), ...inputShape(i, layer) },
      });
      for (const w of out.weights) {
        const count = w.shape.reduce((a, b) => a * b, 1);
        if (!(w.data instanceof Float32Array) || w.data.length !== count) {
          throw new ChainruleError(
            'INVALID_OPTION',
            `toTfjs: layer ${i} ('${layer.name}'): weight ${w.name} has ${w.data?.length} values for shape [${w.shape.join(', ')}] (${count})`,
          );
        }
        specs.push({ name: `${name}/${w.name}`, shape: [...w.shape], dtype: 'float32' });
        parts.push(w.data);
      }
      return;
    }
    if (layer.type === 'dropout') {
      layers.push({
        class_name: 'Dropout',
        config: { ...common(name), rate: (layer as Dropout).rate, ...inputShape(i, layer) },
      });
      return;
    }
    if (layer.type === 'activation') {
      const { class_name, config } = activationLayer(layer.activation);
      layers.push({ class_name, config: { ...common(name), ...config, ...inputShape(i, layer) } });
      activationLayers.push(name);
      return;
    }
    const w = weights[i] as { W: Matrix; b: Float32Array };
    const form = activationTable[layer.activation.name].tfjs;
    layers.push({
      class_name: 'Dense',
      config: {
        ...common(name),
        units: layer.outputSize,
        activation: 'activation' in form ? form.activation : TFJS_LINEAR,
        use_bias: true,
        ...inputShape(i, layer),
      },
    });
    if (ownLayer(layer)) {
      const { class_name, config } = activationLayer(layer.activation);
      const own = layerNames[withLayer.findIndex((l) => l.i === i)] as string;
      layers.push({ class_name, config: { ...common(own), ...config } });
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
  const chainrule: ChainruleMetadata = {
    ...(activationLayers.length > 0 ? { activationLayers } : {}),
    ...(known.classes ? { labels: known.classes } : {}),
    ...(known.features ? { features: known.features } : {}),
    ...(known.target !== undefined ? { target: known.target } : {}),
  };
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
      ...(Object.keys(chainrule).length > 0 ? { userDefinedMetadata: { chainrule } } : {}),
    },
    weights: flat.buffer,
  };
}

function bad(message: string): never {
  throw new ChainruleError('INVALID_MODEL_JSON', `TensorFlow.js model: ${message}`);
}

/**
 * Reads a TensorFlow.js layers-format Sequential into a chainrule model: `Dense` layers as `Dense`, `Dropout` layers
 * as `Dropout(rate)`, and activation layers (`Activation`; `LeakyReLU`, `ELU` with `config.alpha`). Activations are
 * read through `activationTable`: a Dense layer's `activation` string, or an activation layer. An activation layer
 * right after a linear Dense becomes that Dense's activation (how Keras writes a Dense with Leaky ReLU); one after
 * any other layer (or first, or listed in `userDefinedMetadata.chainrule`: see `ChainruleMetadata`) becomes a
 * chainrule `Activation` layer. The loss comes from `options.loss`, else from the model's training config (the
 * first loss in `lossTable` with that TensorFlow.js name), else mean squared error. A layer of a class of your own
 * is read by its reader in `options.layers`, by `class_name` (`TfjsLayerReader`).
 */
export function fromTfjs(
  modelJson: unknown,
  weights: ArrayBuffer,
  options: { loss?: LossSpec; kernels?: Kernels; layers?: Readonly<Record<string, TfjsLayerReader>> } = {},
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
  const weight = (name: string, length: number): Float32Array => {
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

  /** Activation layers that stay layers of their own even after a linear Dense (written by `toTfjs`). */
  const metadata = (mj as { userDefinedMetadata?: { chainrule?: Partial<ChainruleMetadata> } })
    .userDefinedMetadata?.chainrule;
  const standalone = new Set(Array.isArray(metadata?.activationLayers) ? metadata.activationLayers : []);
  type Read =
    | {
        type: 'dense';
        inputs: number;
        units: number;
        /** Whether a layer of its own may still give this Dense its activation (its own is TensorFlow.js's linear). */
        open: boolean;
        activation: ActivationSpec;
        name: string;
        W: Float32Array;
        b: Float32Array;
      }
    | { type: 'dropout'; size: number; rate: number; name: string }
    | { type: 'custom'; layer: Layer; weights: LayerWeights; name: string }
    | { type: 'activation'; size: number; activation: ActivationSpec; name: string };
  const read: Read[] = [];
  /** The width of the data at this point: the first layer's `batch_input_shape`, then the last Dense's units. */
  let width: number | null = null;
  const widthAt = (c: Record<string, unknown>, where: string): number => {
    if (width === null) {
      const shape = (c.batch_input_shape ?? c.batchInputShape) as (number | null)[] | undefined;
      if (!Array.isArray(shape)) bad(`the first layer (${where}) has no batch_input_shape`);
      width = shape[shape.length - 1] as number;
    }
    return width;
  };
  const readers = options.layers;
  for (const [i, layer] of raw.entries()) {
    const c = (layer.config ?? {}) as Record<string, unknown>;
    const name = String(c.name ?? `${snakeCase(String(layer.class_name))}_${i}`);
    const where = `layer ${name} (${layer.class_name})`;
    if (layer.class_name === 'Dense') {
      const inputs = widthAt(c, where);
      const units = c.units as number;
      const tfjsActivation =
        c.activation === undefined || c.activation === null ? TFJS_LINEAR : String(c.activation);
      const activation = fromString(`layer ${name}`, tfjsActivation);
      if (c.use_bias === false) bad(`layer ${name}: layers without bias are not supported`);
      read.push({
        type: 'dense',
        inputs,
        units,
        open: tfjsActivation === TFJS_LINEAR,
        activation,
        name,
        W: weight(`${name}/kernel`, inputs * units),
        b: weight(`${name}/bias`, units),
      });
      width = units;
    } else if (layer.class_name === 'Dropout') {
      const rate = c.rate;
      if (typeof rate !== 'number' || !(rate >= 0 && rate < 1))
        bad(`${where}: config.rate is ${JSON.stringify(rate)}, not a number in [0, 1)`);
      read.push({ type: 'dropout', size: widthAt(c, where), rate, name });
    } else if (layer.class_name === 'Activation' || byLayerClass.has(layer.class_name)) {
      let activation: ActivationSpec;
      if (layer.class_name === 'Activation') {
        activation = fromString(where, String(c.activation));
      } else {
        const act = byLayerClass.get(layer.class_name) as ActivationName;
        if (activationTable[act].alpha) {
          const alpha = c.alpha;
          if (typeof alpha !== 'number')
            bad(`${where}: config.alpha is ${JSON.stringify(alpha)}, not a number`);
          activation = { name: act, alpha };
        } else {
          activation = act;
        }
      }
      const last = read[read.length - 1];
      if (last?.type === 'dense' && last.open && !standalone.has(name)) {
        last.open = false;
        last.activation = activation;
      } else {
        read.push({ type: 'activation', size: widthAt(c, where), activation, name });
      }
    } else if (readers && Object.hasOwn(readers, layer.class_name)) {
      const reader = readers[layer.class_name] as TfjsLayerReader;
      const inputSize = widthAt(c, where);
      let made: { layer: Layer; weights: LayerWeights };
      try {
        made = reader(c, (w, length) => weight(`${name}/${w}`, length), inputSize);
      } catch (err) {
        return bad(`${where}: ${(err as Error).message}`);
      }
      read.push({ type: 'custom', layer: made.layer, weights: made.weights, name });
      width = made.layer.outputSize;
    } else {
      bad(
        `layer ${i} is a ${layer.class_name}; only ${listed(['Dense', 'Activation', ...byLayerClass.keys(), 'Dropout', ...Object.keys(readers ?? {})])} layers are read (give a reader for others in options.layers)`,
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
  const layers = read.map((r): Layer => {
    const where = `layer ${r.name}`;
    try {
      if (r.type === 'dense')
        return new Dense(r.inputs, r.units, { activation: r.activation, name: r.name, init: 'zeros' });
      if (r.type === 'dropout') return new Dropout(r.rate, { size: r.size, name: r.name });
      if (r.type === 'custom') return r.layer;
      return new Activation(r.activation, { size: r.size, name: r.name });
    } catch (err) {
      return bad(`${where}: ${(err as Error).message}`);
    }
  });
  const model = new Sequential(layers, {
    loss,
    ...(options.kernels ? { kernels: options.kernels } : {}),
  });
  if (metadata?.labels !== undefined) {
    try {
      model.labels = metadata.labels;
    } catch (err) {
      model.dispose();
      bad(
        `userDefinedMetadata.chainrule.labels: ${(err as Error).message.replace(/^Sequential: labels: /, '')}`,
      );
    }
  }
  model.setWeights(
    read.map(
      (r): LayerWeights =>
        r.type === 'dense'
          ? { W: new Matrix(r.inputs, r.units, r.W), b: r.b }
          : r.type === 'custom'
            ? r.weights
            : { W: new Matrix(0, 0), b: new Float32Array(0) },
    ),
  );
  return model;
}
