export type { ExportNames } from './names.js';
export { ONNX_OPSET, type OnnxOptions, toOnnx } from './onnx.js';
export {
  type ChainruleMetadata,
  fromTfjs,
  type TfjsArtifacts,
  type TfjsOptions,
  type TfjsWeightSpec,
  toTfjs,
} from './tfjs.js';
