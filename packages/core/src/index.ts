export {
  type Activation,
  type ActivationName,
  type ActivationSpec,
  activationNames,
  type ElementwiseActivation,
  elementwise,
  resolveActivation,
  softmaxBackwardRow,
  softmaxRow,
} from './activations.js';
export type { Dataset, DatasetOptions } from './datasets.js';
export * as datasets from './datasets.js';
export { Dense, type DenseJSON, type DenseOptions } from './dense.js';
export { ChainruleError, type ChainruleErrorCode } from './errors.js';
export { type InitializerSpec, initialize } from './initializers.js';
export { jsKernels } from './js-kernels.js';
export type { Kernels, LossKind } from './kernels.js';
export type { BuildContext, Layer, LayerBuffers, LayerJSON, LayerWeights, Param } from './layer.js';
export {
  binaryCrossEntropy,
  halfSquaredError,
  type Loss,
  type LossName,
  type LossSpec,
  lossNames,
  mse,
  type Reduction,
  resolveLoss,
  softmaxCrossEntropy,
} from './losses.js';
export { Matrix, type MatrixLike } from './matrix.js';
export { accuracy, classificationThreshold } from './metrics.js';
export { Adam, Momentum, type Optimizer, type OptimizerSpec, resolveOptimizer, SGD } from './optimizers.js';
export { Rng } from './rng.js';
export {
  type BatchInfo,
  type EpochLog,
  type Evaluation,
  type FitCallbacks,
  type FitOptions,
  type GradientsResult,
  type History,
  type LayerTrace,
  Sequential,
  type SequentialOptions,
  type Trace,
} from './sequential.js';
export { MODEL_FORMAT, MODEL_VERSION, type ModelJSON } from './serialization.js';
