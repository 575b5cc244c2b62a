export {
  Activation,
  type ActivationLayerJSON,
  type ActivationLayerOptions,
} from './activation-layer.js';
export {
  type ActivationEntry,
  type ActivationName,
  type ActivationParameter,
  type ActivationSpec,
  activationEntry,
  activationNames,
  activationTable,
  activationToJSON,
  type ElementwiseActivation,
  type ElementwiseEntry,
  elementwise,
  type OnnxNodeWriter,
  type ResolvedActivation,
  type RowwiseEntry,
  resolveActivation,
  softmaxBackwardRow,
  softmaxRow,
  type TfjsActivation,
} from './activations.js';
export {
  cosineDecay,
  EarlyStopping,
  type EarlyStoppingOptions,
  exponentialDecay,
  stepDecay,
} from './callbacks.js';
export { checkFinite, expectLength, expectShape } from './checks.js';
export type { Dataset, DatasetOptions } from './datasets.js';
export * as datasets from './datasets.js';
export { Dense, type DenseJSON, type DenseOptions } from './dense.js';
export { Dropout, type DropoutJSON, type DropoutOptions } from './dropout.js';
export { argmaxRows, oneHot } from './encoding.js';
export { ChainruleError, type ChainruleErrorCode } from './errors.js';
export { type InitializerSpec, initialize } from './initializers.js';
export {
  type ChainTerm,
  type FiniteDifference,
  INSPECT_EPSILON,
  inspectParameter,
  type ParameterInspection,
  type ParameterTarget,
} from './inspect.js';
export { jsKernels } from './js-kernels.js';
export type { Kernels, LossKind } from './kernels.js';
export type { BuildContext, Layer, LayerBuffers, LayerJSON, LayerWeights, Param } from './layer.js';
export {
  binaryCrossEntropy,
  type ElementwiseLossKind,
  halfSquaredError,
  type Loss,
  type LossEntry,
  type LossKindEntry,
  type LossName,
  type LossSpec,
  lossKindCodes,
  lossKinds,
  lossKindTable,
  lossNames,
  lossTable,
  mse,
  type Reduction,
  type RowwiseLossKind,
  resolveLoss,
  softmaxCrossEntropy,
} from './losses.js';
export { Matrix, type MatrixLike } from './matrix.js';
export {
  accuracy,
  type ClassificationReport,
  type ClassScores,
  classificationThreshold,
  confusionMatrix,
  type MetricValues,
  mae,
  precisionRecallF1,
  r2,
  rmse,
} from './metrics.js';
export { type MlpOptions, mlp } from './mlp.js';
export type {
  BatchInfo,
  EpochLog,
  EpochOptions,
  EpochRun,
  Evaluation,
  FitCallbacks,
  FitOptions,
  FromJSONOptions,
  Gradients,
  GradientsResult,
  History,
  LayerTrace,
  SequentialOptions,
  Trace,
  TracedBatch,
} from './model-types.js';
export {
  NORMALIZATION_EPSILON,
  Normalization,
  type NormalizationJSON,
  type NormalizationOptions,
} from './normalization.js';
export {
  Adam,
  Momentum,
  type Optimizer,
  type OptimizerEntry,
  type OptimizerName,
  type OptimizerSpec,
  optimizerNames,
  optimizerTable,
  resolveOptimizer,
  SGD,
} from './optimizers.js';
export { MAX_SEED, Rng } from './rng.js';
export {
  type FetchedResponse,
  type LoadModelOptions,
  loadModel,
  type ModelLocation,
  type SavedModel,
  saveModel,
} from './save.js';
export { INDEXEDDB_DATABASE, INDEXEDDB_STORE } from './save-indexeddb.js';
export { Sequential } from './sequential.js';
export {
  type LayerReader,
  layerTypes,
  MODEL_FORMAT,
  MODEL_VERSION,
  type ModelJSON,
} from './serialization.js';
