import {
  type ActivationSpec,
  activationToJSON,
  type ResolvedActivation,
  resolveActivation,
} from './activations.js';
import { positiveInt, within } from './json.js';
import type { Kernels } from './kernels.js';
import type { BuildContext, Layer, LayerBuffers, LayerJSON, LayerWeights } from './layer.js';
import type { Matrix } from './matrix.js';
import { ParameterFreeLayer, type WidthOptions } from './parameter-free.js';

/** How an `Activation` layer is configured: its width (default the layer before's) and name (default `activation_<n>`). */
export type ActivationLayerOptions = WidthOptions;

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
export class Activation extends ParameterFreeLayer implements Layer {
  readonly type = 'activation';
  readonly activation: ResolvedActivation;
  /** A zero bias, so the kernels' fused bias + activation applies φ alone. */
  private built: { kernels: Kernels; zeroBias: Matrix } | null = null;

  constructor(activation: ActivationSpec, options: ActivationLayerOptions = {}) {
    const where = `Activation(${JSON.stringify(activation)})`;
    super(where, options);
    this.activation = resolveActivation(activation, where);
  }

  protected onBuild(context: BuildContext, size: number): void {
    this.built = { kernels: context.kernels, zeroBias: context.kernels.alloc(1, size) };
  }

  /** Frees the zero bias. */
  protected override onDispose(): void {
    this.built?.kernels.free(this.built.zeroBias);
    this.built = null;
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
}
