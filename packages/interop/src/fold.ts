import {
  ChainruleError,
  type Layer,
  type LayerWeights,
  Matrix,
  type Normalization,
  type Sequential,
} from '@chainrule/core';

/**
 * The layers and weights an exporter writes: the model's, with each `Normalization` folded exactly into the Dense
 * after it — Z = ((X − μ)/σ)·W + b = X·W′ + b′ with W′ = W/σ (row j divided by σ_j) and b′ = b − (μ/σ)·W —
 * so ONNX and TensorFlow.js get a plain Dense stack that computes the same function. Computed in float64 from the
 * statistics, then rounded once.
 */
export function foldNormalization(
  model: Sequential,
  op: string,
): { layers: Layer[]; weights: LayerWeights[] } {
  const all = model.getWeights();
  const layers: Layer[] = [];
  const weights: LayerWeights[] = [];
  for (let i = 0; i < model.layers.length; i++) {
    const layer = model.layers[i] as Layer;
    if (layer.type !== 'normalization') {
      layers.push(layer);
      weights.push(all[i] as LayerWeights);
      continue;
    }
    const next = model.layers[i + 1];
    if (next?.type !== 'dense') {
      throw new ChainruleError(
        'INVALID_OPTION',
        `${op}: layer ${i} ('${layer.name}') is a Normalization not followed by a Dense; it exports only folded into the Dense after it`,
      );
    }
    const stats = (layer as Normalization).statistics;
    if (!stats) throw new ChainruleError('INVALID_OPTION', `${op}: layer '${layer.name}' has no statistics`);
    const { W, b } = all[i + 1] as LayerWeights;
    const folded = new Matrix(W.rows, W.cols);
    const bias = new Float32Array(W.cols);
    for (let k = 0; k < W.cols; k++) {
      let shift = b[k] as number;
      for (let j = 0; j < W.rows; j++) {
        const sigma = stats.std[j] as number;
        folded.set(j, k, W.get(j, k) / sigma);
        shift -= ((stats.mean[j] as number) / sigma) * W.get(j, k);
      }
      bias[k] = shift;
    }
    layers.push(next);
    weights.push({ W: folded, b: bias });
    i++;
  }
  return { layers, weights };
}
