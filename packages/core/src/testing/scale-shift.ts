import type { ResolvedActivation } from '../activations.js';
import { ChainruleError } from '../errors.js';
import type { Kernels } from '../kernels.js';
import type { BuildContext, Layer, LayerBuffers, LayerJSON, LayerWeights, Param } from '../layer.js';
import { Matrix } from '../matrix.js';
import type { LayerReader } from '../serialization.js';

/**
 * A layer written against the `Layer` contract alone, as a user outside core would (it uses nothing a user cannot): a per-unit scale and shift,
 * A = Z = γ ⊙ X + β (no activation). Its parameters are γ (kept 1×units, exchanged as `W`) and β (`b`).
 * Backward: ∂J/∂Z = ∂J/∂A, ∂J/∂γ = Σ_n X ⊙ ∂J/∂Z, ∂J/∂β = Σ_n ∂J/∂Z, ∂J/∂X = ∂J/∂Z ⊙ γ.
 */
export class ScaleShift implements Layer {
  /** Its registry key (`fromJSON({ layerTypes: { scaleShift: ScaleShift.read } })`). */
  readonly type = 'scaleShift';
  /** It applies no φ. */
  readonly activation: ResolvedActivation = { name: 'linear', alpha: 0 };
  /** Units in, and out. */
  readonly inputSize: number;
  readonly outputSize: number;
  /** Its name in messages and exports. */
  readonly name: string;
  private s: { kernels: Kernels; gamma: Matrix; beta: Matrix; dGamma: Matrix; dBeta: Matrix } | null = null;

  /** γ = 1, β = 0 until trained. */
  constructor(units: number, name = 'scale') {
    this.inputSize = units;
    this.outputSize = units;
    this.name = name;
  }

  /** Allocates γ, β and their gradients through the model's kernels. */
  build({ kernels: k }: BuildContext): void {
    const n = this.outputSize;
    const s = {
      kernels: k,
      gamma: k.alloc(1, n),
      beta: k.alloc(1, n),
      dGamma: k.alloc(1, n),
      dBeta: k.alloc(1, n),
    };
    s.gamma.data.fill(1);
    this.s = s;
  }

  private get built() {
    if (!this.s) throw new Error(`${this.name}: not built`);
    return this.s;
  }

  /** γ and β, named `<name>.gamma`, `<name>.beta`. */
  params(): readonly Param[] {
    const s = this.built;
    return [
      { name: `${this.name}.gamma`, value: s.gamma, grad: s.dGamma, l1: 0, l2: 0 },
      { name: `${this.name}.beta`, value: s.beta, grad: s.dBeta, l1: 0, l2: 0 },
    ];
  }

  /** Z = A = γ ⊙ X + β. */
  forward(x: Matrix, buffers: LayerBuffers): void {
    const { gamma, beta } = this.built;
    const n = this.outputSize;
    const X = x.data;
    const Z = buffers.z.data;
    const A = buffers.a.data;
    const g = gamma.data;
    const b = beta.data;
    for (let i = 0; i < X.length; i++) {
      Z[i] = (X[i] as number) * (g[i % n] as number) + (b[i % n] as number);
      A[i] = Z[i] as number;
    }
  }

  /** ∂J/∂γ = Σ_n X ⊙ ∂J/∂Z, ∂J/∂β = Σ_n ∂J/∂Z, ∂J/∂X = ∂J/∂Z ⊙ γ. */
  backward(x: Matrix, buffers: LayerBuffers, dZReady: boolean, dX: Matrix | null): void {
    const { gamma, dGamma, dBeta } = this.built;
    const n = this.outputSize;
    if (!dZReady) buffers.dZ.data.set(buffers.dA.data);
    const X = x.data;
    const dZ = buffers.dZ.data;
    const g = gamma.data;
    const dg = dGamma.data;
    const db = dBeta.data;
    dg.fill(0);
    db.fill(0);
    for (let i = 0; i < X.length; i++) {
      dg[i % n] = (dg[i % n] as number) + (X[i] as number) * (dZ[i] as number);
      db[i % n] = (db[i % n] as number) + (dZ[i] as number);
    }
    if (dX) for (let i = 0; i < X.length; i++) dX.data[i] = (dZ[i] as number) * (g[i % n] as number);
  }

  /** γ as W (1×units) and β as b, copied. */
  getWeights(): LayerWeights {
    const s = this.built;
    return { W: new Matrix(1, this.outputSize, s.gamma.data.slice()), b: s.beta.data.slice() };
  }

  /** ∂J/∂γ as W and ∂J/∂β as b, copied. */
  getGradients(): LayerWeights {
    const s = this.built;
    return { W: new Matrix(1, this.outputSize, s.dGamma.data.slice()), b: s.dBeta.data.slice() };
  }

  /** γ from W (1×units), β from b. */
  setWeights(w: LayerWeights): void {
    const s = this.built;
    if (w.W.rows !== 1 || w.W.cols !== this.outputSize || w.b.length !== this.outputSize)
      throw new ChainruleError('SHAPE', `${this.name}: expected γ 1×${this.outputSize}`);
    s.gamma.data.set(w.W.data);
    s.beta.data.set(w.b);
  }

  /** Its type, name, width, γ and β. */
  toJSON(): LayerJSON {
    const w = this.getWeights();
    return { type: this.type, name: this.name, units: this.outputSize, gamma: [...w.W.data], beta: [...w.b] };
  }

  /** Frees its four buffers. */
  dispose(): void {
    if (!this.s) return;
    for (const m of [this.s.gamma, this.s.beta, this.s.dGamma, this.s.dBeta]) this.s.kernels.free(m);
    this.s = null;
  }

  /** Its JSON reader, for `fromJSON`'s `layerTypes`. */
  static read: LayerReader = (json) => {
    const units = json.units as number;
    return {
      layer: new ScaleShift(units, json.name as string),
      weights: {
        W: new Matrix(1, units, Float32Array.from(json.gamma as number[])),
        b: Float32Array.from(json.beta as number[]),
      },
    };
  };
}
