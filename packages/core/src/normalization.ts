import { resolveActivation } from './activations.js';
import { ChainruleError } from './errors.js';
import { finiteNumbers, invalid, positiveInt, within } from './json.js';
import type { BuildContext, Layer, LayerBuffers, LayerJSON, LayerWeights } from './layer.js';
import { type Matrix, type MatrixLike, toMatrix } from './matrix.js';
import { ParameterFreeLayer, type WidthOptions } from './parameter-free.js';
import type { PreviousLayer } from './serialization.js';

/** How a `Normalization` layer is configured: statistics given up front, or learned later by `adapt`. */
export interface NormalizationOptions extends WidthOptions {
  /** Per-feature mean μ (length = width). */
  mean?: ArrayLike<number>;
  /** Per-feature variance σ² (length = width, ≥ 0). */
  variance?: ArrayLike<number>;
}

/** A `Normalization` layer in model JSON: its statistics travel with the model. */
export interface NormalizationJSON extends LayerJSON {
  type: 'normalization';
  name: string;
  size: number;
  mean: number[];
  variance: number[];
}

/** σ below this counts as a constant feature: it is only centred, not scaled up without bound. */
export const NORMALIZATION_EPSILON = 1e-7;

/**
 * Standardizes each feature: Z = (X − μ) / σ with σ = max(√σ², ε) (Keras's `Normalization`). The statistics are
 * not trained: `adapt(X)` measures them on data (before or after the layer joins a model), and they travel in the
 * model's JSON. A = Z; backward ∂J/∂X = ∂J/∂Z / σ per column. Exporters fold it exactly into the Dense after it:
 * W′ = W/σ (row by row), b′ = b − (μ/σ)·W.
 */
export class Normalization extends ParameterFreeLayer implements Layer {
  readonly type = 'normalization';
  readonly activation = resolveActivation('linear');
  private stats: { mean: Float64Array; invStd: Float64Array; variance: Float64Array } | null = null;

  constructor(options: NormalizationOptions = {}) {
    const given = options.mean ?? options.variance;
    super('Normalization', {
      ...options,
      ...(options.size === undefined && given ? { size: given.length } : {}),
    });
    if (options.mean || options.variance) {
      if (!options.mean || !options.variance) {
        throw new ChainruleError(
          'INVALID_OPTION',
          'Normalization: give both mean and variance, or neither (then adapt)',
        );
      }
      this.setStatistics(options.mean, options.variance);
    }
  }

  /** Measures each feature's mean and variance (population) on X and keeps them; returns the layer. */
  adapt(x: MatrixLike): this {
    const X = toMatrix(x);
    if (X.rows === 0) throw new ChainruleError('EMPTY', 'Normalization.adapt: X has no rows');
    const d = X.cols;
    const mean = new Float64Array(d);
    const variance = new Float64Array(d);
    for (let i = 0; i < X.rows; i++) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + X.get(i, j);
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / X.rows;
    for (let i = 0; i < X.rows; i++)
      for (let j = 0; j < d; j++)
        variance[j] = (variance[j] as number) + (X.get(i, j) - (mean[j] as number)) ** 2;
    for (let j = 0; j < d; j++) variance[j] = (variance[j] as number) / X.rows;
    this.setStatistics(mean, variance);
    return this;
  }

  /** The statistics in use: μ, σ² and σ = max(√σ², ε) per feature (copies), or null before `adapt`. */
  get statistics(): { mean: number[]; variance: number[]; std: number[] } | null {
    const s = this.stats;
    if (!s) return null;
    return {
      mean: Array.from(s.mean),
      variance: Array.from(s.variance),
      std: Array.from(s.invStd, (v) => 1 / v),
    };
  }

  private setStatistics(mean: ArrayLike<number>, variance: ArrayLike<number>): void {
    const width = mean.length;
    if (variance.length !== width) {
      throw new ChainruleError(
        'SHAPE',
        `layer '${this.name}': mean has ${width} values but variance ${variance.length}`,
      );
    }
    this.fixWidth(width);
    for (let j = 0; j < width; j++) {
      const m = mean[j] as number;
      const v = variance[j] as number;
      if (!Number.isFinite(m) || !Number.isFinite(v) || v < 0) {
        throw new ChainruleError(
          'NON_FINITE',
          `layer '${this.name}': feature ${j} has mean ${m} and variance ${v} (finite, variance ≥ 0 needed)`,
        );
      }
    }
    this.stats = {
      mean: Float64Array.from(mean),
      variance: Float64Array.from(variance),
      invStd: Float64Array.from(variance, (v) => 1 / Math.max(Math.sqrt(v), NORMALIZATION_EPSILON)),
    };
  }

  override build(context: BuildContext): void {
    if (!this.stats) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `layer '${this.name}': no statistics yet — call adapt(X) on the training data (or give mean and variance) before building the model`,
      );
    }
    super.build(context);
  }

  protected onBuild(_context: BuildContext, size: number): void {
    if (this.stats && this.stats.mean.length !== size) {
      throw new ChainruleError(
        'SHAPE',
        `layer '${this.name}': its statistics are for ${this.stats.mean.length} features, but it takes ${size}`,
      );
    }
  }

  forward(x: Matrix, buffers: LayerBuffers): void {
    const s = this.stats as NonNullable<Normalization['stats']>;
    const X = x.data;
    const Z = buffers.z.data;
    const A = buffers.a.data;
    const d = x.cols;
    for (let i = 0; i < X.length; i++) {
      const j = i % d;
      const z = ((X[i] as number) - (s.mean[j] as number)) * (s.invStd[j] as number);
      Z[i] = z;
      A[i] = z;
    }
  }

  backward(_x: Matrix, buffers: LayerBuffers, dZReady: boolean, dX: Matrix | null): void {
    const D = buffers.dZ.data;
    if (!dZReady) D.set(buffers.dA.data);
    if (!dX) return;
    const s = this.stats as NonNullable<Normalization['stats']>;
    const G = dX.data;
    const d = dX.cols;
    for (let i = 0; i < D.length; i++) G[i] = (D[i] as number) * (s.invStd[i % d] as number);
  }

  toJSON(): NormalizationJSON {
    const s = this.stats;
    if (!s)
      throw new ChainruleError(
        'INVALID_OPTION',
        `layer '${this.name}': no statistics to save (call adapt first)`,
      );
    return {
      type: 'normalization',
      name: this.name,
      size: this.outputSize,
      mean: Array.from(s.mean),
      variance: Array.from(s.variance),
    };
  }

  /** Rebuilds a Normalization from its JSON (the reader `Sequential.fromJSON` uses for type `normalization`). */
  static fromJSON(
    json: Readonly<Record<string, unknown>>,
    path: string,
    previous?: PreviousLayer,
  ): { layer: Normalization; weights: LayerWeights } {
    const size = positiveInt(json.size, `${path}.size`);
    if (previous && previous.outputSize !== size) {
      invalid(`${path}.size`, `is ${size} but layers[${previous.index}] has ${previous.outputSize} units`);
    }
    const mean = finiteNumbers(json.mean, size, `${path}.mean`, `${size} feature means`);
    const variance = finiteNumbers(json.variance, size, `${path}.variance`, `${size} feature variances`);
    const name = typeof json.name === 'string' && json.name.length > 0 ? json.name : undefined;
    const layer = within(path, () => new Normalization({ size, mean, variance, ...(name ? { name } : {}) }));
    return { layer, weights: layer.getWeights() };
  }
}
