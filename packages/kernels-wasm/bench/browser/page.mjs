// The browser bench's page: checks that it is cross-origin isolated, starts one measuring worker per role
// (worker.js: our kernels; TensorFlow.js wasm with threads off; TensorFlow.js wasm threaded), and runs every case
// with all candidates interleaved round by round (a, b, c, a, b, c, …) as bench/run.mjs does, so drift in machine
// load hits all alike. Only one worker measures at a time. Leaves the result in `window.benchResult` (or the
// reason it failed in `window.benchError`) for bench/browser/run.mjs.
import { loadWasmKernels } from '@chainrule/kernels-wasm';

const params = new URLSearchParams(location.search);
const quick = params.has('quick');
const rounds = Number(params.get('rounds') ?? (quick ? 5 : 11));
const roundMs = Number(params.get('roundMs') ?? (quick ? 15 : 40));

const statusEl = document.getElementById('status');
const logEl = document.getElementById('log');
const log = (line) => {
  console.log(`[bench] ${line}`);
  logEl.textContent += `${line}\n`;
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A worker of worker.js with a promise per message. */
function startWorker(name) {
  const worker = new Worker('/bench/worker.js', { name });
  const pending = new Map();
  let next = 0;
  const failAll = (error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.onmessage = (e) => {
    const { id, ok, out, error } = e.data;
    const p = pending.get(id);
    pending.delete(id);
    if (ok) p?.resolve(out);
    else p?.reject(new Error(`worker ${name}: ${error}`));
  };
  worker.onerror = (e) => failAll(new Error(`worker ${name}: ${e.message ?? 'failed'}`));
  const call = (type, message = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, type, id });
    });
  return { name, call, terminate: () => worker.terminate(), candidates: [] };
}

async function run() {
  if (crossOriginIsolated !== true || typeof SharedArrayBuffer !== 'function')
    throw new Error(
      `this page is not cross-origin isolated (crossOriginIsolated = ${String(self.crossOriginIsolated)}): serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp`,
    );
  const cores = navigator.hardwareConcurrency;
  const threadCounts = [...new Set([2, Math.min(cores, 8)])];
  log(`cross-origin isolated; ${cores} cores; ${rounds} rounds of ~${roundMs} ms; threads ${threadCounts}`);

  // The page's main thread may not block, so threads here must fall back to one, saying why.
  const onMain = await loadWasmKernels({ threads: 2 });
  const mainThread = { threads: onMain.threads, note: onMain.threadsNote, variant: onMain.variant };
  onMain.dispose();

  const workers = [];
  const notes = [];
  // Started one after another: each loads and compiles its modules without competing for the cores.
  const ours = startWorker('ours');
  workers.push(ours);
  const oursInfo = await ours.call('init', { role: 'ours', threadCounts, roundMs });
  ours.candidates = oursInfo.candidates;
  log(`ours: ${oursInfo.candidates.map((c) => c.label).join('; ')}`);
  let tfVersion = null;
  let tfCanThread = null;
  /** A TensorFlow.js worker with `threads` threads (0: off), or null with a note when it does not start. */
  const startTf = async (threads, reportCores) => {
    const w = startWorker(threads === 0 ? 'tf-1' : `tf-${threads}t${reportCores ? `-hc${reportCores}` : ''}`);
    w.reportCores = reportCores;
    try {
      const info = await w.call('init', { role: 'tf', threads, reportCores, roundMs });
      tfVersion = info.version;
      tfCanThread = info.canThread;
      return { w, c: info.candidates[0] };
    } catch (e) {
      notes.push(
        `TensorFlow.js wasm with ${threads || 'no'} threads failed to start in a worker: ${e.message.split('\n')[0]}.`,
      );
      w.terminate();
      return null;
    }
  };
  for (const threads of [0, ...threadCounts]) {
    let started = await startTf(threads);
    if (started && threads > 0 && started.c.threads !== threads) {
      notes.push(
        `\`tf.wasm.setThreadsCount(${threads})\` alone gave TensorFlow.js ${started.c.threads} thread${started.c.threads === 1 ? '' : 's'}: it caps its pool at navigator.hardwareConcurrency / 2 (${cores} / 2 here), so its ${threads}-thread worker reports ${2 * threads} cores to it.`,
      );
      started.w.terminate();
      started = await startTf(threads, 2 * threads);
    }
    if (!started) continue;
    const { w, c } = started;
    if (threads > 0 && (!c.threadsFlag || c.threads !== threads || c.pthreads < threads - 1)) {
      notes.push(
        `TensorFlow.js wasm asked for ${threads} threads ran ${c.threads} (WASM_HAS_MULTITHREAD_SUPPORT ${c.threadsFlag}, ${c.pthreads} pthreads running): its column is left out.`,
      );
      w.terminate();
      continue;
    }
    w.candidates = [c];
    if (threads > 0) {
      // Measured in a phase of its own, its worker started for each case and ended after (see `measure`).
      w.terminate();
      w.restart = () => startTf(threads, started.w.reportCores);
      w.threaded = true;
    }
    workers.push(w);
    log(
      `${c.label}: backend ${c.backend}, SIMD ${c.simd}, WASM_HAS_MULTITHREAD_SUPPORT ${c.threadsFlag}, getThreadsCount() ${c.threads}, pthreads running ${c.pthreads}`,
    );
  }
  const candidates = workers.flatMap((w) => w.candidates.map((c) => ({ ...c, worker: w })));
  const { matmulShapes, stepCases } = await import('/bench/cases.mjs');

  /**
   * Runs one case on every candidate, interleaved; returns median ms per call by candidate name. TensorFlow.js's
   * threaded backend, even idle, slows every other thread pool in the page (measured here: our 2-thread
   * 784-128-64-10 step 0.46 ms alone, 0.93 ms beside an idle TF.js threaded worker; a TF.js 1-thread worker changes
   * nothing), so its candidates run after the others, each in a worker started for the case and ended after it.
   */
  const measure = async (theCase) => {
    const together = candidates.filter((c) => !c.worker.threaded);
    for (const w of workers.filter((w) => !w.threaded))
      await w.call('setup', { case: theCase, candidates: w.candidates.map((c) => c.name) });
    const samples = Object.fromEntries(candidates.map((c) => [c.name, []]));
    for (let r = 0; r < rounds; r++)
      for (const c of together) samples[c.name].push(await c.worker.call('round', { name: c.name }));
    for (const w of workers.filter((w) => w.threaded)) {
      const started = await w.restart();
      if (!started) throw new Error(`${w.name} did not start again for ${theCase.kind}`);
      const c = w.candidates[0];
      await started.w.call('setup', { case: theCase, candidates: [c.name] });
      for (let r = 0; r < rounds; r++) samples[c.name].push(await started.w.call('round', { name: c.name }));
      await started.w.call('teardown');
      started.w.terminate();
    }
    return Object.fromEntries(Object.entries(samples).map(([name, xs]) => [name, median(xs)]));
  };

  const matmul = [];
  for (const shape of matmulShapes(quick)) {
    statusEl.textContent = `matmul ${shape[0]}…`;
    const [label, M, K, N] = shape;
    const ms = await measure({ kind: 'matmul', shape });
    matmul.push({ label, flops: 2 * M * K * N, ms });
    log(
      `matmul ${label}: ${Object.entries(ms)
        .map(([k, v]) => `${k} ${v.toFixed(3)} ms`)
        .join(', ')}`,
    );
  }
  const steps = [];
  for (const step of stepCases) {
    statusEl.textContent = `step ${step[0]}…`;
    const ms = await measure({ kind: 'step', step });
    steps.push({ label: step[0], ms });
    log(
      `step ${step[0]}: ${Object.entries(ms)
        .map(([k, v]) => `${k} ${v.toFixed(4)} ms`)
        .join(', ')}`,
    );
  }
  const stats = await ours.call('stats');
  for (const w of workers.filter((w) => !w.threaded)) {
    await w.call('teardown');
    w.terminate();
  }
  return {
    crossOriginIsolated,
    userAgent: navigator.userAgent,
    cores,
    threadCounts,
    rounds,
    roundMs,
    quick,
    relaxedValidated: oursInfo.relaxedValidated,
    relaxedError: oursInfo.relaxedError,
    mainThread,
    tfVersion,
    tfCanThread,
    candidates: candidates.map(({ worker, ...c }) => ({ ...c, worker: worker.name })),
    notes,
    matmul,
    steps,
    stats,
  };
}

run().then(
  (result) => {
    statusEl.textContent = 'done';
    window.benchResult = result;
  },
  (e) => {
    statusEl.textContent = `failed: ${e.message}`;
    statusEl.className = 'error';
    console.error(`[bench] ${e.stack ?? e}`);
    window.benchError = String(e.message ?? e);
  },
);
