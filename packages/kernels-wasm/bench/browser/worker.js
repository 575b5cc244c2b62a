// A measuring worker of the browser bench. A classic worker, not a module worker: TensorFlow.js ships UMD bundles,
// which a classic worker loads with importScripts (module workers have none), while our ESM packages come in by
// dynamic import(), which classic workers have too. A dedicated worker may block, so our threaded kernels can wait in
// Atomics.wait here (a page's main thread may not), and TensorFlow.js's pthreads build can start its threads.
//
// Roles (the page starts one worker per role, so each TensorFlow.js configuration gets its own copy of TF.js — its
// wasm backend picks threads or not once, at init):
//   { role: 'ours', threadCounts }  our kernels: plain SIMD and relaxed SIMD on 1 thread, relaxed on each count
//   { role: 'tf', threads }         TensorFlow.js's wasm backend (SIMD), threads off (0) or on `threads` threads
//
// Messages in: init, setup (build and calibrate a case's candidates), round (time one candidate), teardown, stats.
// Out: { id, ok, out } or { id, ok: false, error }.

let cases;
/** name → { fn, free?, inner } for the current case. */
let live = new Map();
/** Our loaded kernels by candidate name. */
const kernels = {};
let roundMs = 40;

async function init(m) {
  roundMs = m.roundMs;
  const core = await import('/core/dist/index.js');
  cases = await import('/bench/cases.mjs');
  if (m.role === 'tf') return initTf(m, core);
  cases.bind(core, undefined);
  const { loadWasmKernels } = await import('/kernels-wasm/dist/index.js');
  kernels.simd1 = await loadWasmKernels({ variant: 'simd' });
  let relaxedError = null;
  kernels.relaxed1 = await loadWasmKernels({ variant: 'relaxed-simd' }).catch((e) => {
    relaxedError = String(e.message ?? e);
    return null;
  });
  // Where relaxed SIMD does not validate, the thread candidates run the plain build (and are labelled so).
  const threadVariant = kernels.relaxed1 ? 'relaxed-simd' : 'simd';
  for (const n of m.threadCounts) {
    const k = await loadWasmKernels({ variant: threadVariant, threads: n });
    if (k.threads !== n)
      throw new Error(
        `our kernels asked for ${n} threads in a cross-origin isolated worker but run on ${k.threads}: ${k.threadsNote}`,
      );
    kernels[`ours${n}t`] = k;
  }
  return {
    relaxedValidated: kernels.relaxed1 !== null,
    relaxedError,
    candidates: Object.entries(kernels)
      .filter(([, k]) => k)
      .map(([name, k]) => ({
        name,
        label: `ours ${k.variant === 'relaxed-simd' ? 'relaxed SIMD' : 'SIMD'}, ${k.threads} thread${k.threads === 1 ? '' : 's'}`,
        kernels: k.name,
        variant: k.variant,
        threads: k.threads,
        note: k.threadsNote,
      })),
  };
}

/** TensorFlow.js's wasm backend with `m.threads` threads (0: threads off), and proof that it is what runs. */
async function initTf(m, core) {
  // TF.js caps its XNNPACK pool at navigator.hardwareConcurrency / 2 (it assumes two hardware threads per core);
  // where that leaves fewer threads than asked, the page retries with this worker told of more logical cores.
  if (m.reportCores) Object.defineProperty(self.navigator, 'hardwareConcurrency', { value: m.reportCores });
  importScripts('/tfjs/tf.min.js', '/tfjs-backend-wasm/tf-backend-wasm.min.js');
  const tf = self.tf;
  cases.bind(core, tf);
  tf.wasm.setWasmPaths(`${self.location.origin}/tfjs-backend-wasm/`);
  const canThread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  if (m.threads === 0) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  else tf.wasm.setThreadsCount(m.threads);
  const ok = await tf.setBackend('wasm');
  if (ok !== true) throw new Error(`TensorFlow.js: setBackend('wasm') returned ${ok}`);
  await tf.ready();
  if (tf.getBackend() !== 'wasm' || !(tf.backend() instanceof tf.wasm.BackendWasm))
    throw new Error(`TensorFlow.js: asked for the wasm backend, but '${tf.getBackend()}' is active`);
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  if (!simd) throw new Error('TensorFlow.js: its wasm backend runs without SIMD here');
  const threadsFlag = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  const threads = tf.wasm.getThreadsCount();
  // The pthreads the module started (the XNNPACK pool's threads other than this one).
  const pthreads = tf.backend().wasm.PThread?.runningWorkers?.length ?? 0;
  const name = m.threads === 0 ? 'tf1' : `tf${m.threads}t`;
  return {
    version: tf.version_core,
    canThread,
    candidates: [
      {
        name,
        label: `TF.js wasm, ${threads} thread${threads === 1 ? '' : 's'}`,
        backend: tf.getBackend(),
        simd,
        threadsFlag,
        threads,
        pthreads,
        reportedCores: m.reportCores ?? null,
      },
    ],
  };
}

function setup(m) {
  for (const c of live.values()) c.free?.();
  live = new Map();
  if (m.case.kind === 'matmul') {
    if (self.tf) live.set(m.candidates[0], cases.tfMatmul(m.case.shape));
    else for (const name of m.candidates) live.set(name, cases.ourMatmul(kernels[name], m.case.shape));
  } else {
    const [, sizes, hidden, output, loss, batch, lr] = m.case.step;
    if (self.tf) live.set(m.candidates[0], { fn: cases.tfStep(sizes, hidden, output, batch, lr) });
    else
      for (const name of m.candidates)
        live.set(name, { fn: cases.ourStep(kernels[name], sizes, hidden, output, loss, batch, lr) });
  }
  // Calibrate as bench/run.mjs does: one warm-up call, then as many calls as fill a round.
  const inner = {};
  for (const [name, c] of live) {
    c.fn();
    const t0 = performance.now();
    c.fn();
    const once = Math.max(performance.now() - t0, 1e-4);
    c.inner = Math.max(1, Math.round(roundMs / once));
    inner[name] = c.inner;
  }
  return inner;
}

function round(m) {
  const c = live.get(m.name);
  if (!c) throw new Error(`no candidate ${m.name} in this worker`);
  const t0 = performance.now();
  for (let i = 0; i < c.inner; i++) c.fn();
  return (performance.now() - t0) / c.inner;
}

function stats() {
  const out = {};
  for (const [name, k] of Object.entries(kernels))
    if (k) out[name] = { threads: k.threads, threadedCalls: k.threadedCalls, name: k.name };
  return out;
}

const handlers = {
  init,
  setup,
  round,
  stats,
  teardown: () => {
    for (const c of live.values()) c.free?.();
    live = new Map();
    for (const k of Object.values(kernels)) k?.dispose?.();
    return true;
  },
};

self.onmessage = async (e) => {
  const m = e.data;
  try {
    const handler = handlers[m.type];
    if (!handler) throw new Error(`unknown message ${m.type}`);
    self.postMessage({ id: m.id, ok: true, out: await handler(m) });
  } catch (err) {
    self.postMessage({ id: m.id, ok: false, error: String(err?.stack ?? err) });
  }
};
