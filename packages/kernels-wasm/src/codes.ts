import { type ActivationName, ChainruleError, type LossKind } from '@chainrule/core';

/** Activation codes shared with assembly/activations.ts; an unknown name is refused, never run as code 0. */
export function activationCode(op: string, name: ActivationName): number {
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
    default:
      throw new ChainruleError('UNKNOWN_NAME', `${op}: unknown activation ${JSON.stringify(name)}`);
  }
}

/** Loss codes shared with assembly/reductions.ts; an unknown kind is refused, never run as code 0. */
export function lossCode(kind: LossKind): number {
  switch (kind) {
    case 'squaredError':
      return 0;
    case 'sigmoidCrossEntropy':
      return 1;
    case 'softmaxCrossEntropy':
      return 2;
    default:
      throw new ChainruleError('UNKNOWN_NAME', `loss: unknown loss kind ${JSON.stringify(kind)}`);
  }
}
