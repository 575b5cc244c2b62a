import { ChainruleError, checkNumber } from './errors.js';
import type { LayerWeights } from './layer.js';
import type { EpochLog, FitCallbacks, History } from './model-types.js';
import type { Sequential } from './sequential.js';

/** How `EarlyStopping` watches training. */
export interface EarlyStoppingOptions {
  /** The number watched: `valLoss` (default; needs validation data), `loss`, `valAccuracy` or `accuracy`. */
  monitor?: 'valLoss' | 'loss' | 'valAccuracy' | 'accuracy';
  /** Epochs without improvement before stopping; default 5. */
  patience?: number;
  /** The smallest change that counts as an improvement; default 0. */
  minDelta?: number;
  /** At the end, put back the weights of the best epoch; default true. */
  restoreBestWeights?: boolean;
}

/**
 * Stops `fit` when the monitored number has not improved for `patience` epochs, and (by default) restores the
 * weights of the best epoch. Pass it in `fit({ callbacks: new EarlyStopping({ … }) })`; reusable across fits.
 */
export class EarlyStopping implements FitCallbacks {
  readonly monitor: NonNullable<EarlyStoppingOptions['monitor']>;
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  /** The best value seen in the last fit, and its epoch (0 before any). */
  best = Number.NaN;
  bestEpoch = 0;
  /** The epoch it stopped training at in the last fit, or 0 if it did not. */
  stoppedEpoch = 0;
  private wait = 0;
  private bestWeights: LayerWeights[] | null = null;
  private model: Sequential | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    const monitor = options.monitor ?? 'valLoss';
    if (!['valLoss', 'loss', 'valAccuracy', 'accuracy'].includes(monitor)) {
      throw new ChainruleError(
        'UNKNOWN_NAME',
        `EarlyStopping: monitor must be valLoss, loss, valAccuracy or accuracy, got ${JSON.stringify(monitor)}`,
      );
    }
    this.monitor = monitor;
    this.patience = checkNumber('EarlyStopping', 'patience', options.patience ?? 5, {
      min: 1,
      integer: true,
    });
    this.minDelta = checkNumber('EarlyStopping', 'minDelta', options.minDelta ?? 0, { min: 0 });
    this.restoreBestWeights = options.restoreBestWeights ?? true;
  }

  /** Lower is better for losses, higher for accuracies. */
  private improves(value: number): boolean {
    if (Number.isNaN(this.best)) return true;
    return this.monitor.endsWith('ccuracy')
      ? value > this.best + this.minDelta
      : value < this.best - this.minDelta;
  }

  onTrainBegin(model: Sequential): void {
    this.model = model;
    this.best = Number.NaN;
    this.bestEpoch = 0;
    this.stoppedEpoch = 0;
    this.wait = 0;
    this.bestWeights = null;
  }

  onEpochEnd(log: EpochLog): boolean {
    const value = log[this.monitor];
    if (value === undefined) {
      throw new ChainruleError(
        'INVALID_OPTION',
        `EarlyStopping: the epoch log has no ${this.monitor}${this.monitor.startsWith('val') ? ' (give fit validation data or validationSplit)' : ' (accuracy needs a classifier output)'}`,
      );
    }
    if (this.improves(value)) {
      this.best = value;
      this.bestEpoch = log.epoch;
      this.wait = 0;
      if (this.restoreBestWeights && this.model) this.bestWeights = this.model.getWeights();
      return true;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = log.epoch;
      return false;
    }
    return true;
  }

  onTrainEnd(model: Sequential, history: History): void {
    const last = history.epochs.at(-1)?.epoch;
    if (this.restoreBestWeights && this.bestWeights && last !== this.bestEpoch)
      model.setWeights(this.bestWeights);
    this.bestWeights = null;
    this.model = null;
  }
}

/** η₀·factor^⌊(epoch − 1)/every⌋: the rate drops by `factor` every `every` epochs. */
export function stepDecay(
  initial: number,
  options: { factor?: number; every?: number } = {},
): (epoch: number) => number {
  const factor = checkNumber('stepDecay', 'factor', options.factor ?? 0.5, {
    min: 0,
    exclusiveMin: true,
    max: 1,
  });
  const every = checkNumber('stepDecay', 'every', options.every ?? 10, { min: 1, integer: true });
  checkNumber('stepDecay', 'initial', initial, { min: 0, exclusiveMin: true });
  return (epoch) => initial * factor ** Math.floor((epoch - 1) / every);
}

/** η₀·rate^(epoch − 1). */
export function exponentialDecay(initial: number, rate: number): (epoch: number) => number {
  checkNumber('exponentialDecay', 'initial', initial, { min: 0, exclusiveMin: true });
  checkNumber('exponentialDecay', 'rate', rate, { min: 0, exclusiveMin: true, max: 1 });
  return (epoch) => initial * rate ** (epoch - 1);
}

/** From η₀ at epoch 1 down to `min` (default η₀/100; above 0) at `epochs` along half a cosine; `min` after that. */
export function cosineDecay(initial: number, epochs: number, min = initial / 100): (epoch: number) => number {
  checkNumber('cosineDecay', 'initial', initial, { min: 0, exclusiveMin: true });
  checkNumber('cosineDecay', 'epochs', epochs, { min: 1, integer: true });
  checkNumber('cosineDecay', 'min', min, { min: 0, exclusiveMin: true, max: initial });
  return (epoch) => {
    const t = Math.min(1, (epoch - 1) / Math.max(1, epochs - 1));
    return min + 0.5 * (initial - min) * (1 + Math.cos(Math.PI * t));
  };
}
