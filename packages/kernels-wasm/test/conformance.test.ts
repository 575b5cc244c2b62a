import { kernelConformanceCases } from '@chainrule/core/testing';
import { describe, expect, it } from 'vitest';
import { loadWasmKernels, type WasmKernels } from '../src/index.js';

const kernels = await loadWasmKernels({ variant: 'simd' });

describe('the plain-SIMD WebAssembly kernels pass core’s conformance suite', () => {
  for (const c of kernelConformanceCases(kernels)) it(c.name, c.run);
});

describe('loading', () => {
  it('auto picks plain SIMD where relaxed SIMD does not validate, and says so', async () => {
    const relaxedValid = WebAssembly.validate(
      new Uint8Array(
        await (await import('node:fs/promises')).readFile(
          new URL('../build/kernels-relaxed-simd.wasm', import.meta.url),
        ),
      ),
    );
    const auto: WasmKernels = await loadWasmKernels();
    expect(auto.variant).toBe(relaxedValid ? 'relaxed-simd' : 'simd');
    expect(auto.name).toBe(`wasm-${auto.variant}`);
  });

  it('asking for relaxed SIMD where it is not supported is a clear error', async () => {
    const fs = await import('node:fs/promises');
    const bytes = await fs.readFile(new URL('../build/kernels-relaxed-simd.wasm', import.meta.url));
    if (WebAssembly.validate(new Uint8Array(bytes))) {
      expect((await loadWasmKernels({ variant: 'relaxed-simd' })).variant).toBe('relaxed-simd');
    } else {
      await expect(loadWasmKernels({ variant: 'relaxed-simd' })).rejects.toThrow(
        /does not support relaxed SIMD/,
      );
    }
  });
});
