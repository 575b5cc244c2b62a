// pnpm bench: chainrule's WebAssembly kernels on 1, 2, … threads against TensorFlow.js (WebAssembly backend; CPU
// backend), our own JS kernels and a naive JS triple loop — all in this one process, candidates interleaved
// round by round, medians reported — and numpy/OpenBLAS on one core as the native reference (a child process).
// Prints markdown tables and writes them into README.md between its bench markers (not with `--quick` or
// `--no-write`).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { numpyReference } from './numpy.mjs';

// Lets this process validate the relaxed-SIMD build too, shown as an extra column (the targets use plain SIMD).
setFlagsFromString('--experimental-wasm-relaxed-simd');

const core = await import('@chainrule/core');
const { Dense, jsKernels, Matrix, Sequential } = core;
const { loadWasmKernels } = await import('../dist/index.js');
const require = createRequire(import.meta.url);
// The union package: tfjs-core with its gradients registered and the CPU backend, as an app would use it.
const tf = require('@tensorflow/tfjs');
const tfwasm = require('@tensorflow/tfjs-backend-wasm');
const brain = require('brain.js');
// The matrices and the training step both benches time, one copy (the browser bench builds them in its workers).
const { bind, filled, ourStep, stepCases, tfStep } = await import('./browser/cases.mjs');
bind(core, tf);

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 5 : 11;
const ROUND_MS = quick ? 15 : 40;

tfwasm.setWasmPaths(
  `${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'))}/`,
);
// TF.js decides itself whether its wasm backend can use threads here; in Node it cannot (its pthreads build starts
// its workers from blob: URLs, which Node's worker_threads refuse), and the tables say so.
const tfThreadsInNode = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

/**
 * Switches TensorFlow.js to `name` and proves it took: setBackend resolves false (and TF.js quietly keeps the
 * backend it had) when the backend fails to initialize, so unchecked, a "TF.js wasm" column could be timing the
 * CPU backend. Every switch goes through here; none is reported without it.
 */
async function useBackend(name) {
  const ok = await tf.setBackend(name);
  if (ok !== true)
    throw new Error(
      `TensorFlow.js: setBackend('${name}') returned ${ok}; its ${name} backend failed to initialize`,
    );
  await tf.ready();
  const active = tf.getBackend();
  if (active !== name)
    throw new Error(
      `TensorFlow.js: asked for the '${name}' backend, but '${active}' is active — refusing to report it`,
    );
}

await useBackend('wasm');
if (!(tf.backend() instanceof tfwasm.BackendWasm))
  throw new Error("TensorFlow.js: the 'wasm' backend is not @tensorflow/tfjs-backend-wasm's BackendWasm");
if (!tf.env().getBool('WASM_HAS_SIMD_SUPPORT'))
  throw new Error('TensorFlow.js WebAssembly backend without SIMD');
if (tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'))
  throw new Error('TensorFlow.js WebAssembly backend with threads (meant off)');
await useBackend('cpu');
await useBackend('wasm');
const tfCpuEngine = () => useBackend('cpu');
const tfWasmEngine = () => useBackend('wasm');

const simd = await loadWasmKernels({ variant: 'simd' });
const relaxed = await loadWasmKernels({ variant: 'relaxed-simd' }).catch(() => null);
// The thread columns: 2 threads, and every core if there are more than 2.
const cores = os.availableParallelism();
const threadCounts = [...new Set([2, Math.min(cores, 8)])];
const threaded = {};
for (const n of threadCounts) {
  threaded[`wasm${n}`] = await loadWasmKernels({ variant: 'simd', threads: n });
  threaded[`relaxed${n}`] = relaxed ? await loadWasmKernels({ variant: 'relaxed-simd', threads: n }) : null;
}
/** Our candidates beyond the 1-thread plain build, for a table's `compare`: `make(kernels)` builds the call. */
const threadCandidates = (make) =>
  Object.entries(threaded).map(([name, k]) => ({ name, fn: k ? make(k) : null }));

// ——— measurement ———

/** Calibrates how many calls fill one round, then times ROUNDS rounds; returns per-call times (ms). */
function calibrate(fn, slow) {
  fn();
  const t0 = performance.now();
  fn();
  const once = Math.max(performance.now() - t0, 1e-4);
  return slow ? 1 : Math.max(1, Math.round(ROUND_MS / once));
}

/**
 * Runs every candidate for `rounds` rounds, interleaved (a, b, c, a, b, c, …) so drift in machine load hits all
 * alike, and returns each one's median ms per call.
 */
async function compare(candidates, { rounds = ROUNDS } = {}) {
  const live = candidates.filter((c) => c.fn);
  for (const c of live) {
    await c.setup?.();
    c.inner = calibrate(c.fn, c.slow);
    c.samples = [];
  }
  for (let r = 0; r < rounds; r++) {
    for (const c of live) {
      // The slow ones (a naive loop at 1024³) get 3 rounds; the others all of them.
      if (c.slow && r >= 3) continue;
      await c.setup?.();
      const t0 = performance.now();
      for (let i = 0; i < c.inner; i++) c.fn();
      c.samples.push((performance.now() - t0) / c.inner);
    }
  }
  const out = {};
  for (const c of candidates) out[c.name] = c.fn ? median(c.samples) : Number.NaN;
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const ratio = (a, b) =>
  Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(a / b >= 10 ? 0 : 2)}×` : '—';

function inKernels(k, m) {
  const out = k.alloc(m.rows, m.cols);
  out.data.set(m.data);
  return out;
}

// ——— the machine's plain-SIMD peak ———

function measurePeak() {
  const bytes = readFileSync(new URL('../build/peak-simd.wasm', import.meta.url));
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  // Warm enough for V8 to tier the function up, then the best of 9 runs: a peak is what the core can do, and a
  // median taken while another process held the core (or before tier-up) reads as a low peak and >100% efficiency.
  for (let i = 0; i < 5; i++) exports.peak(5e6);
  const iterations = 2e7;
  const samples = [];
  for (let r = 0; r < 9; r++) {
    const t0 = performance.now();
    exports.peak(iterations);
    samples.push((96 * iterations) / ((performance.now() - t0) * 1e6));
  }
  return Math.max(...samples);
}

// ——— matmul ———

const naive = (A, B, C, M, K, N) => {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[i * K + k] * B[k * N + j];
      C[i * N + j] = s;
    }
  }
};

/** form: 'nn' (a·b), 'tn' (aᵀ·b), 'nt' (a·bᵀ); shapes of the stored operands follow. */
async function benchMatmul(label, M, K, N, form = 'nn') {
  const aShape = form === 'tn' ? [K, M] : [M, K];
  const bShape = form === 'nt' ? [N, K] : [K, N];
  const A = filled(...aShape, 1);
  const B = filled(...bShape, 2);
  const op = form === 'nn' ? 'matmul' : form === 'tn' ? 'matmulTransA' : 'matmulTransB';
  const ours = (k) => {
    const a = inKernels(k, A);
    const b = inKernels(k, B);
    const c = k.alloc(M, N);
    return () => k[op](a, b, c);
  };
  const tfCase = (backend) => {
    let a;
    let b;
    return {
      setup: async () => {
        await backend();
        if (!a || a.isDisposed) {
          a = tf.tensor2d(A.data, aShape);
          b = tf.tensor2d(B.data, bShape);
        }
      },
      make: () => () => tf.matMul(a, b, form === 'tn', form === 'nt').dispose(),
    };
  };
  const tfw = tfCase(tfWasmEngine);
  const tfc = tfCase(tfCpuEngine);
  await tfw.setup();
  const flops = 2 * M * K * N;
  const big = flops > 2 * 300 ** 3;
  const C = new Float32Array(M * N);
  const naiveB = form === 'nt' ? transpose(B) : B;
  const naiveA = form === 'tn' ? transpose(A) : A;
  const res = await compare([
    { name: 'wasm', fn: ours(simd) },
    { name: 'relaxed', fn: relaxed ? ours(relaxed) : null },
    ...(big || M * K * N >= 64 * 784 * 128 ? threadCandidates(ours) : []),
    { name: 'tfwasm', setup: tfw.setup, fn: tfw.make() },
    { name: 'tfcpu', setup: tfc.setup, fn: tfc.make(), slow: big },
    { name: 'js', fn: ours(jsKernels), slow: big },
    { name: 'naive', fn: () => naive(naiveA.data, naiveB.data, C, M, K, N), slow: big },
  ]);
  await tfWasmEngine();
  const g = Object.fromEntries(Object.entries(res).map(([k, ms]) => [k, flops / (ms * 1e6)]));
  return { label, g, ms: res };
}

function transpose(m) {
  const t = new Matrix(m.cols, m.rows);
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < m.cols; j++) t.data[j * m.rows + i] = m.data[i * m.cols + j];
  return t;
}

// ——— training steps ———

/** Our gradients without a trace (loss and ∂J/∂W, ∂J/∂b copied out), the model's own batch. */
function ourGradients(kernels, sizes, hidden, output, loss, batch) {
  const layers = sizes
    .slice(1)
    .map((u, i) => new Dense(sizes[i], u, { activation: i === sizes.length - 2 ? output : hidden }));
  const model = new Sequential(layers, { loss, kernels, seed: 1 });
  const X = filled(batch, sizes[0], 3);
  const Y = new Matrix(batch, sizes.at(-1));
  for (let i = 0; i < Y.data.length; i++) Y.data[i] = Math.sin(i);
  return () => model.gradients(X, Y, { trace: false });
}

/** TensorFlow.js's `variableGrads` on the same network: the loss and the gradients read back, nothing applied. */
function tfGradients(sizes, hidden, output, batch) {
  const vars = [];
  for (let i = 1; i < sizes.length; i++) {
    vars.push(tf.variable(tf.randomNormal([sizes[i - 1], sizes[i]], 0, Math.sqrt(2 / sizes[i - 1]))));
    vars.push(tf.variable(tf.zeros([sizes[i]])));
  }
  const x = tf.tensor2d(filled(batch, sizes[0], 3).data, [batch, sizes[0]]);
  const y = tf.tensor2d(
    Float32Array.from({ length: batch * sizes.at(-1) }, (_, i) => Math.sin(i)),
    [batch, sizes.at(-1)],
  );
  const f = () => {
    let a = x;
    for (let l = 0; l < vars.length / 2; l++) {
      const z = tf.add(tf.matMul(a, vars[2 * l]), vars[2 * l + 1]);
      a = l === vars.length / 2 - 1 && output === 'linear' ? z : hidden === 'relu' ? tf.relu(z) : tf.tanh(z);
    }
    return tf.losses.meanSquaredError(y, a);
  };
  return () => {
    const { value, grads } = tf.variableGrads(f, vars);
    value.dataSync();
    for (const g of Object.values(grads)) {
      g.dataSync();
      g.dispose();
    }
    value.dispose();
  };
}

async function benchStep(label, sizes, hidden, output, loss, batch, lr, withBrain) {
  const tfCase = async (backend) => {
    await backend();
    const fn = tfStep(sizes, hidden, output, batch, lr);
    return { setup: backend, fn };
  };
  const tfw = await tfCase(tfWasmEngine);
  const tfc = await tfCase(tfCpuEngine);
  await tfWasmEngine();
  let brainFn = null;
  if (withBrain) {
    const net = new brain.NeuralNetwork({
      hiddenLayers: sizes.slice(1, -1),
      activation: 'tanh',
      learningRate: lr,
    });
    const X = filled(batch, sizes[0], 3);
    const data = Array.from({ length: batch }, (_, i) => ({
      input: Array.from(X.data.subarray(i * sizes[0], (i + 1) * sizes[0])),
      output: [Math.sin(i)],
    }));
    net.train(data, { iterations: 1 });
    const formatted = net.formatData(data);
    brainFn = () => net.trainPatterns(formatted);
  }
  const res = await compare([
    { name: 'wasm', fn: ourStep(simd, sizes, hidden, output, loss, batch, lr) },
    { name: 'relaxed', fn: relaxed ? ourStep(relaxed, sizes, hidden, output, loss, batch, lr) : null },
    ...threadCandidates((k) => ourStep(k, sizes, hidden, output, loss, batch, lr)),
    { name: 'tfwasm', ...tfw },
    { name: 'tfcpu', ...tfc },
    { name: 'js', fn: ourStep(jsKernels, sizes, hidden, output, loss, batch, lr) },
    { name: 'brain', fn: brainFn },
  ]);
  await tfWasmEngine();
  return { label, ms: res };
}

// ——— run and print ———

const lines = [];
const say = (line = '') => {
  console.log(line);
  lines.push(line);
};

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
say(
  `${cpu}, ${cores} cores; Node ${process.versions.node}; TensorFlow.js ${tf.version_core} (wasm backend, SIMD); ${new Date().toISOString().slice(0, 10)}`,
);
say(
  "Backends checked: TensorFlow.js setBackend('wasm') returned true with getBackend() === 'wasm' (BackendWasm, SIMD), and setBackend('cpu') likewise with 'cpu' — re-checked at every switch.",
);
say(
  `TensorFlow.js threads: ${tfThreadsInNode ? 'available' : 'not available in Node'} (its WASM_HAS_MULTITHREAD_SUPPORT check says ${tfThreadsInNode}; its threaded build starts pthreads from blob: URLs, which Node's worker_threads refuse), so its columns are one thread; \`pnpm bench:browser\` has TensorFlow.js threaded in Chromium.`,
);
say(
  `Medians of ${ROUNDS} interleaved rounds (3 for the slow JS candidates at the big sizes). Ratios are ours ÷ theirs (higher is better for us). Our thread columns: ${threadCounts.map((n) => `${n} threads`).join(', ')} (\`loadWasmKernels({ threads })\`).`,
);
say();

const peak = measurePeak();
say(
  `Plain-SIMD peak of this core (12 independent f32x4 mul+add chains, best of 9 runs): **${fmt(peak)} GFLOPS**`,
);
say();

const shapes = [
  ['64³', 64, 64, 64],
  ['128³', 128, 128, 128],
  ['256³', 256, 256, 256],
  ['512³', 512, 512, 512],
  ...(quick ? [] : [['1024³', 1024, 1024, 1024]]),
  ['64×784 · 784×128 (X·W)', 64, 784, 128, 'nn'],
  ['(64×784)ᵀ · 64×128 (Xᵀ·∂Z)', 784, 64, 128, 'tn'],
  ['64×128 · (784×128)ᵀ (∂Z·Wᵀ)', 64, 128, 784, 'nt'],
  ['64×128 · 128×10', 64, 128, 10, 'nn'],
];
const mm = [];
for (const [label, M, K, N, form] of shapes) mm.push(await benchMatmul(label, M, K, N, form));
const numpy = numpyReference(quick);
const np = numpy.error ? null : numpy;

say('### Matmul, one thread, GFLOPS (median)');
say();
say(
  '| shape | chainrule wasm (SIMD) | % of peak | relaxed SIMD | TF.js wasm | TF.js cpu | our JS kernels | naive JS | ×TF.js wasm | ×TF.js cpu | ×our JS | ×naive |',
);
say('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
for (const { label, g } of mm) {
  say(
    `| ${label} | ${fmt(g.wasm)} | ${fmt((100 * g.wasm) / peak, 0)}% | ${fmt(g.relaxed)} | ${fmt(g.tfwasm)} | ${fmt(g.tfcpu, 2)} | ${fmt(g.js, 2)} | ${fmt(g.naive, 2)} | ${ratio(g.wasm, g.tfwasm)} | ${ratio(g.wasm, g.tfcpu)} | ${ratio(g.wasm, g.js)} | ${ratio(g.wasm, g.naive)} |`,
  );
}

say();
say(`### Matmul on threads, and numpy/OpenBLAS on one core, GFLOPS (median)`);
say();
say(
  `| shape | SIMD 1 thread | ${threadCounts.map((n) => `SIMD ${n} threads | relaxed ${n} threads`).join(' | ')} | ×SIMD ${threadCounts[0]} threads ÷ 1 | TF.js wasm (1 thread) | numpy/OpenBLAS 1 core | ours best ÷ TF.js wasm | ours best ÷ numpy |`,
);
say(`|---|--:|${threadCounts.map(() => '--:|--:|').join('')}--:|--:|--:|--:|--:|`);
const threadRows = mm.filter(({ g }) => Number.isFinite(g[`wasm${threadCounts[0]}`]));
for (const { label, g, ms } of threadRows) {
  const npMs = np?.matmul[label];
  const flops = g.wasm * ms.wasm * 1e6;
  const gNp = npMs ? flops / (npMs * 1e6) : Number.NaN;
  const best = Math.max(
    ...Object.entries(g)
      .filter(([k]) => /^(wasm|relaxed)\d*$/.test(k))
      .map(([, v]) => v)
      .filter(Number.isFinite),
  );
  say(
    `| ${label} | ${fmt(g.wasm)} | ${threadCounts.map((n) => `${fmt(g[`wasm${n}`])} | ${fmt(g[`relaxed${n}`])}`).join(' | ')} | ${ratio(g[`wasm${threadCounts[0]}`], g.wasm)} | ${fmt(g.tfwasm)} | ${fmt(gNp)} | ${ratio(best, g.tfwasm)} | ${ratio(best, gNp)} |`,
  );
}

const tiny = await benchMatmul('10×2 · 2×8', 10, 2, 8, 'nn');
say();
say('### Playground-size matmul 10×2 · 2×8, ns per call (median)');
say();
say(
  '| chainrule wasm | relaxed | TF.js wasm | TF.js cpu | our JS kernels | naive JS | ×TF.js wasm | ×our JS | ×naive |',
);
say('|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
const ns = (k) => tiny.ms[k] * 1e6;
say(
  `| ${fmt(ns('wasm'), 0)} | ${fmt(ns('relaxed'), 0)} | ${fmt(ns('tfwasm'), 0)} | ${fmt(ns('tfcpu'), 0)} | ${fmt(ns('js'), 0)} | ${fmt(ns('naive'), 0)} | ${ratio(ns('tfwasm'), ns('wasm'))} | ${ratio(ns('js'), ns('wasm'))} | ${ratio(ns('naive'), ns('wasm'))} |`,
);

// The same cases as the browser bench; brain.js only for the small network (it has no batched large step).
const steps = [];
for (const c of stepCases) steps.push(await benchStep(...c, c[1][0] < 100));
const grads = await (async () => {
  const sizes = [2, 8, 8, 1];
  await tfWasmEngine();
  const tfw = tfGradients(sizes, 'tanh', 'tanh', 10);
  await tfCpuEngine();
  const tfc = tfGradients(sizes, 'tanh', 'tanh', 10);
  await tfWasmEngine();
  return compare([
    { name: 'wasm', fn: ourGradients(simd, sizes, 'tanh', 'tanh', 'mse', 10) },
    { name: 'step', fn: ourStep(simd, sizes, 'tanh', 'tanh', 'mse', 10, 0.03) },
    { name: 'tfwasm', setup: tfWasmEngine, fn: tfw },
    { name: 'tfcpu', setup: tfCpuEngine, fn: tfc },
    { name: 'js', fn: ourGradients(jsKernels, sizes, 'tanh', 'tanh', 'mse', 10) },
  ]);
})();
await tfWasmEngine();

const t = (ms) =>
  !Number.isFinite(ms) ? '—' : ms >= 0.1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`;
say();
say('### Training step (forward + backward + SGD update), median time per step');
say();
say(
  `| network | chainrule SIMD | relaxed | ${threadCounts.map((n) => `SIMD ${n} threads | relaxed ${n} threads`).join(' | ')} | TF.js wasm | TF.js cpu | our JS kernels | brain.js | numpy/OpenBLAS 1 core | ×SIMD ${threadCounts[0]} threads ÷ 1 | ours best ×TF.js wasm | ×TF.js cpu | ×brain.js | ours best ÷ numpy |`,
);
say(`|---|--:|--:|${threadCounts.map(() => '--:|--:|').join('')}--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|`);
const bestOf = (ms) =>
  Math.min(
    ...Object.entries(ms)
      .filter(([k]) => /^(wasm|relaxed)\d*$/.test(k))
      .map(([, v]) => v)
      .filter(Number.isFinite),
  );
for (const { label, ms } of steps) {
  const npMs = label.startsWith('784') ? np?.step : undefined;
  const best = bestOf(ms);
  say(
    `| ${label} | ${t(ms.wasm)} | ${t(ms.relaxed)} | ${threadCounts.map((n) => `${t(ms[`wasm${n}`])} | ${t(ms[`relaxed${n}`])}`).join(' | ')} | ${t(ms.tfwasm)} | ${t(ms.tfcpu)} | ${t(ms.js)} | ${t(ms.brain)} | ${t(npMs ?? Number.NaN)} | ${ratio(ms.wasm, ms[`wasm${threadCounts[0]}`])} | ${ratio(ms.tfwasm, best)} | ${ratio(ms.tfcpu, best)} | ${ratio(ms.brain, best)} | ${npMs ? `${(best / npMs).toFixed(2)}× its time` : '—'} |`,
  );
}
if (!np) say(`\nnumpy reference unavailable: ${numpy.error}`);
else
  say(
    `\nnumpy ${np.numpy} with OpenBLAS on one core (OPENBLAS_NUM_THREADS=1; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset), run in a child process right after the matmul table.`,
  );

say();
say(
  '### Gradients only, 2-8-8-1 tanh, MSE, batch 10: `gradients(X, Y, { trace: false })` vs `tf.variableGrads`',
);
say();
say(
  '| chainrule wasm | its trainBatch | TF.js wasm | TF.js cpu | our JS kernels | ×TF.js wasm | ×TF.js cpu | gradients ÷ trainBatch |',
);
say('|--:|--:|--:|--:|--:|--:|--:|--:|');
say(
  `| ${t(grads.wasm)} | ${t(grads.step)} | ${t(grads.tfwasm)} | ${t(grads.tfcpu)} | ${t(grads.js)} | ${ratio(grads.tfwasm, grads.wasm)} | ${ratio(grads.tfcpu, grads.wasm)} | ${(grads.wasm / grads.step).toFixed(2)} |`,
);

// ——— the targets (issues 9 and 12), judged from this run ———

const big = steps[0].ms;
const small = steps[1].ms;
const two = `wasm${threadCounts[0]}`;
const m1024 = mm.find((m) => m.label === '1024³');
const verdict = (ok) => (ok ? 'met' : '**missed**');
const targets = [
  [
    `784-128-64-10 b64 step, 2 threads ≥ 1.7× our 1-thread step`,
    Number.isFinite(big[two]) && big.wasm / big[two] >= 1.7,
    `${ratio(big.wasm, big[two])} (SIMD ${t(big.wasm)} → ${t(big[two])}; relaxed ${t(big.relaxed)} → ${t(big[`relaxed${threadCounts[0]}`])})`,
  ],
  [
    '784-128-64-10 b64 step ≥ 15× TF.js wasm with 1 thread',
    big.tfwasm / bestOf(big) >= 15,
    `${ratio(big.tfwasm, bestOf(big))} (ours best ${t(bestOf(big))}, TF.js ${t(big.tfwasm)})`,
  ],
  [
    '… ≥ 8× TF.js wasm with 2 threads',
    null,
    'not measurable in Node (TF.js has no threads here); see the browser table',
  ],
  [
    '784-128-64-10 step within 1.5× of numpy/OpenBLAS one core (Node)',
    np ? bestOf(big) <= 1.5 * np.step : null,
    np
      ? `${(bestOf(big) / np.step).toFixed(2)}× numpy's time (${t(bestOf(big))} vs ${t(np.step)})`
      : 'numpy unavailable',
  ],
  [
    'matmul 1024³, 2 threads ≥ 1.8× 1 thread',
    m1024 ? m1024.g[two] / m1024.g.wasm >= 1.8 : null,
    m1024 ? ratio(m1024.g[two], m1024.g.wasm) : 'not run (--quick)',
  ],
  [
    '2-8-8-1 b10 step ≥ 100× TF.js wasm (threads must not slow it)',
    small.tfwasm / small.wasm >= 100 && small[two] <= small.wasm * 1.1,
    `${ratio(small.tfwasm, small.wasm)}; with 2 threads ${t(small[two])} vs ${t(small.wasm)} on one`,
  ],
  [
    '2-8-8-1 b10 `gradients({ trace: false })` ≥ 50× TF.js wasm `variableGrads` (issue 9)',
    grads.tfwasm / grads.wasm >= 50,
    `${ratio(grads.tfwasm, grads.wasm)} (${t(grads.wasm)} vs ${t(grads.tfwasm)}); ${(grads.wasm / grads.step).toFixed(2)}× its own trainBatch`,
  ],
];
say();
say('### Against the targets, from this run');
say();
say('| target | verdict | this run |');
say('|---|---|---|');
for (const [what, ok, detail] of targets)
  say(`| ${what} | ${ok === null ? 'n/a' : verdict(ok)} | ${detail} |`);

for (const k of Object.values(threaded)) k?.dispose();

if (!quick && !process.argv.includes('--no-write')) {
  const readme = new URL('../README.md', import.meta.url);
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md: the markers ${start} … ${end} are missing`);
  // As the repository's formatter lays the tables out (padded columns), so the README passes `biome check`.
  const biome = new URL('../../../node_modules/.bin/biome', import.meta.url).pathname;
  const tables = execFileSync(biome, ['format', `--stdin-file-path=${readme.pathname}`], {
    input: `${lines.join('\n')}\n`,
    encoding: 'utf8',
  }).trimEnd();
  writeFileSync(readme, `${text.slice(0, a + start.length)}\n${tables}\n${text.slice(b)}`);
  console.log(`\nWritten into ${readme.pathname} between ${start} and ${end}.`);
}
