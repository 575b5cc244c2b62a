/**
 * `@chainrule/core/testing`: what a `Kernels` implementation runs to prove itself against the reference math.
 * No test-runner dependency: register the cases with whichever runner you use.
 */
export { type ConformanceCase, kernelConformanceCases, MATMUL_SHAPES } from './conformance.js';
export { refActivation, refActivationDerivative, refMatmul, refSigmoid, refSoftmax } from './reference.js';
export { ScaleShift } from './scale-shift.js';
