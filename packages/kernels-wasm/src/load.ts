import { MAX_THREADS, ThreadPool, threadSupport } from './threads.js';
import {
  checkThresholds,
  createWasmKernels,
  type KernelExports,
  type ThreadThresholds,
  type WasmKernels,
  type WasmVariant,
} from './wasm-kernels.js';

/** How `loadWasmKernels` picks and finds its module. */
export interface LoadOptions {
  /**
   * `auto` (default): the relaxed-SIMD build where this runtime validates it (browsers; Node with
   * `--experimental-wasm-relaxed-simd`), the plain-SIMD build otherwise.
   */
  variant?: 'auto' | WasmVariant;
  /** Where the modules are, if not beside this package (e.g. a CDN path). Relaxed and plain builds by variant. */
  urls?: Partial<Record<WasmVariant, URL | string>>;
  /** Where the shared-memory (threads) builds are, if not beside this package. */
  threadedUrls?: Partial<Record<WasmVariant, URL | string>>;
  /**
   * The growth stress mode, for tests: memory starts at the module's minimum (one page) and every `alloc` grows it,
   * which detaches every view taken before. Code that keeps a `Float32Array` across an allocation instead of the
   * handle (`Matrix`) fails at once. Slower and memory-hungry; never for production. (With `threads` the memory
   * is shared, and a shared memory never detaches its views: there the kernels' own check, which refuses a view that
   * is not into the current buffer, is what catches a stale one.)
   */
  growEveryAlloc?: boolean;
  /**
   * Threads for the heavy kernels (the three products, and elementwise passes and updates above a size):
   * a number, or `'auto'` for the machine's cores (at most 8). Default 1. More than one needs `SharedArrayBuffer`
   * — Node, or a cross-origin isolated page — and a thread that may block (a Web Worker, not a page's main
   * thread); where that is missing the kernels run on one thread and `threadsNote` says why. Results are the same
   * bits for any number of threads. Call `dispose()` to end the threads (idle ones never keep Node running).
   */
  threads?: number | 'auto';
  /** When a call is split across threads (tests use 0 to split everything). */
  threadThresholds?: ThreadThresholds;
}

/** The largest memory the threaded build may grow to: 1 GiB (a shared memory reserves its maximum up front). */
const SHARED_MAX_PAGES = 16384;

const defaultUrls: Record<WasmVariant, () => URL> = {
  // Written out literally so bundlers (Vite, webpack) see and emit the files.
  simd: () => new URL('../build/kernels-simd.wasm', import.meta.url),
  'relaxed-simd': () => new URL('../build/kernels-relaxed-simd.wasm', import.meta.url),
};

/** The shared-memory builds, for threads. */
const threadedUrls: Record<WasmVariant, () => URL> = {
  simd: () => new URL('../build/kernels-simd-threads.wasm', import.meta.url),
  'relaxed-simd': () => new URL('../build/kernels-relaxed-simd-threads.wasm', import.meta.url),
};

/** The number of cores, as the runtime reports it. */
async function cores(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  try {
    const osModule = 'node:os';
    const os = (await import(/* @vite-ignore */ osModule)) as { availableParallelism(): number };
    return os.availableParallelism();
  } catch {
    return 1;
  }
}

/** The kernels on one thread, with a note saying why not on the `threads` asked for. */
async function onOneThread(options: LoadOptions, threads: number, why: string): Promise<WasmKernels> {
  const kernels = await loadWasmKernels({ ...options, threads: 1 });
  (kernels as { threadsNote: string | null }).threadsNote =
    `${threads} threads were asked for; running on one because ${why}`;
  return kernels;
}

/** How many threads `threads` asks for, validated. */
async function wantedThreads(threads: LoadOptions['threads']): Promise<number> {
  if (threads === undefined) return 1;
  if (threads === 'auto') return Math.max(1, Math.min(8, await cores()));
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS)
    throw new RangeError(
      `loadWasmKernels: threads must be 'auto' or an integer from 1 to ${MAX_THREADS}, got ${String(threads)}`,
    );
  return threads;
}

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
  const threads = await wantedThreads(options.threads);
  checkThresholds(options.threadThresholds);
  if (threads > 1) {
    const support = threadSupport();
    if (support.ok) return loadThreaded(options, threads);
    return onOneThread(options, threads, support.reason);
  }
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

/** The shared-memory build on `threads` threads: this one and `threads − 1` workers on the same memory. */
async function loadThreaded(options: LoadOptions, threads: number): Promise<WasmKernels> {
  const wanted = options.variant ?? 'auto';
  const url = (v: WasmVariant) => options.threadedUrls?.[v] ?? threadedUrls[v]();
  let variant: WasmVariant = 'simd';
  let bytes: ArrayBuffer | null = null;
  if (wanted !== 'simd') {
    const relaxed = await fetchBytes(url('relaxed-simd'));
    if (WebAssembly.validate(relaxed)) {
      variant = 'relaxed-simd';
      bytes = relaxed;
    } else if (wanted === 'relaxed-simd') {
      throw new Error(
        'loadWasmKernels: this runtime does not support relaxed SIMD (in Node, start with --experimental-wasm-relaxed-simd)',
      );
    }
  }
  if (bytes === null) bytes = await fetchBytes(url('simd'));
  if (!WebAssembly.validate(bytes))
    throw new Error(
      'loadWasmKernels: this runtime does not support WebAssembly SIMD with threads (shared memory and atomics)',
    );
  const module = await WebAssembly.compile(bytes);
  const memory = new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const kernels = createWasmKernels(
    instance.exports as unknown as KernelExports,
    variant,
    options.growEveryAlloc ?? false,
  );
  // The caller's scratch came with the kernels; each worker gets its own.
  const scratch = Array.from({ length: threads - 1 }, () => kernels.allocScratch());
  let pool: ThreadPool;
  try {
    pool = await ThreadPool.start(
      instance.exports as unknown as KernelExports,
      module,
      memory,
      threads,
      (i) => scratch[i - 1] as number,
      threads <= (await cores()) ? 1 : 0,
    );
  } catch (e) {
    // Workers that cannot start (a Content-Security-Policy without worker-src blob:, a sandbox): one thread, said.
    return onOneThread(
      options,
      threads,
      `the worker threads could not start (${String((e as Error)?.message ?? e)})`,
    );
  }
  kernels.attachPool(pool, options.threadThresholds);
  return kernels;
}
