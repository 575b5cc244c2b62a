export type { ExportNames } from './names.js';
export {
  type AttributeValue,
  ONNX_OPSET,
  type OnnxLayerGraph,
  type OnnxLayerWriter,
  type OnnxOptions,
  toOnnx,
} from './onnx.js';
export {
  type ChainruleMetadata,
  fromTfjs,
  type TfjsArtifacts,
  type TfjsLayer,
  type TfjsLayerReader,
  type TfjsLayerWriter,
  type TfjsOptions,
  type TfjsWeightSpec,
  toTfjs,
} from './tfjs.js';
