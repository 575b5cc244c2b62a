/**
 * A first-fit allocator over a WebAssembly memory, run from JS: the kernels never allocate, the model allocates
 * its buffers here once. Blocks are 64-byte aligned (a cache line; SIMD loads want 16). Freed blocks coalesce with
 * their neighbours and the top of the heap shrinks back, so allocating and freeing the same sizes reuses memory.
 */
import { ChainruleError } from '@chainrule/core';

const ALIGN = 64;
const PAGE = 65536;

export class Heap {
  /** Free blocks, sorted by address. */
  private free: { ptr: number; size: number }[] = [];
  private readonly used = new Map<number, number>();
  private top: number;

  constructor(
    private readonly memory: WebAssembly.Memory,
    base: number,
    /** Called after the memory grew, so views can be rebuilt. */
    private readonly onGrow: () => void,
    /** The growth stress mode: every allocation grows the memory (by a page at least). */
    private readonly growEveryAlloc = false,
  ) {
    this.top = align(base);
  }

  /** Bytes handed out and not yet freed. */
  get bytesInUse(): number {
    let total = 0;
    for (const size of this.used.values()) total += size;
    return total;
  }

  alloc(bytes: number): number {
    const size = align(Math.max(bytes, 1));
    for (let i = 0; i < this.free.length; i++) {
      const block = this.free[i] as { ptr: number; size: number };
      if (block.size >= size) {
        const ptr = block.ptr;
        if (block.size === size) this.free.splice(i, 1);
        else {
          block.ptr += size;
          block.size -= size;
        }
        this.used.set(ptr, size);
        if (this.growEveryAlloc) this.grow(1);
        return ptr;
      }
    }
    const ptr = this.top;
    const end = ptr + size;
    const pages = Math.max(0, Math.ceil((end - this.memory.buffer.byteLength) / PAGE));
    if (this.growEveryAlloc) this.grow(Math.max(pages, 1));
    else if (pages > 0) {
      try {
        // Grow by at least a quarter of the current size, so a model's many buffers cause few grows.
        this.memory.grow(Math.max(pages, Math.ceil(this.memory.buffer.byteLength / PAGE / 4)));
      } catch {
        this.growExactly(pages, bytes);
      }
      this.onGrow();
    }
    this.top = end;
    this.used.set(ptr, size);
    return ptr;
  }

  private grow(pages: number): void {
    this.growExactly(pages, pages * PAGE);
    this.onGrow();
  }

  /** Grows by `pages`, or says why it cannot (the memory's maximum, or the machine's memory). */
  private growExactly(pages: number, bytes: number): void {
    try {
      this.memory.grow(pages);
    } catch (err) {
      const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
      throw new ChainruleError(
        'INVALID_OPTION',
        `alloc: WebAssembly memory cannot grow from ${mib(this.memory.buffer.byteLength)} by ${mib(pages * PAGE)} for a buffer of ${mib(bytes)} (${(err as Error).message}); the threaded build's memory is limited to 1 GiB, the one-thread build's to 4 GiB — free models you no longer use (model.dispose())`,
      );
    }
  }

  release(ptr: number): void {
    const size = this.used.get(ptr);
    if (size === undefined) throw new Error(`wasm heap: ${ptr} is not an allocated block (freed twice?)`);
    this.used.delete(ptr);
    let i = 0;
    while (i < this.free.length && (this.free[i] as { ptr: number }).ptr < ptr) i++;
    this.free.splice(i, 0, { ptr, size });
    // Coalesce with the next and the previous block.
    const cur = this.free[i] as { ptr: number; size: number };
    const next = this.free[i + 1];
    if (next && cur.ptr + cur.size === next.ptr) {
      cur.size += next.size;
      this.free.splice(i + 1, 1);
    }
    const prev = this.free[i - 1];
    if (prev && prev.ptr + prev.size === cur.ptr) {
      prev.size += cur.size;
      this.free.splice(i, 1);
    }
    // A free block at the top returns to the bump region.
    const last = this.free[this.free.length - 1];
    if (last && last.ptr + last.size === this.top) {
      this.top = last.ptr;
      this.free.pop();
    }
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
