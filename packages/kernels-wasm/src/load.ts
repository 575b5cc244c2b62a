import { createWasmKernels, type KernelExports, type WasmKernels, type WasmVariant } from './wasm-kernels.js';

/** How `loadWasmKernels` picks and finds its module. */
export interface LoadOptions {
  /**
   * `auto` (default): the relaxed-SIMD build where this runtime validates it (browsers; Node with
   * `--experimental-wasm-relaxed-simd`), the plain-SIMD build otherwise.
   */
  variant?: 'auto' | WasmVariant;
  /** Where the modules are, if not beside this package (e.g. a CDN path). Relaxed and plain builds by variant. */
  urls?: Partial<Record<WasmVariant, URL | string>>;
  /**
   * The growth stress mode, for tests: memory starts at the module's minimum (one page) and every `alloc` grows it,
   * which detaches every view taken before. Code that keeps a `Float32Array` across an allocation instead of the
   * handle (`Matrix`) fails at once. Slower and memory-hungry; never for production.
   */
  growEveryAlloc?: boolean;
}

const defaultUrls: Record<WasmVariant, () => URL> = {
  // Written out literally so bundlers (Vite, webpack) see and emit the files.
  simd: () => new URL('../build/kernels-simd.wasm', import.meta.url),
  'relaxed-simd': () => new URL('../build/kernels-relaxed-simd.wasm', import.meta.url),
};

async function fetchBytes(url: URL | string): Promise<ArrayBuffer> {
  const u = typeof url === 'string' ? new URL(url, import.meta.url) : url;
  if (u.protocol === 'file:') {
    // Node: read the file. The specifier is built at run time so browser bundlers leave it alone.
    const fsModule = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ fsModule)) as { readFile(p: URL): Promise<Uint8Array> };
    const bytes = await fs.readFile(u);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  const response = await fetch(u);
  if (!response.ok)
    throw new Error(`loadWasmKernels: fetching ${u.href} failed with HTTP ${response.status}`);
  return response.arrayBuffer();
}

/** Instantiates kernels from a module's bytes (synchronous; for workers that already hold the bytes). */
export function instantiateWasmKernels(
  bytes: BufferSource,
  variant: WasmVariant,
  options: Pick<LoadOptions, 'growEveryAlloc'> = {},
): WasmKernels {
  const module = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(module, {});
  return createWasmKernels(instance.exports as unknown as KernelExports, variant, options.growEveryAlloc);
}

/**
 * Loads the WebAssembly kernels: in Node from the package's files, in browsers and Vite builds by fetching them.
 * Resolves to a `Kernels` to pass to `new Sequential(layers, { kernels })`.
 */
export async function loadWasmKernels(options: LoadOptions = {}): Promise<WasmKernels> {
  const wanted = options.variant ?? 'auto';
  const url = (v: WasmVariant) => options.urls?.[v] ?? defaultUrls[v]();
  if (wanted !== 'simd') {
    const relaxed = await fetchBytes(url('relaxed-simd'));
    if (WebAssembly.validate(relaxed)) return instantiateWasmKernels(relaxed, 'relaxed-simd', options);
    if (wanted === 'relaxed-simd') {
      throw new Error(
        'loadWasmKernels: this runtime does not support relaxed SIMD (in Node, start with --experimental-wasm-relaxed-simd)',
      );
    }
  }
  const plain = await fetchBytes(url('simd'));
  if (!WebAssembly.validate(plain)) {
    throw new Error(
      'loadWasmKernels: this runtime does not support WebAssembly SIMD (Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4)',
    );
  }
  return instantiateWasmKernels(plain, 'simd', options);
}
