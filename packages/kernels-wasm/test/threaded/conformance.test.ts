import { kernelConformanceCases } from '@chainrule/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import type { WasmKernels } from '../../src/index.js';

const kernels = (globalThis as { chainruleTestKernels?: WasmKernels }).chainruleTestKernels as WasmKernels;
const before = kernels.threadedCalls;

describe(`${kernels.name}, every call split, passes core’s conformance suite`, () => {
  for (const c of kernelConformanceCases(kernels)) it(c.name, c.run);
});

afterAll(() => {
  // The suite really ran on the pool.
  expect(kernels.threadedCalls - before).toBeGreaterThan(50);
});
