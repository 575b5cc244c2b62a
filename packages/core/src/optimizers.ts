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
  /** η. Settable between steps (validated: finite and > 0), e.g. to lower it after a divergence. */
  learningRate: number;
  /**
   * Applies one update to every parameter from its gradient, in place, and returns whether every updated value is
   * finite. With `keepBackup`, first saves everything the update changes (parameters and state), so `undo` can put
   * it back.
   */
  step(params: readonly Param[], kernels: Kernels, keepBackup?: boolean): boolean;
  /**
   * Puts the parameters and this optimizer's state (velocity, moments, step count) back exactly as they were
   * before the last `step` taken with `keepBackup`. How a model leaves everything as it was after a divergence.
   */
  undo(params: readonly Param[]): void;
  /** Frees the state kept for these parameters (a model calls it when it is disposed). */
  release(params: readonly Param[]): void;
  /** Frees all optimizer state held in kernel memory. */
  dispose(): void;
  /** The optimizer's settings, as `resolveOptimizer` takes them. */
  toJSON(): OptimizerSpec;
}

/** An optimizer by name and settings, for configs and JSON. */
export type OptimizerSpec =
  | { name: 'sgd'; learningRate?: number }
  | { name: 'momentum'; learningRate?: number; momentum?: number }
  | { name: 'adam'; learningRate?: number; beta1?: number; beta2?: number; epsilon?: number }
  /** Any optimizer of the table by a name only known at run time (a CLI flag, a select). */
  | { name: OptimizerName; learningRate?: number };

function checkLearningRate(where: string, lr: unknown): number {
  return checkNumber(where, 'learningRate', lr, { min: 0, exclusiveMin: true });
}

/**
 * One parameter's buffers in an optimizer, all allocated through the kernels once: its state (held as handles;
 * read `.data` at use) and, once a model asks for it, the backup its updates write before changing anything
 * (the old parameter, then each state buffer: the layout `Kernels` documents).
 */
interface Slot {
  readonly state: Matrix[];
  backup: Matrix | null;
}

/** The per-parameter buffers of one optimizer, and the undo that restores them from the backups. */
class StateStore {
  private readonly slots = new Map<Param, Slot>();
  private kernels: Kernels | null = null;

  constructor(
    private readonly owner: string,
    /** State buffers per parameter (0 for SGD, 1 for momentum, 2 for Adam). */
    private readonly count: number,
  ) {}

  /** The parameters the slots below were looked up for, and whether they all have a backup. */
  private lastParams: readonly Param[] | null = null;
  private lastSlots: Slot[] = [];
  private lastWithBackup = false;

  /**
   * The slots of these parameters, in order, with backups when `withBackup`; allocated on first use. A model
   * passes the same array every step, so after the first step this is one comparison: no lookups in a step.
   */
  slotsFor(params: readonly Param[], kernels: Kernels, withBackup: boolean): readonly Slot[] {
    if (params === this.lastParams && (this.lastWithBackup || !withBackup)) return this.lastSlots;
    this.lastSlots = params.map((p) => this.get(p, kernels, withBackup));
    this.lastParams = params;
    this.lastWithBackup = withBackup;
    return this.lastSlots;
  }

  private get(param: Param, kernels: Kernels, withBackup: boolean): Slot {
    let slot = this.slots.get(param);
    if (!slot) {
      if (this.kernels && this.kernels !== kernels) {
        throw new ChainruleError(
          'INVALID_OPTION',
          `${this.owner}: its state lives in '${this.kernels.name}' kernels; use a new optimizer with '${kernels.name}'`,
        );
      }
      this.kernels = kernels;
      const { rows, cols } = param.value;
      slot = { state: Array.from({ length: this.count }, () => kernels.alloc(rows, cols)), backup: null };
      this.slots.set(param, slot);
    }
    if (withBackup && !slot.backup)
      slot.backup = kernels.alloc(1, (1 + this.count) * param.value.data.length);
    return slot;
  }

  /** Copies each parameter and its state back from its backup. */
  restore(params: readonly Param[]): void {
    for (const p of params) {
      const slot = this.slots.get(p);
      const backup = slot?.backup;
      if (!slot || !backup) {
        throw new ChainruleError(
          'INVALID_OPTION',
          `${this.owner}: nothing to undo for ${p.name} (undo follows a step taken with keepBackup)`,
        );
      }
      const n = p.value.data.length;
      const saved = backup.data;
      p.value.data.set(saved.subarray(0, n));
      for (let s = 0; s < slot.state.length; s++)
        (slot.state[s] as Matrix).data.set(saved.subarray((s + 1) * n, (s + 2) * n));
    }
  }

  release(params: readonly Param[]): void {
    for (const p of params) {
      const slot = this.slots.get(p);
      if (slot) this.free(slot);
      this.slots.delete(p);
    }
    this.forget();
  }

  dispose(): void {
    for (const slot of this.slots.values()) this.free(slot);
    this.slots.clear();
    this.forget();
  }

  private forget(): void {
    this.lastParams = null;
    this.lastSlots = [];
    if (this.slots.size === 0) this.kernels = null; // empty: free to serve other kernels
  }

  private free(slot: Slot): void {
    for (const b of slot.state) this.kernels?.free(b);
    if (slot.backup) this.kernels?.free(slot.backup);
  }
}

/** What every optimizer shares: a validated, settable learning rate and its per-parameter buffers. */
abstract class BaseOptimizer {
  private lr: number;
  /** The parameters of the last step, when it completed with a backup that `undo` may restore. */
  protected undoable: readonly Param[] | null = null;
  protected readonly store: StateStore;

  constructor(
    private readonly label: string,
    learningRate: unknown,
    stateCount: number,
  ) {
    this.lr = checkLearningRate(label, learningRate);
    this.store = new StateStore(label, stateCount);
  }

  get learningRate(): number {
    return this.lr;
  }

  set learningRate(value: number) {
    this.lr = checkLearningRate(this.label, value);
  }

  undo(params: readonly Param[]): void {
    if (this.undoable !== params) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `${this.label}: nothing to undo for these parameters (undo follows a completed step taken with keepBackup, once)`,
      );
    }
    this.store.restore(params);
    this.undoable = null;
    this.afterUndo();
  }

  /** Optimizer-specific state outside kernel memory (Adam's step count). */
  protected afterUndo(): void {}

  release(params: readonly Param[]): void {
    this.store.release(params);
  }

  dispose(): void {
    this.store.dispose();
    this.undoable = null;
  }
}

/** Plain gradient descent: w ← w − η·∂J/∂w. */
export class SGD extends BaseOptimizer implements Optimizer {
  readonly name = 'sgd';

  constructor(options: { learningRate: number }) {
    super('SGD', options?.learningRate, 0);
  }

  step(params: readonly Param[], kernels: Kernels, keepBackup = false): boolean {
    this.undoable = null; // until this step completes
    const slots = keepBackup ? this.store.slotsFor(params, kernels, true) : null;
    let finite = true;
    for (let i = 0; i < params.length; i++) {
      const p = params[i] as Param;
      const backup = slots ? (slots[i] as Slot).backup : null;
      finite = kernels.sgdUpdate(p.value, p.grad, this.learningRate, backup) && finite;
    }
    this.undoable = keepBackup ? params : null;
    return finite;
  }

  toJSON(): OptimizerSpec {
    return { name: 'sgd', learningRate: this.learningRate };
  }
}

/** Gradient descent with momentum: v ← μ·v − η·∂J/∂w; w ← w + v. */
export class Momentum extends BaseOptimizer implements Optimizer {
  readonly name = 'momentum';
  readonly momentum: number;

  constructor(options: { learningRate: number; momentum?: number }) {
    super('Momentum', options?.learningRate, 1);
    this.momentum = checkNumber('Momentum', 'momentum', options.momentum ?? 0.9, { min: 0, max: 1 });
  }

  step(params: readonly Param[], kernels: Kernels, keepBackup = false): boolean {
    this.undoable = null; // until this step completes
    const slots = this.store.slotsFor(params, kernels, keepBackup);
    let finite = true;
    for (let i = 0; i < params.length; i++) {
      const p = params[i] as Param;
      const slot = slots[i] as Slot;
      finite =
        kernels.momentumUpdate(
          p.value,
          p.grad,
          slot.state[0] as Matrix,
          this.learningRate,
          this.momentum,
          keepBackup ? slot.backup : null,
        ) && finite;
    }
    this.undoable = keepBackup ? params : null;
    return finite;
  }

  toJSON(): OptimizerSpec {
    return { name: 'momentum', learningRate: this.learningRate, momentum: this.momentum };
  }
}

/** Adam with bias correction (Kingma & Ba 2015). */
export class Adam extends BaseOptimizer implements Optimizer {
  readonly name = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private t = 0;

  constructor(options: { learningRate?: number; beta1?: number; beta2?: number; epsilon?: number } = {}) {
    super('Adam', options.learningRate ?? 0.001, 2);
    this.beta1 = checkNumber('Adam', 'beta1', options.beta1 ?? 0.9, { min: 0, max: 0.999999 });
    this.beta2 = checkNumber('Adam', 'beta2', options.beta2 ?? 0.999, { min: 0, max: 0.999999 });
    this.epsilon = checkNumber('Adam', 'epsilon', options.epsilon ?? 1e-7, { min: 0, exclusiveMin: true });
  }

  /** Number of updates applied so far (t in the paper). */
  get iterations(): number {
    return this.t;
  }

  step(params: readonly Param[], kernels: Kernels, keepBackup = false): boolean {
    this.undoable = null; // until this step completes
    const slots = this.store.slotsFor(params, kernels, keepBackup);
    const t = this.t + 1; // counted once the step completes
    let finite = true;
    for (let i = 0; i < params.length; i++) {
      const p = params[i] as Param;
      const slot = slots[i] as Slot;
      const updated = kernels.adamUpdate(
        p.value,
        p.grad,
        slot.state[0] as Matrix,
        slot.state[1] as Matrix,
        this.learningRate,
        this.beta1,
        this.beta2,
        this.epsilon,
        t,
        keepBackup ? slot.backup : null,
      );
      finite = updated && finite;
    }
    this.t = t;
    this.undoable = keepBackup ? params : null;
    return finite;
  }

  protected override afterUndo(): void {
    this.t--;
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

/** Everything about an optimizer in one entry: how to make it from settings, its defaults and its names. */
export interface OptimizerEntry {
  /** What a UI shows. */
  readonly label: string;
  /** One line for help texts. */
  readonly description: string;
  /** η when the settings give none. */
  readonly defaultLearningRate: number;
  /** Makes the optimizer from `{ learningRate, … }` (`resolveOptimizer` fills in `defaultLearningRate`). */
  readonly make: (settings: Record<string, unknown>) => Optimizer;
  /** TensorFlow.js's name for it (`tf.train.<name>`). */
  readonly tfjs: string;
}

const table = {
  sgd: {
    label: 'SGD',
    description: 'w ← w − η·g',
    defaultLearningRate: 0.01,
    make: (s) => new SGD(s as { learningRate: number }),
    tfjs: 'sgd',
  },
  momentum: {
    label: 'Momentum',
    description: 'v ← μv − η·g; w ← w + v (μ default 0.9)',
    defaultLearningRate: 0.01,
    make: (s) => new Momentum(s as { learningRate: number }),
    tfjs: 'momentum',
  },
  adam: {
    label: 'Adam',
    description: 'bias-corrected moments (β1 0.9, β2 0.999, ε 1e-7)',
    defaultLearningRate: 0.001,
    make: (s) => new Adam(s),
    tfjs: 'adam',
  },
} as const satisfies Record<string, OptimizerEntry>;

/** An optimizer's name: a key of `optimizerTable`. */
export type OptimizerName = keyof typeof table;

/** The optimizers by name: the one place each is described. */
export const optimizerTable: Readonly<Record<OptimizerName, OptimizerEntry>> = table;

/** Every optimizer name `resolveOptimizer` accepts. */
export const optimizerNames = Object.keys(optimizerTable) as OptimizerName[];

/**
 * An optimizer from an instance, a name (`'adam'`, with its default settings) or a spec such as
 * `{ name: 'adam', learningRate: 0.01 }`. Default: SGD with learning rate 0.01.
 */
export function resolveOptimizer(spec: Optimizer | OptimizerSpec | OptimizerName | undefined): Optimizer {
  if (spec === undefined) return table.sgd.make({ learningRate: table.sgd.defaultLearningRate });
  if (typeof (spec as Optimizer).step === 'function') return spec as Optimizer;
  const settings = (typeof spec === 'string' ? { name: spec } : spec) as Record<string, unknown> | null;
  const name = settings?.name;
  if (typeof name !== 'string' || !Object.hasOwn(optimizerTable, name)) {
    throw new ChainruleError(
      'UNKNOWN_NAME',
      `unknown optimizer ${JSON.stringify(name ?? spec)}; expected ${optimizerNames.join(', ')} (a name, { name, learningRate, … }, or an Optimizer)`,
    );
  }
  const entry = optimizerTable[name as OptimizerName] as OptimizerEntry;
  const { name: _, ...rest } = settings as Record<string, unknown>;
  return entry.make({ ...rest, learningRate: rest.learningRate ?? entry.defaultLearningRate });
}
