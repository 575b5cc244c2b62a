import {
  type ActivationSpec,
  activationTable,
  activationToJSON,
  type ResolvedActivation,
  resolveActivation,
} from './activations.js';
import { checkFinite } from './checks.js';
import { ChainruleError, checkNumber, shapeOf } from './errors.js';
import { type InitializerSpec, initialize } from './initializers.js';
import { finiteArray, invalid, isObject, positiveInt, within } from './json.js';
import type { Kernels } from './kernels.js';
import type { BuildContext, Layer, LayerBuffers, LayerJSON, LayerWeights, Param } from './layer.js';
import { Matrix } from './matrix.js';
import type { PreviousLayer } from './serialization.js';

/** How a `Dense` layer is configured. */
export interface DenseOptions {
  /** φ; default `linear`. */
  activation?: ActivationSpec;
  /** Weight initializer; default the activation's (`activationTable`): He (uniform) for ReLU-like, Glorot otherwise. */
  init?: InitializerSpec;
  /** Penalties on W (not b): R = l1·Σ|W| + ½·l2·ΣW², added to the loss. */
  regularization?: { l1?: number; l2?: number };
  /** Name used in messages; default `dense_<position from 1>`. */
  name?: string;
}

/** A `Dense` layer in model JSON: its configuration and its weights, W row-major inputs×units. */
export interface DenseJSON extends LayerJSON {
  type: 'dense';
  name: string;
  inputs: number;
  units: number;
  activation: ActivationSpec;
  regularization: { l1: number; l2: number };
  W: number[];
  b: number[];
}

/**
 * A fully connected layer: Z = X·W + b, A = φ(Z), with W inputs×units and b broadcast over rows
 * (docs/math.md §1). Backward (§4): ∂J/∂Z = ∂J/∂A ⊙ φ'(·), ∂J/∂W = Xᵀ·∂J/∂Z, ∂J/∂b = Σ_rows ∂J/∂Z,
 * ∂J/∂X = ∂J/∂Z·Wᵀ.
 */
export class Dense implements Layer {
  readonly type = 'dense';
  readonly inputSize: number;
  readonly outputSize: number;
  readonly activation: ResolvedActivation;
  readonly l1: number;
  readonly l2: number;
  private readonly init: InitializerSpec;
  private givenName: string | undefined;
  private built: {
    kernels: Kernels;
    W: Matrix;
    b: Matrix;
    dW: Matrix;
    db: Matrix;
    params: readonly Param[];
  } | null = null;
  private layerName: string;

  constructor(inputs: number, units: number, options: DenseOptions = {}) {
    const where = `Dense(${inputs}, ${units})`;
    this.inputSize = checkNumber(where, 'inputs', inputs, { min: 1, integer: true });
    this.outputSize = checkNumber(where, 'units', units, { min: 1, integer: true });
    this.activation = resolveActivation(options.activation, where);
    const reg = options.regularization ?? {};
    this.l1 = checkNumber(where, 'regularization.l1', reg.l1 ?? 0, { min: 0 });
    this.l2 = checkNumber(where, 'regularization.l2', reg.l2 ?? 0, { min: 0 });
    this.init = options.init ?? activationTable[this.activation.name].defaultInit;
    this.givenName = options.name;
    this.layerName = options.name ?? where;
  }

  /** `dense_<position>` unless a name was given; set when the model builds the layer. */
  get name(): string {
    return this.layerName;
  }

  build({ kernels, rng, index }: BuildContext): void {
    if (this.built) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `layer '${this.name}' is already part of a model; create a new Dense`,
      );
    }
    this.layerName = this.givenName ?? `dense_${index + 1}`;
    const W = kernels.alloc(this.inputSize, this.outputSize);
    try {
      initialize(this.init, W.data, this.inputSize, this.outputSize, rng, `layer '${this.name}'`);
    } catch (err) {
      kernels.free(W); // a build that throws leaves nothing allocated
      throw err;
    }
    const b = kernels.alloc(1, this.outputSize);
    const dW = kernels.alloc(this.inputSize, this.outputSize);
    const db = kernels.alloc(1, this.outputSize);
    const params: readonly Param[] = [
      { name: `${this.name}.W`, value: W, grad: dW, l1: this.l1, l2: this.l2 },
      { name: `${this.name}.b`, value: b, grad: db, l1: 0, l2: 0 },
    ];
    this.built = { kernels, W, b, dW, db, params };
  }

  private get state() {
    if (!this.built) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `layer '${this.name}' is not built: add it to a Sequential first`,
      );
    }
    return this.built;
  }

  /** The live weight matrix (a view into kernel memory). Prefer `getWeights` for a copy. */
  get W(): Matrix {
    return this.state.W;
  }

  /**
   * The live bias vector: a view into kernel memory, fresh at each read. Do not keep it across anything that can
   * allocate (it may go stale when kernel memory grows); `bias` is the handle, `getWeights` gives a copy.
   */
  get b(): Float32Array {
    return this.state.b.data;
  }

  /** The live bias as the 1×units handle the kernels allocated. */
  get bias(): Matrix {
    return this.state.b;
  }

  /** W and b with their gradient buffers: the same objects on every call, as optimizers key their state by them. */
  params(): readonly Param[] {
    return this.state.params;
  }

  forward(x: Matrix, buffers: LayerBuffers, _training = false): void {
    const s = this.state;
    s.kernels.denseForward(x, s.W, s.b, this.activation, buffers.z, buffers.a);
  }

  backward(x: Matrix, buffers: LayerBuffers, dZReady: boolean, dX: Matrix | null): void {
    const s = this.state;
    const b = buffers;
    s.kernels.denseBackward(this.activation, x, s.W, b.z, b.a, b.dA, b.dZ, s.dW, s.db, dX, dZReady);
  }

  getWeights(): LayerWeights {
    const s = this.state;
    return { W: s.W.clone(), b: Float32Array.from(s.b.data) };
  }

  getGradients(): LayerWeights {
    const s = this.state;
    return { W: s.dW.clone(), b: Float32Array.from(s.db.data) };
  }

  setWeights(weights: LayerWeights): void {
    const s = this.state;
    const W = weights?.W;
    const b = weights?.b;
    if (!(W instanceof Matrix) || W.rows !== this.inputSize || W.cols !== this.outputSize) {
      const got = W instanceof Matrix ? shapeOf(W.rows, W.cols) : typeof W;
      throw new ChainruleError(
        'SHAPE',
        `layer '${this.name}': W must be ${shapeOf(this.inputSize, this.outputSize)} (inputs×units), got ${got}`,
      );
    }
    if (!(b instanceof Float32Array || Array.isArray(b)) || b.length !== this.outputSize) {
      throw new ChainruleError(
        'SHAPE',
        `layer '${this.name}': b must have length ${this.outputSize}, got ${b && 'length' in b ? b.length : typeof b}`,
      );
    }
    checkFinite(`layer '${this.name}' W`, W.data, W.cols);
    checkFinite(`layer '${this.name}' b`, b, b.length);
    s.W.data.set(W.data);
    s.b.data.set(b);
  }

  toJSON(): DenseJSON {
    const s = this.state;
    return {
      type: 'dense',
      name: this.name,
      inputs: this.inputSize,
      units: this.outputSize,
      activation: activationToJSON(this.activation),
      regularization: { l1: this.l1, l2: this.l2 },
      W: Array.from(s.W.data),
      b: Array.from(s.b.data),
    };
  }

  /** Rebuilds a Dense from its JSON, validating every field (the reader `Sequential.fromJSON` uses for `dense`). */
  static fromJSON(
    json: Readonly<Record<string, unknown>>,
    path: string,
    previous?: PreviousLayer,
  ): { layer: Dense; weights: LayerWeights } {
    const inputs = positiveInt(json.inputs, `${path}.inputs`);
    if (previous && previous.outputSize !== inputs) {
      invalid(
        `${path}.inputs`,
        `is ${inputs} but layers[${previous.index}] has ${previous.outputSize} units`,
      );
    }
    const units = positiveInt(json.units, `${path}.units`);
    const activation = json.activation as ActivationSpec;
    within(`${path}.activation`, () => resolveActivation(activation, path));
    const reg = json.regularization === undefined ? {} : json.regularization;
    if (!isObject(reg)) invalid(`${path}.regularization`, 'expected an object { l1, l2 }');
    const W = finiteArray(json.W, inputs * units, `${path}.W`, `${shapeOf(inputs, units)}, row-major`);
    const b = finiteArray(json.b, units, `${path}.b`, `${units} units`);
    const name = typeof json.name === 'string' && json.name.length > 0 ? json.name : undefined;
    const layer = within(
      path,
      () =>
        new Dense(inputs, units, {
          activation,
          init: 'zeros',
          regularization: reg as { l1?: number; l2?: number },
          ...(name ? { name } : {}),
        }),
    );
    return { layer, weights: { W: new Matrix(inputs, units, W), b } };
  }

  dispose(): void {
    const s = this.built;
    if (!s) return;
    for (const buf of [s.W, s.b, s.dW, s.db]) s.kernels.free(buf);
    this.built = null;
  }
}
