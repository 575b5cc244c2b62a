// The activation codes: every activation in core's table has a case in the AssemblyScript switches (a code
// without one traps), on both builds, through the primitive and the fused layer kernels.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { activationNames, activationTable, type Matrix, type ResolvedActivation } from '@chainrule/core';
import { describe, expect, it } from 'vitest';
import { type KernelExports, loadWasmKernels } from '../src/index.js';

// Node 20 validates relaxed SIMD only behind this flag, set before any module is compiled.
setFlagsFromString('--experimental-wasm-relaxed-simd');
const builds = [
  await loadWasmKernels({ variant: 'simd' }),
  await loadWasmKernels({ variant: 'relaxed-simd' }),
];
const packageDir = new URL('..', import.meta.url);

describe('activation codes', () => {
  it('assembly/codes.ts is what scripts/gen-codes.mjs makes from the current tables (else: pnpm build)', () => {
    expect(() =>
      execFileSync(process.execPath, ['scripts/gen-codes.mjs', '--check'], {
        cwd: packageDir,
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });

  for (const k of builds) {
    for (const name of activationNames) {
      const entry = activationTable[name];
      it(`${k.variant}: ${name} (code ${entry.kernelCode}) runs forward and backward without trapping`, () => {
        const act: ResolvedActivation = { name, alpha: entry.alpha?.default ?? 0 };
        // 3×5: four lanes and a scalar tail.
        const m = (fill: (i: number) => number): Matrix => {
          const x = k.alloc(3, 5);
          for (let i = 0; i < 15; i++) x.data[i] = fill(i);
          return x;
        };
        const z = m((i) => i - 7);
        const bias = k.alloc(1, 5);
        const a = m(() => Number.NaN);
        const dA = m(() => 1);
        const dZ = m(() => Number.NaN);
        const run = (what: string, out: Matrix, f: () => void) => {
          try {
            f();
          } catch (e) {
            throw new Error(`${what} of ${name} (code ${entry.kernelCode}) failed: ${e}`);
          }
          if (!out.data.every(Number.isFinite)) throw new Error(`${what} of ${name} left non-finite values`);
        };
        run('biasActivation', a, () => k.biasActivation(z, bias, act, a));
        run('activationBackward', dZ, () => k.activationBackward(act, z, a, dA, dZ));
        const x = k.alloc(3, 2);
        const W = k.alloc(2, 5);
        const dW = k.alloc(2, 5);
        const db = k.alloc(1, 5);
        const dX = k.alloc(3, 2);
        run('denseForward', a, () => k.denseForward(x, W, bias, act, z, a));
        run('denseBackward', dZ, () => k.denseBackward(act, x, W, z, a, dA, dZ, dW, db, dX, false));
        for (const buf of [z, bias, a, dA, dZ, x, W, dW, db, dX]) k.free(buf);
      });
    }
  }

  it('a code with no case traps (unreachable) rather than running as another activation', async () => {
    const bytes = await readFile(new URL('build/kernels-simd.wasm', packageDir));
    const x = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as KernelExports;
    const unused = Math.max(...Object.values(activationTable).map((e) => e.kernelCode)) + 1;
    // 0×0: no memory is touched before the switch.
    expect(() => x.biasActivation(0, 0, 0, 0, 0, unused, 0)).toThrow(/unreachable/);
    expect(() => x.activationBackward(0, 0, 0, 0, 0, 0, unused, 0)).toThrow(/unreachable/);
    expect(() => x.denseForward(0, 0, 0, 0, 0, 0, 0, 0, unused, 0)).toThrow(/unreachable/);
  });
});
