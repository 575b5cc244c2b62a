import {
  type ActivationSpec,
  activationToJSON,
  type ResolvedActivation,
  resolveActivation,
} from './activations.js';
import { checkNoWeights } from './dropout.js';
import { ChainruleError, checkNumber } from './errors.js';
import { positiveInt, within } from './json.js';
import type { Kernels } from './kernels.js';
import type { BuildContext, Layer, LayerBuffers, LayerJSON, LayerWeights, Param } from './layer.js';
import { sizeFromContext } from './layer-size.js';
import { Matrix } from './matrix.js';

/** How an `Activation` layer is configured. */
export interface ActivationLayerOptions {
  /** Its width; default the previous layer's output size (required only as a first layer). */
  size?: number;
  /** Name used in messages; default `activation_<position from 1>`. */
  name?: string;
}

/** An `Activation` layer in model JSON. */
export interface ActivationLayerJSON extends LayerJSON {
  type: 'activation';
  name: string;
  activation: ActivationSpec;
  size: number;
}

/**
 * A parameter-free layer that applies φ: Z = X, A = φ(Z); backward ∂J/∂Z = ∂J/∂A ⊙ φ′ and ∂J/∂X = ∂J/∂Z. A linear
 * `Dense` followed by it computes what a `Dense` with that activation does (Keras's `Activation` layer).
 */
export class Activation implements Layer {
  readonly type = 'activation';
  readonly activation: ResolvedActivation;
  private readonly givenSize: number | undefined;
  private readonly givenName: string | undefined;
  private layerName: string;
  /** A zero bias, so the kernels' fused bias + activation applies φ alone. */
  private built: { kernels: Kernels; size: number; zeroBias: Matrix } | null = null;

  constructor(activation: ActivationSpec, options: ActivationLayerOptions = {}) {
    const where = `Activation(${JSON.stringify(activation)})`;
    this.activation = resolveActivation(activation, where);
    this.givenSize =
      options.size === undefined
        ? undefined
        : checkNumber(where, 'size', options.size, { min: 1, integer: true });
    this.givenName = options.name;
    this.layerName = options.name ?? where;
  }

  /** `activation_<position>` unless a name was given; set when the model builds the layer. */
  get name(): string {
    return this.layerName;
  }

  /** Its width: given, or the previous layer's output size once built (0 before that). */
  get inputSize(): number {
    return this.built?.size ?? this.givenSize ?? 0;
  }

  /** The same as its input size: it keeps the width. */
  get outputSize(): number {
    return this.inputSize;
  }

  build(context: BuildContext): void {
    if (this.built) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `layer '${this.name}' is already part of a model; create a new Activation layer`,
      );
    }
    this.layerName = this.givenName ?? `activation_${context.index + 1}`;
    const size = sizeFromContext(`layer '${this.name}'`, this.givenSize, context);
    this.built = { kernels: context.kernels, size, zeroBias: context.kernels.alloc(1, size) };
  }

  params(): readonly Param[] {
    return [];
  }

  forward(x: Matrix, buffers: LayerBuffers): void {
    const s = this.built as NonNullable<Activation['built']>;
    buffers.z.data.set(x.data);
    s.kernels.biasActivation(buffers.z, s.zeroBias, this.activation, buffers.a);
  }

  backward(_x: Matrix, buffers: LayerBuffers, dZReady: boolean, dX: Matrix | null): void {
    const s = this.built as NonNullable<Activation['built']>;
    if (!dZReady) s.kernels.activationBackward(this.activation, buffers.z, buffers.a, buffers.dA, buffers.dZ);
    if (dX) dX.data.set(buffers.dZ.data);
  }

  getWeights(): LayerWeights {
    return { W: new Matrix(0, 0), b: new Float32Array(0) };
  }

  getGradients(): LayerWeights {
    return this.getWeights();
  }

  setWeights(weights: LayerWeights): void {
    checkNoWeights(this.name, weights);
  }

  toJSON(): ActivationLayerJSON {
    return {
      type: 'activation',
      name: this.name,
      activation: activationToJSON(this.activation),
      size: this.outputSize,
    };
  }

  /** Rebuilds an Activation layer from its JSON (the reader `Sequential.fromJSON` uses for type `activation`). */
  static fromJSON(
    json: Readonly<Record<string, unknown>>,
    path: string,
  ): { layer: Activation; weights: LayerWeights } {
    const size = positiveInt(json.size, `${path}.size`);
    const name = typeof json.name === 'string' && json.name.length > 0 ? json.name : undefined;
    const layer = within(
      `${path}.activation`,
      () => new Activation(json.activation as ActivationSpec, { size, ...(name ? { name } : {}) }),
    );
    return { layer, weights: layer.getWeights() };
  }

  dispose(): void {
    if (this.built) this.built.kernels.free(this.built.zeroBias);
    this.built = null;
  }
}
