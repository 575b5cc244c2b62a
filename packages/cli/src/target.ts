import { type Layer, Matrix, type Sequential } from '@chainrule/core';

/**
 * A regression target standardized for training: y′ = (y − μ)/σ per column, on the training rows. A network trained
 * from small initial weights at the default learning rate reaches a target near 0 with spread 1 in a few epochs;
 * one in the hundreds (diabetes progression, prices) it would take thousands of epochs to reach. After training,
 * `foldTargetScale` puts μ and σ into the last Dense — a′ = z·σ + μ = x·(W·σ) + (b·σ + μ) for its linear output — so
 * the saved model predicts in the target's own units and exports as it is.
 */
export interface TargetScale {
  readonly mean: Float64Array;
  /** The population standard deviation; 1 for a constant column (nothing to scale). */
  readonly std: Float64Array;
}

/** Each column's mean and standard deviation over the rows of Y. */
export function targetScale(Y: Matrix): TargetScale {
  const mean = new Float64Array(Y.cols);
  const std = new Float64Array(Y.cols);
  for (let j = 0; j < Y.cols; j++) {
    let sum = 0;
    for (let r = 0; r < Y.rows; r++) sum += Y.get(r, j);
    const m = sum / Y.rows;
    let squares = 0;
    for (let r = 0; r < Y.rows; r++) squares += (Y.get(r, j) - m) ** 2;
    const s = Math.sqrt(squares / Y.rows);
    mean[j] = m;
    std[j] = s > 0 ? s : 1;
  }
  return { mean, std };
}

/** (Y − μ)/σ, a new matrix. */
export function scaleTarget(Y: Matrix, scale: TargetScale): Matrix {
  const out = new Matrix(Y.rows, Y.cols);
  for (let r = 0; r < Y.rows; r++)
    for (let j = 0; j < Y.cols; j++)
      out.set(r, j, (Y.get(r, j) - (scale.mean[j] as number)) / (scale.std[j] as number));
  return out;
}

/**
 * Folds the target's scale into the model's last layer, a Dense with a linear output: column j of W times σ_j, and
 * b_j·σ_j + μ_j (in float64, rounded once). Afterwards `predict` gives the target in its own units.
 */
export function foldTargetScale(model: Sequential, scale: TargetScale): void {
  const last = model.layers.at(-1) as Layer;
  if (last.type !== 'dense' || last.activation.name !== 'linear') {
    throw new Error(
      `internal: a standardized target folds into a last Dense with a linear output, not a ${last.type} layer on ${last.activation.name}`,
    );
  }
  const weights = model.getWeights();
  const { W, b } = weights.at(-1) as { W: Matrix; b: Float32Array };
  for (let j = 0; j < W.cols; j++) {
    const s = scale.std[j] as number;
    for (let i = 0; i < W.rows; i++) W.set(i, j, W.get(i, j) * s);
    b[j] = (b[j] as number) * s + (scale.mean[j] as number);
  }
  model.setWeights(weights);
}
