import { ChainruleError } from './errors.js';
import type { Rng } from './rng.js';

/**
 * How a layer's weights start. Biases always start at zero.
 * - `glorotUniform` / `glorotNormal` (Xavier): variance 2/(fanIn + fanOut), for sigmoid, tanh, linear, softmax.
 * - `heUniform` / `heNormal`: variance 2/fanIn, for ReLU-family activations.
 * - `zeros`, `{ name: 'uniform', min, max }`, `{ name: 'normal', mean, std }`.
 */
export type InitializerSpec =
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heUniform'
  | 'heNormal'
  | 'zeros'
  | { name: 'uniform'; min?: number; max?: number }
  | { name: 'normal'; mean?: number; std?: number };

const namedInitializers = [
  'glorotUniform',
  'glorotNormal',
  'heUniform',
  'heNormal',
  'zeros',
  'uniform',
  'normal',
];

/** Fills `w` (fanIn×fanOut, row-major) from the seeded generator. */
export function initialize(
  spec: InitializerSpec,
  w: Float32Array,
  fanIn: number,
  fanOut: number,
  rng: Rng,
  where: string,
): void {
  const name = typeof spec === 'string' ? spec : spec?.name;
  switch (name) {
    case 'glorotUniform': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-limit, limit);
      return;
    }
    case 'glorotNormal': {
      const std = Math.sqrt(2 / (fanIn + fanOut));
      for (let i = 0; i < w.length; i++) w[i] = rng.normal(0, std);
      return;
    }
    case 'heUniform': {
      const limit = Math.sqrt(6 / fanIn);
      for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-limit, limit);
      return;
    }
    case 'heNormal': {
      const std = Math.sqrt(2 / fanIn);
      for (let i = 0; i < w.length; i++) w[i] = rng.normal(0, std);
      return;
    }
    case 'zeros':
      w.fill(0);
      return;
    case 'uniform': {
      const { min = -0.05, max = 0.05 } = spec as { min?: number; max?: number };
      if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
        throw new ChainruleError(
          'INVALID_OPTION',
          `${where}: uniform initializer needs min ≤ max, got ${min}, ${max}`,
        );
      }
      for (let i = 0; i < w.length; i++) w[i] = rng.uniform(min, max);
      return;
    }
    case 'normal': {
      const { mean = 0, std = 0.05 } = spec as { mean?: number; std?: number };
      if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) {
        throw new ChainruleError('INVALID_OPTION', `${where}: normal initializer needs std ≥ 0, got ${std}`);
      }
      for (let i = 0; i < w.length; i++) w[i] = rng.normal(mean, std);
      return;
    }
    default:
      throw new ChainruleError(
        'UNKNOWN_NAME',
        `${where}: unknown initializer ${JSON.stringify(name ?? spec)}; expected one of ${namedInitializers.join(', ')}`,
      );
  }
}
