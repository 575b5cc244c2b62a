import type { Kernels } from '../kernels.js';
import { casesActivations } from './conformance-activations.js';
import { casesDense } from './conformance-dense.js';
import { casesMatmul } from './conformance-matmul.js';
import { casesMemory } from './conformance-memory.js';
import { casesOptimizers } from './conformance-optimizers.js';
import { casesReductions } from './conformance-reductions.js';
import type { ConformanceCase } from './conformance-support.js';

export { type ConformanceCase, MATMUL_SHAPES } from './conformance-support.js';

/**
 * The conformance suite every `Kernels` implementation runs against itself, one family of kernels per file. Register
 * each case with the test runner: `for (const c of kernelConformanceCases(k)) it(c.name, c.run)`.
 */
export function kernelConformanceCases(kernels: Kernels, seed = 7): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const add = (name: string, run: () => void) => cases.push({ name: `${kernels.name}: ${name}`, run });
  casesMemory(kernels, seed, add);
  casesMatmul(kernels, seed, add);
  casesActivations(kernels, seed, add);
  casesDense(kernels, seed, add);
  casesReductions(kernels, seed, add);
  casesOptimizers(kernels, seed, add);
  return cases;
}
