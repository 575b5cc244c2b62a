import { ChainruleError, checkNumber } from './errors.js';
import type { Kernels } from './kernels.js';
import type { Param } from './layer.js';
import type { Matrix } from './matrix.js';

/**
 * Updates parameters in place from their gradients. State (velocity, moments) is allocated through the
 * kernels the first time a parameter is seen and reused on every later step, so a step allocates nothing.
 * Use one optimizer per model.
 */
export interface Optimizer {
  readonly name: string;
  readonly learningRate: number;
  /**
   * Applies one update to every parameter from its gradient, in place. With `backups` (one array per parameter),
   * copies each parameter's old values there first. Returns whether every updated value is finite.
   */
  step(params: readonly Param[], kernels: Kernels, backups?: readonly Float32Array[] | null): boolean;
  /** Frees the state kept for these parameters (a model calls it when it is disposed). */
  release(params: readonly Param[]): void;
  /** Frees all optimizer state held in kernel memory. */
  dispose(): void;
  /** The optimizer's settings, as `resolveOptimizer` takes them. */
  toJSON(): OptimizerSpec;
}

/** An optimizer by name and settings, for configs and JSON. */
export type OptimizerSpec =
  | { name: 'sgd'; learningRate: number }
  | { name: 'momentum'; learningRate: number; momentum?: number }
  | { name: 'adam'; learningRate?: number; beta1?: number; beta2?: number; epsilon?: number };

function checkLearningRate(where: string, lr: unknown): number {
  return checkNumber(where, 'learningRate', lr, { min: 0, exclusiveMin: true });
}

/** Plain gradient descent: w ← w − η·∂J/∂w. */
export class SGD implements Optimizer {
  readonly name = 'sgd';
  readonly learningRate: number;

  constructor(options: { learningRate: number }) {
    this.learningRate = checkLearningRate('SGD', options?.learningRate);
  }

  step(params: readonly Param[], kernels: Kernels, backups: readonly Float32Array[] | null = null): boolean {
    let finite = true;
    for (let i = 0; i < params.length; i++) {
      const p = params[i] as Param;
      finite =
        kernels.sgdUpdate(
          p.value,
          p.grad,
          this.learningRate,
          backups ? (backups[i] as Float32Array) : null,
        ) && finite;
    }
    return finite;
  }

  release(): void {}

  dispose(): void {}

  toJSON(): OptimizerSpec {
    return { name: 'sgd', learningRate: this.learningRate };
  }
}

/** Per-parameter state buffers, allocated once through the kernels. */
class StateStore {
  private readonly buffers = new Map<Param, Matrix[]>();
  private kernels: Kernels | null = null;

  /** The state buffers of a parameter (hold the matrices; read `.data` at use). */
  get(param: Param, count: number, kernels: Kernels): Matrix[] {
    let state = this.buffers.get(param);
    if (!state) {
      if (this.kernels && this.kernels !== kernels) {
        throw new ChainruleError(
          'INVALID_OPTION',
          `optimizer state lives in '${this.kernels.name}' kernels; use a new optimizer with '${kernels.name}'`,
        );
      }
      this.kernels = kernels;
      state = Array.from({ length: count }, () => kernels.alloc(1, param.value.length));
      this.buffers.set(param, state);
    }
    return state;
  }

  release(params: readonly Param[]): void {
    for (const p of params) {
      for (const b of this.buffers.get(p) ?? []) this.kernels?.free(b);
      this.buffers.delete(p);
    }
  }

  dispose(): void {
    for (const bufs of this.buffers.values()) for (const b of bufs) this.kernels?.free(b);
    this.buffers.clear();
  }
}

/** Gradient descent with momentum: v ← μ·v − η·∂J/∂w; w ← w + v. */
export class Momentum implements Optimizer {
  readonly name = 'momentum';
  readonly learningRate: number;
  readonly momentum: number;
  private readonly state = new StateStore();

  constructor(options: { learningRate: number; momentum?: number }) {
    this.learningRate = checkLearningRate('Momentum', options?.learningRate);
    this.momentum = checkNumber('Momentum', 'momentum', options.momentum ?? 0.9, { min: 0, max: 1 });
  }

  step(params: readonly Param[], kernels: Kernels, backups: readonly Float32Array[] | null = null): boolean {
    let finite = true;
    for (let i = 0; i < params.length; i++) {
      const p = params[i] as Param;
      const velocity = (this.state.get(p, 1, kernels)[0] as Matrix).data;
      const backup = backups ? (backups[i] as Float32Array) : null;
      finite =
        kernels.momentumUpdate(p.value, p.grad, velocity, this.learningRate, this.momentum, backup) && finite;
    }
    return finite;
  }

  release(params: readonly Param[]): void {
    this.state.release(params);
  }

  dispose(): void {
    this.state.dispose();
  }

  toJSON(): OptimizerSpec {
    return { name: 'momentum', learningRate: this.learningRate, momentum: this.momentum };
  }
}

/** Adam with bias correction (Kingma & Ba 2015). */
export class Adam implements Optimizer {
  readonly name = 'adam';
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private t = 0;
  private readonly state = new StateStore();

  constructor(options: { learningRate?: number; beta1?: number; beta2?: number; epsilon?: number } = {}) {
    this.learningRate = checkLearningRate('Adam', options.learningRate ?? 0.001);
    this.beta1 = checkNumber('Adam', 'beta1', options.beta1 ?? 0.9, { min: 0, max: 0.999999 });
    this.beta2 = checkNumber('Adam', 'beta2', options.beta2 ?? 0.999, { min: 0, max: 0.999999 });
    this.epsilon = checkNumber('Adam', 'epsilon', options.epsilon ?? 1e-7, { min: 0, exclusiveMin: true });
  }

  /** Number of updates applied so far (t in the paper). */
  get iterations(): number {
    return this.t;
  }

  step(params: readonly Param[], kernels: Kernels, backups: readonly Float32Array[] | null = null): boolean {
    this.t++;
    let finite = true;
    for (let i = 0; i < params.length; i++) {
      const p = params[i] as Param;
      const state = this.state.get(p, 2, kernels);
      const updated = kernels.adamUpdate(
        p.value,
        p.grad,
        (state[0] as Matrix).data,
        (state[1] as Matrix).data,
        this.learningRate,
        this.beta1,
        this.beta2,
        this.epsilon,
        this.t,
        backups ? (backups[i] as Float32Array) : null,
      );
      finite = updated && finite;
    }
    return finite;
  }

  release(params: readonly Param[]): void {
    this.state.release(params);
  }

  dispose(): void {
    this.state.dispose();
  }

  toJSON(): OptimizerSpec {
    return {
      name: 'adam',
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
    };
  }
}

/** An optimizer from an instance or a spec such as `{ name: 'adam', learningRate: 0.01 }`. */
export function resolveOptimizer(spec: Optimizer | OptimizerSpec | undefined): Optimizer {
  if (spec === undefined) return new SGD({ learningRate: 0.01 });
  if (typeof (spec as Optimizer).step === 'function') return spec as Optimizer;
  const s = spec as OptimizerSpec;
  switch (s?.name) {
    case 'sgd':
      return new SGD(s);
    case 'momentum':
      return new Momentum(s);
    case 'adam':
      return new Adam(s);
    default:
      throw new ChainruleError(
        'UNKNOWN_NAME',
        `unknown optimizer ${JSON.stringify((s as { name?: unknown })?.name ?? s)}; expected sgd, momentum or adam`,
      );
  }
}
