export { activationCode, lossCode } from './codes.js';
export { instantiateWasmKernels, type LoadOptions, loadWasmKernels } from './load.js';
export {
  createWasmKernels,
  type KernelExports,
  type ThreadThresholds,
  type WasmKernels,
  type WasmVariant,
} from './wasm-kernels.js';
