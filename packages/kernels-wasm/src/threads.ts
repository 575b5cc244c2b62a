/**
 * The thread pool behind `loadWasmKernels({ threads })`: T − 1 workers instantiate the shared-memory build of the
 * module on the same `WebAssembly.Memory` as the calling thread, each with its own GEMM scratch. A heavy kernel
 * call becomes a job: the caller writes the job's arguments into a small shared block, bumps a sequence number,
 * runs its own share (thread 0), and waits for the others' done count. Workers spin on the sequence number for a
 * short while after each job (a training step is a burst of jobs a few microseconds apart), then sleep in
 * `Atomics.wait` until the caller's `Atomics.notify`.
 *
 * Every share is a block of output rows or columns (or of elements) computed by the same code, in the same order,
 * as the one-thread call (see `gemmStrided` in assembly/matmul.ts), so results are bit-identical for any number of
 * threads.
 */
import type { KernelExports } from './kernel-exports.js';

/** Job codes (the first argument of a job). */
export enum Op {
  Gemm = 1,
  DenseForward = 2,
  ActivationBackward = 3,
  WeightGrads = 4,
  BiasActivation = 5,
  ColumnSums = 6,
  Sgd = 7,
  Momentum = 8,
  Adam = 9,
  AllFinite = 10,
}

/** Job codes' names, for messages. */
const jobNames: Record<number, string> = {
  1: 'matmul',
  2: 'denseForward',
  3: 'activationBackward',
  4: 'denseBackward',
  5: 'biasActivation',
  6: 'columnSums',
  7: 'sgdUpdate',
  8: 'momentumUpdate',
  9: 'adamUpdate',
  10: 'allFinite',
};

// The control block's Int32 slots.
const SEQ = 0;
const QUIT = 2;
const SLEEPERS = 3;
/** The chunks of this job, and how many are done. */
const CHUNKS = 5;
const COMPLETED = 6;
/** 1 until a chunk reports a non-finite value. */
const OK = 7;
/** 1 once a worker's chunk of the current job threw (reset with each job). */
const FAILED = 9;
/** 1 while the caller sleeps on COMPLETED. */
const CALLER_SLEEPS = 8;
/** Thread t's queue of chunks: its counter is at QUEUES + t. */
const QUEUES = 16;
/** The most threads a pool runs (the control block has a queue per thread). */
export const MAX_THREADS = 48;
const CONTROL_INTS = QUEUES + MAX_THREADS;
/** Chunks per thread: enough that a late or slow thread leaves little for the others to wait on. */
const CHUNKS_PER_THREAD = 4;
const ARG_SLOTS = 24;

/** Start of part t of T when `total` is dealt out in blocks of `unit`, as evenly as possible (sent as source). */
function partLo(total: number, unit: number, t: number, T: number): number {
  return Math.floor((Math.ceil(total / unit) * t) / T) * unit;
}

/** End of part t of T (see `partLo`; never before its start). */
function partHi(total: number, unit: number, t: number, T: number): number {
  const lo = Math.floor((Math.ceil(total / unit) * t) / T) * unit;
  return Math.max(lo, Math.min(total, Math.floor((Math.ceil(total / unit) * (t + 1)) / T) * unit));
}

/**
 * Part t of T of C = A·B: rows in 4s or columns in 8s, whichever has more blocks (the micro-tile). Self-contained
 * (sent as source).
 */
function gemmPart(
  x: KernelExports,
  t: number,
  T: number,
  pa: number,
  aRow: number,
  aDepth: number,
  pb: number,
  bDepth: number,
  bCol: number,
  pc: number,
  ldc: number,
  M: number,
  K: number,
  N: number,
): void {
  if (Math.ceil(M / 4) >= Math.ceil(N / 8)) {
    const i0 = Math.floor((Math.ceil(M / 4) * t) / T) * 4;
    const i1 = Math.max(i0, Math.min(M, Math.floor((Math.ceil(M / 4) * (t + 1)) / T) * 4));
    if (i1 > i0)
      x.gemmStrided(
        pa + i0 * aRow * 4,
        aRow,
        aDepth,
        pb,
        bDepth,
        bCol,
        pc + i0 * ldc * 4,
        ldc,
        i1 - i0,
        K,
        N,
      );
  } else {
    const j0 = Math.floor((Math.ceil(N / 8) * t) / T) * 8;
    const j1 = Math.max(j0, Math.min(N, Math.floor((Math.ceil(N / 8) * (t + 1)) / T) * 8));
    if (j1 > j0)
      x.gemmStrided(pa, aRow, aDepth, pb + j0 * bCol * 4, bDepth, bCol, pc + j0 * 4, ldc, M, K, j1 - j0);
  }
}

/** The helpers `runSlice` calls, passed in (not closed over), so a chunk allocates nothing. */
interface SliceHelpers {
  readonly lo: typeof partLo;
  readonly hi: typeof partHi;
  readonly gemm: typeof gemmPart;
}

/** The helpers on this thread; a worker builds its own from their source text. */
const helpers: SliceHelpers = { lo: partLo, hi: partHi, gemm: gemmPart };

/**
 * Thread t's share of one job. Self-contained (it is also sent to the workers as source text): it may use only its
 * parameters and globals. Returns 1, or 0 when an update or a check found a non-finite value.
 */
function runSlice(x: KernelExports, a: Float64Array, t: number, T: number, h: SliceHelpers): number {
  switch (a[0] as number) {
    case 1: // Gemm: a, aRow, aDepth, b, bDepth, bCol, c, ldc, M, K, N
      h.gemm(
        x,
        t,
        T,
        a[1] as number,
        a[2] as number,
        a[3] as number,
        a[4] as number,
        a[5] as number,
        a[6] as number,
        a[7] as number,
        a[8] as number,
        a[9] as number,
        a[10] as number,
        a[11] as number,
      );
      return 1;
    case 2: {
      // DenseForward: x, w, b, z, act, N, K, U, kind, alpha, byColumns
      const N = a[6] as number;
      const K = a[7] as number;
      const U = a[8] as number;
      if ((a[11] as number) === 1) {
        // This thread's units: columns of W, b, Z and A that stay on its core through backward and update.
        const j0 = h.lo(U, 16, t, T);
        const j1 = h.hi(U, 16, t, T);
        if (j1 > j0) {
          x.gemmStrided(
            a[1] as number,
            K,
            1,
            (a[2] as number) + j0 * 4,
            U,
            1,
            (a[4] as number) + j0 * 4,
            U,
            N,
            K,
            j1 - j0,
          );
          x.biasActivationCols(
            a[4] as number,
            a[3] as number,
            a[5] as number,
            N,
            U,
            j0,
            j1,
            a[9] as number,
            a[10] as number,
          );
        }
        return 1;
      }
      const r0 = h.lo(N, 4, t, T);
      const r1 = h.hi(N, 4, t, T);
      if (r1 > r0)
        x.denseForward(
          (a[1] as number) + r0 * K * 4,
          a[2] as number,
          a[3] as number,
          (a[4] as number) + r0 * U * 4,
          (a[5] as number) + r0 * U * 4,
          r1 - r0,
          K,
          U,
          a[9] as number,
          a[10] as number,
        );
      return 1;
    }
    case 3: {
      // ActivationBackward: z, act, dA, dZ, rows, cols, kind, alpha — blocks of rows (softmax works row by row)
      const cols = a[6] as number;
      const r0 = h.lo(a[5] as number, 4, t, T);
      const r1 = h.hi(a[5] as number, 4, t, T);
      const o = r0 * cols * 4;
      if (r1 > r0)
        x.activationBackward(
          (a[1] as number) + o,
          (a[2] as number) + o,
          (a[3] as number) + o,
          (a[4] as number) + o,
          r1 - r0,
          cols,
          a[7] as number,
          a[8] as number,
        );
      return 1;
    }
    case 4: {
      // WeightGrads: x, w, dZ, dW, db, dX, N, K, U, z, act, dA, kind, alpha, byColumns, dZReady
      const N = a[7] as number;
      const K = a[8] as number;
      const U = a[9] as number;
      if ((a[15] as number) === 1) {
        // This thread's units: ∂J/∂Z, ∂J/∂W and ∂J/∂b for its columns (∂J/∂X, which needs them all, comes after).
        const j0 = h.lo(U, 16, t, T);
        const j1 = h.hi(U, 16, t, T);
        if (j1 > j0) {
          if ((a[16] as number) === 0)
            x.activationBackwardCols(
              a[10] as number,
              a[11] as number,
              a[12] as number,
              a[3] as number,
              N,
              U,
              j0,
              j1,
              a[13] as number,
              a[14] as number,
            );
          x.gemmStrided(
            a[1] as number,
            1,
            K,
            (a[3] as number) + j0 * 4,
            U,
            1,
            (a[4] as number) + j0 * 4,
            U,
            K,
            N,
            j1 - j0,
          );
          x.columnSums((a[3] as number) + j0 * 4, (a[5] as number) + j0 * 4, N, j1 - j0, U);
        }
        return 1;
      }
      h.gemm(x, t, T, a[1] as number, 1, K, a[3] as number, U, 1, a[4] as number, U, K, N, U);
      const u0 = h.lo(U, 4, t, T);
      const u1 = h.hi(U, 4, t, T);
      if (u1 > u0) x.columnSums((a[3] as number) + u0 * 4, (a[5] as number) + u0 * 4, N, u1 - u0, U);
      if ((a[6] as number) !== 0)
        h.gemm(x, t, T, a[3] as number, U, 1, a[2] as number, 1, U, a[6] as number, K, N, U, K);
      return 1;
    }
    case 5: {
      // BiasActivation: z, bias, act, rows, cols, kind, alpha — blocks of rows
      const cols = a[5] as number;
      const r0 = h.lo(a[4] as number, 4, t, T);
      const r1 = h.hi(a[4] as number, 4, t, T);
      const o = r0 * cols * 4;
      if (r1 > r0)
        x.biasActivation(
          (a[1] as number) + o,
          a[2] as number,
          (a[3] as number) + o,
          r1 - r0,
          cols,
          a[6] as number,
          a[7] as number,
        );
      return 1;
    }
    case 6: {
      // ColumnSums: m, out, rows, cols — blocks of columns
      const cols = a[4] as number;
      const u0 = h.lo(cols, 4, t, T);
      const u1 = h.hi(cols, 4, t, T);
      if (u1 > u0)
        x.columnSums((a[1] as number) + u0 * 4, (a[2] as number) + u0 * 4, a[3] as number, u1 - u0, cols);
      return 1;
    }
    case 7: {
      // Sgd: param, grad, n, lr, backup — blocks of 16 elements
      const i0 = h.lo(a[3] as number, 16, t, T);
      const i1 = h.hi(a[3] as number, 16, t, T);
      if (i1 <= i0) return 1;
      const o = i0 * 4;
      return x.sgdUpdate(
        (a[1] as number) + o,
        (a[2] as number) + o,
        i1 - i0,
        a[4] as number,
        (a[5] as number) === 0 ? 0 : (a[5] as number) + o,
      );
    }
    case 8: {
      // Momentum: param, grad, velocity, n, lr, mu, backup
      const n = a[4] as number;
      const i0 = h.lo(n, 16, t, T);
      const i1 = h.hi(n, 16, t, T);
      if (i1 <= i0) return 1;
      const o = i0 * 4;
      return x.momentumUpdate(
        (a[1] as number) + o,
        (a[2] as number) + o,
        (a[3] as number) + o,
        i1 - i0,
        a[5] as number,
        a[6] as number,
        (a[7] as number) === 0 ? 0 : (a[7] as number) + o,
        n,
      );
    }
    case 9: {
      // Adam: param, grad, m, v, n, lr, beta1, beta2, epsilon, step, backup
      const n = a[5] as number;
      const i0 = h.lo(n, 16, t, T);
      const i1 = h.hi(n, 16, t, T);
      if (i1 <= i0) return 1;
      const o = i0 * 4;
      return x.adamUpdate(
        (a[1] as number) + o,
        (a[2] as number) + o,
        (a[3] as number) + o,
        (a[4] as number) + o,
        i1 - i0,
        a[6] as number,
        a[7] as number,
        a[8] as number,
        a[9] as number,
        a[10] as number,
        (a[11] as number) === 0 ? 0 : (a[11] as number) + o,
        n,
      );
    }
    case 10: {
      // AllFinite: p, n
      const i0 = h.lo(a[2] as number, 16, t, T);
      const i1 = h.hi(a[2] as number, 16, t, T);
      return i1 > i0 ? x.allFinite((a[1] as number) + i0 * 4, i1 - i0) : 1;
    }
    default:
      throw new Error(`chainrule thread pool: unknown job ${a[0] as number}`);
  }
}

/**
 * Takes the next chunk of the current job, or −1 when none is left: first from this thread's own queue (chunks
 * [t·C, t·C + C), so in steady state each thread computes the same blocks of every layer and their cache lines stay
 * on its core), then from the others' (a late or slow thread's chunks are done by the rest). A queue's counter holds
 * the job's generation above the next index, and a chunk is taken only by a compare-exchange that finds this job's
 * generation: a thread that woke late for a job the others have finished takes nothing from the next one.
 * Self-contained (sent to the workers as source text).
 */
function takeChunk(
  control: Int32Array,
  queues: number,
  t: number,
  T: number,
  C: number,
  generation: number,
): number {
  for (let q = 0; q < T; q++) {
    const u = (t + q) % T;
    for (;;) {
      const next = Atomics.load(control, queues + u);
      const i = next - generation;
      if (i < 0 || i >= C) break;
      if (Atomics.compareExchange(control, queues + u, next, next + 1) === next) return u * C + i;
    }
  }
  return -1;
}

/** What a worker is started with. */
interface ThreadInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  args: SharedArrayBuffer;
  scratch: number;
  spinMs: number;
  /** This worker's thread index (the caller is 0) and the number of threads. */
  index: number;
  threads: number;
}

/**
 * A worker's life: instantiate the module on the shared memory, report ready, then take chunks of each job until
 * told to quit. Self-contained like `runSlice` (sent as source text).
 */
function threadMain(
  init: ThreadInit,
  post: (message: string) => void,
  slice: typeof runSlice,
  helpers: SliceHelpers,
  take: typeof takeChunk,
  slots: Record<
    'SEQ' | 'QUIT' | 'SLEEPERS' | 'QUEUES' | 'CHUNKS' | 'COMPLETED' | 'OK' | 'FAILED' | 'CALLER_SLEEPS',
    number
  >,
): void {
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  const x = instance.exports as unknown as KernelExports;
  x.setScratch(init.scratch);
  const control = new Int32Array(init.control);
  const args = new Float64Array(init.args);
  let seen = Atomics.load(control, slots.SEQ);
  post('ready');
  for (;;) {
    // Spin a little (the next job of a training step is microseconds away), then sleep until notified.
    const spinUntil = performance.now() + init.spinMs;
    let spins = 0;
    while (Atomics.load(control, slots.SEQ) === seen) {
      if (++spins % 256 === 0 && performance.now() > spinUntil) {
        Atomics.add(control, slots.SLEEPERS, 1);
        Atomics.wait(control, slots.SEQ, seen);
        Atomics.sub(control, slots.SLEEPERS, 1);
      }
    }
    seen = Atomics.load(control, slots.SEQ);
    if (Atomics.load(control, slots.QUIT) !== 0) return;
    const generation = (seen & 0x7fff) * 65536;
    const chunks = Atomics.load(control, slots.CHUNKS);
    const perThread = chunks / init.threads;
    for (
      let c = take(control, slots.QUEUES, init.index, init.threads, perThread, generation);
      c >= 0;
      c = take(control, slots.QUEUES, init.index, init.threads, perThread, generation)
    ) {
      try {
        if (slice(x, args, c, chunks, helpers) !== 1) Atomics.store(control, slots.OK, 0);
      } catch (e) {
        Atomics.store(control, slots.FAILED, 1);
        post(`failed: ${String((e as Error)?.message ?? e)}`);
      }
      if (
        Atomics.add(control, slots.COMPLETED, 1) === chunks - 1 &&
        Atomics.load(control, slots.CALLER_SLEEPS)
      )
        Atomics.notify(control, slots.COMPLETED);
    }
  }
}

const slotsText = JSON.stringify({
  SEQ,
  QUIT,
  SLEEPERS,
  QUEUES,
  CHUNKS,
  COMPLETED,
  OK,
  FAILED,
  CALLER_SLEEPS,
});
// Dynamic import: an eval worker runs as CommonJS or, under `node --input-type=module`, as an ES module.
const nodeSource = `import('node:worker_threads').then(({ workerData, parentPort }) =>
  (${threadMain.toString()})(workerData, (m) => parentPort.postMessage(m), ${runSlice.toString()}, { lo: ${partLo.toString()}, hi: ${partHi.toString()}, gemm: ${gemmPart.toString()} }, ${takeChunk.toString()}, ${slotsText}));`;
const browserSource = `self.onmessage = (e) => {
  self.onmessage = null;
  (${threadMain.toString()})(e.data, (m) => self.postMessage(m), ${runSlice.toString()}, { lo: ${partLo.toString()}, hi: ${partHi.toString()}, gemm: ${gemmPart.toString()} }, ${takeChunk.toString()}, ${slotsText});
};`;

/** What a worker says after it started: an error text from a failed chunk, or that it ended. */
interface WorkerEvents {
  message(text: string): void;
  died(why: string): void;
}

/** A started worker, Node's or the browser's. */
interface WorkerHandle {
  terminate(): void;
}

type NodeWorkerCtor = new (
  source: string,
  options: { eval: true; workerData: ThreadInit },
) => {
  on(event: 'message' | 'error' | 'exit', listener: (value: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
};

/** The globals `threadSupport` looks at. */
export interface ThreadEnvironment {
  SharedArrayBuffer?: unknown;
  Atomics?: unknown;
  crossOriginIsolated?: boolean;
  window?: unknown;
  document?: unknown;
  process?: { versions?: { node?: string } };
}

/** Where threads can run, and why not when they cannot (`g`: the globals, replaceable in tests). */
export function threadSupport(
  g: ThreadEnvironment = globalThis as ThreadEnvironment,
): { ok: true } | { ok: false; reason: string } {
  const isolation =
    'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  if (typeof g.SharedArrayBuffer !== 'function' || typeof g.Atomics !== 'object')
    return {
      ok: false,
      reason:
        g.crossOriginIsolated === false
          ? `SharedArrayBuffer is unavailable: ${isolation}`
          : 'SharedArrayBuffer is unavailable in this runtime',
    };
  if (g.process?.versions?.node) return { ok: true };
  if (g.crossOriginIsolated === false) return { ok: false, reason: isolation };
  if (typeof g.window !== 'undefined' && typeof g.document !== 'undefined')
    return {
      ok: false,
      reason:
        "the browser's main thread may not block in Atomics.wait: load the kernels in a Web Worker to use threads",
    };
  return { ok: true };
}

/** The calling thread's side of the pool. */
export class ThreadPool {
  private readonly control: Int32Array;
  /** The job's arguments (argument 0 is the job code), written by `job`. */
  private readonly args: Float64Array;
  private disposed = false;
  /** Jobs run so far (kernel calls split into chunks). */
  jobs = 0;
  /** The last error a worker reported. */
  private workerError: string | null = null;
  /** False while the split is forced (thresholds of 0: every call a job, as the thread tests want). */
  adaptive = true;
  /** A decaying count of recent jobs where the caller waited long for another thread's chunk. */
  private strikes = 0;
  /** Jobs left to run on the caller alone before the workers are tried again. */
  private solo = 0;

  private constructor(
    private readonly x: KernelExports,
    readonly threads: number,
    control: SharedArrayBuffer,
    args: SharedArrayBuffer,
    private readonly workers: WorkerHandle[],
    /** How long the caller spins on a count before it sleeps (0 when there are more threads than cores). */
    private readonly spinMs: number,
  ) {
    this.control = new Int32Array(control);
    this.args = new Float64Array(args);
  }

  /**
   * Starts `threads − 1` workers on `module` and `memory`; `scratch(i)` gives worker i its GEMM scratch; after a job
   * each worker spins `spinMs` before it sleeps (0 when there are more threads than cores: a spinning thread would
   * take the core another one needs). Resolves when every worker has instantiated the module.
   */
  static async start(
    x: KernelExports,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    threads: number,
    scratch: (index: number) => number,
    spinMs: number,
  ): Promise<ThreadPool> {
    if (!Number.isInteger(threads) || threads < 2 || threads > MAX_THREADS)
      throw new RangeError(`ThreadPool: threads must be an integer from 2 to ${MAX_THREADS}, got ${threads}`);
    const control = new SharedArrayBuffer(CONTROL_INTS * 4);
    const args = new SharedArrayBuffer(ARG_SLOTS * 8);
    const inits: ThreadInit[] = [];
    for (let index = 1; index < threads; index++)
      inits.push({ module, memory, control, args, scratch: scratch(index), spinMs, index, threads });
    const isNode = Boolean(
      (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node,
    );
    const events: WorkerEvents = { message: () => {}, died: () => {} };
    const workers = isNode ? await startNodeWorkers(inits, events) : await startWebWorkers(inits, events);
    const pool = new ThreadPool(x, threads, control, args, workers, spinMs > 0 ? 0.2 : 0);
    events.message = (text) => {
      if (text.startsWith('failed: ')) pool.workerError = text.slice('failed: '.length);
    };
    events.died = (why) => {
      if (pool.disposed) return;
      // Noticed between calls (this thread's event loop does not run during a job): the caller runs every call
      // alone from now on — the one-call kernels, the same bits — as the remaining threads could not cover it.
      pool.workerError = why;
      pool.lost = true;
    };
    return pool;
  }

  /**
   * Writes a job — its code and its arguments, in the order `runSlice` reads them (unused ones 0) — and runs it.
   * Fixed parameters rather than a rest array: a job allocates nothing.
   */
  job(
    op: Op,
    a1 = 0,
    a2 = 0,
    a3 = 0,
    a4 = 0,
    a5 = 0,
    a6 = 0,
    a7 = 0,
    a8 = 0,
    a9 = 0,
    a10 = 0,
    a11 = 0,
    a12 = 0,
    a13 = 0,
    a14 = 0,
    a15 = 0,
    a16 = 0,
  ): number {
    const g = this.args;
    g[0] = op;
    g[1] = a1;
    g[2] = a2;
    g[3] = a3;
    g[4] = a4;
    g[5] = a5;
    g[6] = a6;
    g[7] = a7;
    g[8] = a8;
    g[9] = a9;
    g[10] = a10;
    g[11] = a11;
    g[12] = a12;
    g[13] = a13;
    g[14] = a14;
    g[15] = a15;
    g[16] = a16;
    return this.run();
  }

  /**
   * Runs the job in `args`, in chunks taken by every thread, this one included; returns 1 if every chunk returned 1
   * (0: an update or a check found a non-finite value).
   */
  private run(): number {
    if (this.disposed) throw new Error('the kernels were disposed: their thread pool has ended');
    this.jobs++;
    const c = this.control;
    const chunks = this.threads * CHUNKS_PER_THREAD;
    const t0 = performance.now();
    const seq = (Atomics.load(c, SEQ) + 1) | 0;
    const generation = (seq & 0x7fff) * 65536;
    Atomics.store(c, CHUNKS, chunks);
    Atomics.store(c, COMPLETED, 0);
    Atomics.store(c, OK, 1);
    Atomics.store(c, FAILED, 0);
    for (let t = 0; t < this.threads; t++) Atomics.store(c, QUEUES + t, generation);
    Atomics.store(c, SEQ, seq);
    if (Atomics.load(c, SLEEPERS) > 0) Atomics.notify(c, SEQ);
    let thrown: unknown = null;
    const T = this.threads;
    for (
      let k = takeChunk(c, QUEUES, 0, T, CHUNKS_PER_THREAD, generation);
      k >= 0;
      k = takeChunk(c, QUEUES, 0, T, CHUNKS_PER_THREAD, generation)
    ) {
      try {
        if (runSlice(this.x, this.args, k, chunks, helpers) !== 1) Atomics.store(c, OK, 0);
      } catch (e) {
        if (thrown === null) thrown = e;
      }
      Atomics.add(c, COMPLETED, 1);
    }
    // The chunks others took are being computed (or their thread was preempted).
    const mine = performance.now();
    this.waitFor(COMPLETED, chunks);
    const end = performance.now();
    // Waiting a third of a job for others, in one job of two or more lately, means they are not getting a core (a
    // busy machine): run the next 64 jobs alone, then try again. (Each such job counts +1, each other job −¼.)
    if (end - mine > (end - t0) / 3) {
      this.strikes += 1;
      if (this.strikes >= 3) {
        this.strikes = 0;
        this.solo = 64;
      }
    } else this.strikes = Math.max(0, this.strikes - 0.25);
    if (thrown !== null) throw thrown;
    if (Atomics.load(c, FAILED) === 1)
      throw new Error(
        `chainrule thread pool: a worker's chunk of the ${jobNames[this.args[0] as number] ?? 'unknown'} job threw (its message follows on the worker's channel${this.workerError ? `; the last one: ${this.workerError}` : ''})`,
      );
    return Atomics.load(c, OK);
  }

  /**
   * Whether the next split call should run on the pool: false while the machine is busy (other processes, a
   * browser's other threads) and the caller runs calls alone — the one-call kernel, the same bits — before it tries
   * the workers again.
   */
  take(): boolean {
    if (this.lost) return false;
    if (this.solo === 0 || !this.adaptive) return true;
    this.solo--;
    return false;
  }

  /** A worker has ended: every call runs on the caller alone from now on. */
  private lost = false;

  /** Spins until control[slot] reaches `target`, sleeping after `spinMs` (for a worker the OS has not scheduled). */
  private waitFor(slot: number, target: number): void {
    const c = this.control;
    let spins = 0;
    let until = 0;
    for (let v = Atomics.load(c, slot); v < target; v = Atomics.load(c, slot)) {
      if ((++spins & 255) !== 0) continue;
      const now = performance.now();
      if (until === 0) until = now + this.spinMs;
      else if (now > until) {
        Atomics.store(c, CALLER_SLEEPS, 1);
        Atomics.wait(c, slot, v, 1);
        Atomics.store(c, CALLER_SLEEPS, 0);
      }
    }
  }

  /** Ends the workers. The kernels cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.control, QUIT, 1);
    Atomics.add(this.control, SEQ, 1);
    Atomics.notify(this.control, SEQ);
    for (const w of this.workers) w.terminate();
  }
}

async function startNodeWorkers(inits: ThreadInit[], events: WorkerEvents): Promise<WorkerHandle[]> {
  // Built at run time so browser bundlers leave it alone.
  const specifier = 'node:worker_threads';
  const { Worker } = (await import(/* @vite-ignore */ specifier)) as { Worker: NodeWorkerCtor };
  const started = inits.map((init) => {
    const worker = new Worker(nodeSource, { eval: true, workerData: init });
    let started = false;
    const ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (m) => {
        if (m === 'ready') {
          started = true;
          resolve();
        } else events.message(String(m));
      });
      worker.on('error', (e) => {
        if (started) events.died(`a kernel thread failed: ${String((e as Error)?.message ?? e)}`);
        else reject(e);
      });
      worker.on('exit', (code) => {
        if (started) events.died(`a kernel thread exited with code ${String(code)}`);
        else reject(new Error(`a kernel thread exited with code ${String(code)} while starting`));
      });
    });
    return { worker, ready };
  });
  try {
    await Promise.all(started.map((s) => s.ready));
  } catch (e) {
    for (const s of started) void s.worker.terminate();
    throw e;
  }
  // A process that uses the kernels exits by itself: once started, idle workers do not keep it alive. (Not before:
  // the process would end while awaiting their 'ready'.)
  for (const s of started) s.worker.unref();
  return started.map((s) => ({ terminate: () => void s.worker.terminate() }));
}

async function startWebWorkers(inits: ThreadInit[], events: WorkerEvents): Promise<WorkerHandle[]> {
  const g = globalThis as unknown as {
    Worker: new (
      url: string,
    ) => {
      postMessage(m: unknown): void;
      terminate(): void;
      onmessage: ((e: { data: unknown }) => void) | null;
      onerror: ((e: { message?: string }) => void) | null;
    };
    Blob: new (parts: string[], options: { type: string }) => unknown;
    URL: { createObjectURL(blob: unknown): string; revokeObjectURL(url: string): void };
  };
  const url = g.URL.createObjectURL(new g.Blob([browserSource], { type: 'text/javascript' }));
  const workers: InstanceType<typeof g.Worker>[] = [];
  try {
    for (let i = 0; i < inits.length; i++) workers.push(new g.Worker(url));
    await Promise.all(
      workers.map(
        (w, i) =>
          new Promise<void>((resolve, reject) => {
            let started = false;
            w.onmessage = (e) => {
              if (e.data === 'ready') {
                started = true;
                resolve();
              } else events.message(String(e.data));
            };
            w.onerror = (e) => {
              if (started)
                events.died(`a kernel thread failed: ${e.message ?? 'an error without a message'}`);
              else
                reject(
                  new Error(
                    `a kernel thread failed to start: ${e.message ?? 'no message (a Content-Security-Policy that does not allow worker-src blob: blocks it)'}`,
                  ),
                );
            };
            w.postMessage(inits[i]);
          }),
      ),
    );
  } catch (e) {
    for (const w of workers) w.terminate();
    throw e;
  } finally {
    g.URL.revokeObjectURL(url);
  }
  return workers;
}
