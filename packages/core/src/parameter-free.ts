import type { ResolvedActivation } from './activations.js';
import { ChainruleError, checkNumber, shapeOf } from './errors.js';
import type { BuildContext, LayerBuffers, LayerJSON, LayerWeights, Param } from './layer.js';
import { Matrix } from './matrix.js';

/** Options every width-keeping, parameter-free layer takes. */
export interface WidthOptions {
  /** Its width; default the previous layer's output size (required only as a first layer). */
  size?: number;
  /** Name used in messages; default `<type>_<position from 1>`. */
  name?: string;
}

/**
 * What Dropout and Activation share: no parameters (their weights are W 0×0 and an empty b, so a model's weight list
 * stays one entry per layer), a width taken from the layer before (or given), and naming by position. A subclass
 * writes its forward and backward, and what it keeps from the build context in `onBuild`.
 */
export abstract class ParameterFreeLayer {
  abstract readonly type: string;
  abstract readonly activation: ResolvedActivation;
  private givenSize: number | undefined;
  private readonly givenName: string | undefined;
  private layerName: string;
  private size: number | null = null;

  constructor(where: string, options: WidthOptions) {
    this.givenSize =
      options.size === undefined
        ? undefined
        : checkNumber(where, 'size', options.size, { min: 1, integer: true });
    this.givenName = options.name;
    this.layerName = options.name ?? where;
  }

  /**
   * Fixes the width from what the layer learned (Normalization's statistics): it must agree with a width given or
   * built already.
   */
  protected fixWidth(width: number): void {
    const known = this.size ?? this.givenSize;
    if (known !== undefined && known !== width) {
      throw new ChainruleError(
        'SHAPE',
        `layer '${this.name}': has width ${known}, got statistics for ${width} features`,
      );
    }
    this.givenSize = width;
  }

  /** `<type>_<position>` unless a name was given; set when the model builds the layer. */
  get name(): string {
    return this.layerName;
  }

  /** Its width: given, or the previous layer's output size once built (0 before that). */
  get inputSize(): number {
    return this.size ?? this.givenSize ?? 0;
  }

  /** The same as its input size: it keeps the width. */
  get outputSize(): number {
    return this.inputSize;
  }

  build(context: BuildContext): void {
    if (this.size !== null) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `layer '${this.name}' is already part of a model; create a new layer for each model`,
      );
    }
    this.layerName = this.givenName ?? `${this.type}_${context.index + 1}`;
    const before = context.inputSize;
    const given = this.givenSize;
    if (given !== undefined && before !== undefined && given !== before) {
      throw new ChainruleError(
        'SHAPE',
        `layer '${this.name}': size ${given} was given, but the layer before outputs ${before}`,
      );
    }
    const size = given ?? before;
    if (size === undefined) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `layer '${this.name}': as the first layer it needs its size ({ size: <inputs> }); elsewhere it takes the layer before's`,
      );
    }
    this.onBuild(context, size);
    this.size = size;
  }

  /** Keeps what the layer needs from the build (kernels, generator) and allocates its own buffers, if any. */
  protected abstract onBuild(context: BuildContext, size: number): void;

  params(): readonly Param[] {
    return [];
  }

  abstract forward(x: Matrix, buffers: LayerBuffers, training: boolean): void;
  abstract backward(x: Matrix, buffers: LayerBuffers, dZReady: boolean, dX: Matrix | null): void;
  abstract toJSON(): LayerJSON;

  getWeights(): LayerWeights {
    return { W: new Matrix(0, 0), b: new Float32Array(0) };
  }

  getGradients(): LayerWeights {
    return this.getWeights();
  }

  /** Accepts only the empty weights `getWeights` gives. */
  setWeights(weights: LayerWeights): void {
    const W = weights?.W;
    const b = weights?.b;
    const wSize = W instanceof Matrix ? W.rows * W.cols : Number.NaN;
    if (wSize !== 0 || !b || b.length !== 0) {
      throw new ChainruleError(
        'SHAPE',
        `layer '${this.name}' has no parameters: its weights are W 0×0 and an empty b, got W ${W instanceof Matrix ? shapeOf(W.rows, W.cols) : typeof W} and b of length ${b?.length}`,
      );
    }
  }

  /** Frees what `onBuild` allocated; the layer can be built into a new model again. */
  dispose(): void {
    if (this.size !== null) this.onDispose();
    this.size = null;
  }

  /** Frees what `onBuild` allocated (nothing by default). */
  protected onDispose(): void {}
}
