export { ONNX_OPSET, type OnnxOptions, toOnnx } from './onnx.js';
export { type ChainruleMetadata, fromTfjs, type TfjsArtifacts, type TfjsWeightSpec, toTfjs } from './tfjs.js';
