import { ChainruleError, checkNumber } from './errors.js';
import type { BuildContext } from './layer.js';

/**
 * The size of a layer that keeps its input's width (Dropout, Activation): given, or the previous layer's output
 * size from the build context; they must agree when both are known.
 */
export function sizeFromContext(where: string, given: number | undefined, context: BuildContext): number {
  const before = context.inputSize;
  if (given !== undefined && before !== undefined && given !== before) {
    throw new ChainruleError(
      'SHAPE',
      `${where}: size ${given} was given, but the layer before outputs ${before}`,
    );
  }
  const size = given ?? before;
  if (size === undefined) {
    throw new ChainruleError(
      'INVALID_OPTION',
      `${where}: as the first layer it needs its size ({ size: <inputs> }); elsewhere it takes the layer before's`,
    );
  }
  return checkNumber(where, 'size', size, { min: 1, integer: true });
}
