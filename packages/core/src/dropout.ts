import { type ResolvedActivation, resolveActivation } from './activations.js';
import { ChainruleError, checkNumber } from './errors.js';
import { invalid, positiveInt, within } from './json.js';
import type { BuildContext, Layer, LayerBuffers, LayerJSON, LayerWeights } from './layer.js';
import type { Matrix } from './matrix.js';
import { ParameterFreeLayer, type WidthOptions } from './parameter-free.js';
import type { Rng } from './rng.js';

/** How a `Dropout` layer is configured. */
/** How a `Dropout` layer is configured: its width (default the layer before's) and name (default `dropout_<n>`). */
export type DropoutOptions = WidthOptions;

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
export class Dropout extends ParameterFreeLayer implements Layer {
  readonly type = 'dropout';
  /** Dropout applies no φ: as a model's last layer it is linear. */
  readonly activation: ResolvedActivation = resolveActivation('linear');
  readonly extraBuffers = ['mask'] as const;
  readonly rate: number;
  private rng: Rng | null = null;

  constructor(rate: number, options: DropoutOptions = {}) {
    const where = `Dropout(${rate})`;
    super(where, options);
    this.rate = checkNumber(where, 'rate', rate, { min: 0, max: 1 });
    if (this.rate >= 1)
      throw new ChainruleError('INVALID_OPTION', `${where}: rate must be below 1 (1 drops everything)`);
  }

  protected onBuild(context: BuildContext): void {
    this.rng = context.noise;
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
    (this.rng as Rng).fillMask(M, 1 - this.rate, 1 / (1 - this.rate));
    for (let i = 0; i < Z.length; i++) A[i] = (Z[i] as number) * (M[i] as number);
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
}
