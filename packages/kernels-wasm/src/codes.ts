import type { ActivationName, LossKind } from '@chainrule/core';

/** Activation codes shared with assembly/activations.ts. */
export function activationCode(name: ActivationName): number {
  switch (name) {
    case 'linear':
      return 0;
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 2;
    case 'relu':
      return 3;
    case 'leakyRelu':
      return 4;
    case 'softmax':
      return 5;
  }
}

/** Loss codes shared with assembly/reductions.ts. */
export function lossCode(kind: LossKind): number {
  switch (kind) {
    case 'squaredError':
      return 0;
    case 'sigmoidCrossEntropy':
      return 1;
    case 'softmaxCrossEntropy':
      return 2;
  }
}
