export { ONNX_OPSET, type OnnxOptions, toOnnx } from './onnx.js';
export { fromTfjs, type TfjsArtifacts, type TfjsWeightSpec, toTfjs } from './tfjs.js';
