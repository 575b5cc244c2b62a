// The module's exports; each kernel lives in the file of its family.

export { activationBackward, biasActivation } from './activations';
export { denseBackward, denseForward } from './dense';
export { gemmScratchBytes, gemmStrided, matmul, matmulTransA, matmulTransB, setScratch } from './matmul';
export { adamUpdate, momentumUpdate, sgdUpdate } from './optimizers';
export { allFinite, columnSums, loss, regularize } from './reductions';

/** First byte past the module's static data: the JS heap starts at or after it. */
export function heapBase(): usize {
  return __heap_base;
}
export { activationBackwardCols, biasActivationCols } from './columns';
