import { type ResolvedActivation, resolveActivation } from './activations.js';
import { ChainruleError, checkNumber, shapeOf } from './errors.js';
import { invalid, positiveInt, within } from './json.js';
import type { Kernels } from './kernels.js';
import type { BuildContext, Layer, LayerBuffers, LayerJSON, LayerWeights, Param } from './layer.js';
import { sizeFromContext } from './layer-size.js';
import { Matrix } from './matrix.js';
import type { Rng } from './rng.js';

/** How a `Dropout` layer is configured. */
export interface DropoutOptions {
  /** Its width; default the previous layer's output size (required only as a first layer). */
  size?: number;
  /** Name used in messages; default `dropout_<position from 1>`. */
  name?: string;
}

/** A `Dropout` layer in model JSON. */
export interface DropoutJSON extends LayerJSON {
  type: 'dropout';
  name: string;
  rate: number;
  size: number;
}

/**
 * Inverted dropout (Srivastava et al. 2014): in training passes each value is kept with probability 1 − rate and
 * scaled by 1/(1 − rate), so at inference — where the layer is the identity — nothing needs rescaling. Z = X,
 * A = Z ⊙ M with M_ij ∈ {0, 1/(1 − rate)} drawn from the model's seeded generator (one seed, bit-identical runs);
 * backward ∂J/∂Z = ∂J/∂A ⊙ M and ∂J/∂X = ∂J/∂Z (docs/math.md §4).
 */
export class Dropout implements Layer {
  readonly type = 'dropout';
  /** Dropout applies no φ: as a model's last layer it is linear. */
  readonly activation: ResolvedActivation = resolveActivation('linear');
  readonly extraBuffers = ['mask'] as const;
  readonly rate: number;
  private readonly givenSize: number | undefined;
  private readonly givenName: string | undefined;
  private layerName: string;
  private built: { kernels: Kernels; rng: Rng; size: number } | null = null;

  constructor(rate: number, options: DropoutOptions = {}) {
    const where = `Dropout(${rate})`;
    this.rate = checkNumber(where, 'rate', rate, { min: 0, max: 1 });
    if (this.rate >= 1)
      throw new ChainruleError('INVALID_OPTION', `${where}: rate must be below 1 (1 drops everything)`);
    this.givenSize =
      options.size === undefined
        ? undefined
        : checkNumber(where, 'size', options.size, { min: 1, integer: true });
    this.givenName = options.name;
    this.layerName = options.name ?? where;
  }

  /** `dropout_<position>` unless a name was given; set when the model builds the layer. */
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
        `layer '${this.name}' is already part of a model; create a new Dropout`,
      );
    }
    this.layerName = this.givenName ?? `dropout_${context.index + 1}`;
    const size = sizeFromContext(`layer '${this.name}'`, this.givenSize, context);
    this.built = { kernels: context.kernels, rng: context.rng, size };
  }

  params(): readonly Param[] {
    return [];
  }

  forward(x: Matrix, buffers: LayerBuffers, training: boolean): void {
    const X = x.data;
    const Z = buffers.z.data;
    const A = buffers.a.data;
    const M = (buffers.extra.mask as Matrix).data;
    Z.set(X);
    if (!training || this.rate === 0) {
      M.fill(1);
      A.set(Z);
      return;
    }
    const rng = (this.built as { rng: Rng }).rng;
    const keep = 1 - this.rate;
    const scale = 1 / keep;
    for (let i = 0; i < Z.length; i++) {
      const m = rng.next() < keep ? scale : 0;
      M[i] = m;
      A[i] = (Z[i] as number) * m;
    }
  }

  backward(_x: Matrix, buffers: LayerBuffers, dZReady: boolean, dX: Matrix | null): void {
    const D = buffers.dZ.data;
    if (!dZReady) {
      const G = buffers.dA.data;
      const M = (buffers.extra.mask as Matrix).data;
      for (let i = 0; i < D.length; i++) D[i] = (G[i] as number) * (M[i] as number);
    }
    if (dX) dX.data.set(D);
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

  toJSON(): DropoutJSON {
    return { type: 'dropout', name: this.name, rate: this.rate, size: this.outputSize };
  }

  /** Rebuilds a Dropout from its JSON (the reader `Sequential.fromJSON` uses for type `dropout`). */
  static fromJSON(
    json: Readonly<Record<string, unknown>>,
    path: string,
  ): { layer: Dropout; weights: LayerWeights } {
    const size = positiveInt(json.size, `${path}.size`);
    if (typeof json.rate !== 'number')
      invalid(`${path}.rate`, `expected a number in [0, 1), got ${JSON.stringify(json.rate)}`);
    const name = typeof json.name === 'string' && json.name.length > 0 ? json.name : undefined;
    const layer = within(path, () => new Dropout(json.rate as number, { size, ...(name ? { name } : {}) }));
    return { layer, weights: layer.getWeights() };
  }

  dispose(): void {
    this.built = null;
  }
}

/** For layers without parameters: `setWeights` accepts only the empty weights `getWeights` gives. */
export function checkNoWeights(name: string, weights: LayerWeights): void {
  const W = weights?.W;
  const b = weights?.b;
  const wSize = W instanceof Matrix ? W.rows * W.cols : Number.NaN;
  if (wSize !== 0 || !b || b.length !== 0) {
    throw new ChainruleError(
      'SHAPE',
      `layer '${name}' has no parameters: its weights are W 0×0 and an empty b, got W ${W instanceof Matrix ? shapeOf(W.rows, W.cols) : typeof W} and b of length ${b?.length}`,
    );
  }
}
