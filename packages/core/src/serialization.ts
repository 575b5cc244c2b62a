import { type ActivationSpec, resolveActivation } from './activations.js';
import { Dense, type DenseJSON } from './dense.js';
import { ChainruleError, shapeOf } from './errors.js';
import type { LayerWeights } from './layer.js';
import type { LossSpec } from './losses.js';
import { resolveLoss } from './losses.js';
import { Matrix } from './matrix.js';
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
  layers: DenseJSON[];
}

export function serializeModel(model: Sequential): ModelJSON {
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    loss: model.loss.toJSON(),
    seed: model.seed,
    layers: model.layers.map((l) => l.toJSON() as DenseJSON),
  };
}

function invalid(path: string, message: string): never {
  throw new ChainruleError('INVALID_MODEL_JSON', `model JSON ${path}: ${message}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function positiveInt(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    invalid(path, `expected a positive integer, got ${JSON.stringify(v)}`);
  return v as number;
}

function finiteArray(v: unknown, length: number, path: string, what: string): Float32Array {
  if (!Array.isArray(v)) invalid(path, `expected an array of ${length} numbers (${what}), got ${typeof v}`);
  const arr = v as unknown[];
  if (arr.length !== length) invalid(path, `expected ${length} numbers (${what}), got ${arr.length}`);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const x = arr[i];
    if (typeof x !== 'number' || !Number.isFinite(x))
      invalid(`${path}[${i}]`, `expected a finite number, got ${JSON.stringify(x)}`);
    out[i] = x as number;
  }
  return out;
}

/** Validates model JSON (object or text) and returns what `Sequential.fromJSON` needs to rebuild it. */
export function parseModelJSON(
  json: unknown,
  lossOverride?: LossSpec,
): { layers: Dense[]; loss: LossSpec; seed: number; weights: LayerWeights[] } {
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
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0)
    invalid('.seed', `expected a non-negative integer, got ${JSON.stringify(seed)}`);
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
  const layers: Dense[] = [];
  const weights: LayerWeights[] = [];
  (d.layers as unknown[]).forEach((raw, i) => {
    const path = `.layers[${i}]`;
    if (!isObject(raw)) invalid(path, 'expected an object');
    const l = raw as Record<string, unknown>;
    if (l.type !== 'dense') invalid(`${path}.type`, `expected "dense", got ${JSON.stringify(l.type)}`);
    const inputs = positiveInt(l.inputs, `${path}.inputs`);
    const units = positiveInt(l.units, `${path}.units`);
    const prev = layers[i - 1];
    if (prev && prev.outputSize !== inputs) {
      invalid(`${path}.inputs`, `is ${inputs} but layers[${i - 1}] has ${prev.outputSize} units`);
    }
    let activation: ActivationSpec;
    try {
      activation = l.activation as ActivationSpec;
      resolveActivation(activation, path);
    } catch (err) {
      invalid(`${path}.activation`, (err as Error).message);
    }
    const reg = l.regularization === undefined ? {} : l.regularization;
    if (!isObject(reg)) invalid(`${path}.regularization`, 'expected an object { l1, l2 }');
    const W = finiteArray(l.W, inputs * units, `${path}.W`, `${shapeOf(inputs, units)}, row-major`);
    const b = finiteArray(l.b, units, `${path}.b`, `${units} units`);
    const name = typeof l.name === 'string' && l.name.length > 0 ? l.name : undefined;
    try {
      layers.push(
        new Dense(inputs, units, {
          activation: activation!,
          init: 'zeros',
          regularization: reg as { l1?: number; l2?: number },
          ...(name ? { name } : {}),
        }),
      );
    } catch (err) {
      invalid(path, (err as Error).message);
    }
    weights.push({ W: new Matrix(inputs, units, W), b });
  });
  return { layers, loss, seed: seed as number, weights };
}
