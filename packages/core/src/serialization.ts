import { Activation } from './activation-layer.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { ChainruleError } from './errors.js';
import { invalid, isObject } from './json.js';
import { labelsProblem } from './labels.js';
import type { Layer, LayerJSON, LayerWeights } from './layer.js';
import type { LossSpec } from './losses.js';
import { resolveLoss } from './losses.js';
import { Normalization } from './normalization.js';
import { MAX_SEED } from './rng.js';
import type { Sequential } from './sequential.js';

/** The `format` field of chainrule model JSON. */
export const MODEL_FORMAT = 'chainrule.sequential';
/** The model JSON version this chainrule writes and reads. */
export const MODEL_VERSION = 1;

/** A model as `toJSON()` writes it and `Sequential.fromJSON()` reads it. */
export interface ModelJSON {
  format: typeof MODEL_FORMAT;
  version: number;
  loss: LossSpec;
  seed: number;
  layers: LayerJSON[];
  /** The class names in output order (`Sequential.labels`); absent when the model has none. */
  labels?: string[];
}

export function serializeModel(model: Sequential): ModelJSON {
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    loss: model.loss.toJSON(),
    seed: model.seed,
    layers: model.layers.map((l) => l.toJSON()),
    ...(model.labels ? { labels: [...model.labels] } : {}),
  };
}

/**
 * Reads one layer from its JSON: the layer (not yet built) and the weights to give it once built. Throws
 * `INVALID_MODEL_JSON` naming `path` (the helpers in `json.ts` do).
 */
export type LayerReader = (
  json: Readonly<Record<string, unknown>>,
  path: string,
  previous?: PreviousLayer,
) => {
  layer: Layer;
  weights: LayerWeights;
};

/** The layer before the one being read, so a reader can check its input size first (and name it). */
export interface PreviousLayer {
  readonly index: number;
  readonly outputSize: number;
}

/**
 * The layer types `Sequential.fromJSON` knows, by the `type` their JSON carries. A fixed table, not a global
 * registry: a model with a layer type of your own loads with `fromJSON(json, { layerTypes: { mine: reader } })`.
 */
export const layerTypes: Readonly<Record<string, LayerReader>> = {
  dense: Dense.fromJSON,
  dropout: Dropout.fromJSON,
  activation: Activation.fromJSON,
  normalization: Normalization.fromJSON,
};

/** Validates model JSON (object or text) and returns what `Sequential.fromJSON` needs to rebuild it. */
export function parseModelJSON(
  json: unknown,
  lossOverride?: LossSpec,
  extraTypes: Readonly<Record<string, LayerReader>> = {},
): { layers: Layer[]; loss: LossSpec; seed: number; weights: LayerWeights[]; labels: string[] | null } {
  const readers: Readonly<Record<string, LayerReader>> = { ...layerTypes, ...extraTypes };
  let doc = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (err) {
      throw new ChainruleError(
        'INVALID_MODEL_JSON',
        `model JSON is not valid JSON (truncated or corrupted?): ${(err as Error).message}`,
      );
    }
  }
  if (!isObject(doc)) invalid('', `expected an object, got ${Array.isArray(doc) ? 'an array' : typeof doc}`);
  const d = doc as Record<string, unknown>;
  if (d.format !== MODEL_FORMAT)
    invalid('.format', `expected "${MODEL_FORMAT}", got ${JSON.stringify(d.format)}`);
  if (d.version !== MODEL_VERSION) {
    invalid('.version', `this chainrule reads version ${MODEL_VERSION}, got ${JSON.stringify(d.version)}`);
  }
  const seed = d.seed === undefined ? 1 : d.seed;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED)
    invalid('.seed', `expected an integer from 0 to ${MAX_SEED}, got ${JSON.stringify(seed)}`);
  let loss: LossSpec;
  if (lossOverride !== undefined) loss = lossOverride;
  else {
    try {
      resolveLoss(d.loss as LossSpec);
    } catch (err) {
      invalid('.loss', (err as Error).message);
    }
    loss = d.loss as LossSpec;
  }
  if (!Array.isArray(d.layers) || d.layers.length === 0)
    invalid('.layers', 'expected a non-empty array of layers');
  const layers: Layer[] = [];
  const weights: LayerWeights[] = [];
  (d.layers as unknown[]).forEach((raw, i) => {
    const path = `.layers[${i}]`;
    if (!isObject(raw)) invalid(path, 'expected an object');
    const type = raw.type;
    if (typeof type !== 'string' || !Object.hasOwn(readers, type)) {
      invalid(
        `${path}.type`,
        `unknown layer type ${JSON.stringify(type)}; known: ${Object.keys(readers).join(', ')}`,
      );
    }
    const prev = layers[i - 1];
    const previous = prev ? { index: i - 1, outputSize: prev.outputSize } : undefined;
    const { layer, weights: w } = (readers[type] as LayerReader)(raw, path, previous);
    if (prev && prev.outputSize !== layer.inputSize) {
      invalid(path, `takes ${layer.inputSize} inputs but layers[${i - 1}] has ${prev.outputSize} units`);
    }
    layers.push(layer);
    weights.push(w);
  });
  let labels: string[] | null = null;
  if (d.labels !== undefined && d.labels !== null) {
    const last = layers[layers.length - 1] as Layer;
    const problem = labelsProblem(d.labels, last.outputSize, last.activation.name);
    if (problem) invalid('.labels', problem);
    labels = [...(d.labels as string[])];
  }
  return { layers, loss, seed: seed as number, weights, labels };
}
