// What the benches measure: built inside the browser bench's workers, and imported by bench/run.mjs for its own
// tables, so both time the same matrices and the same training step. `tf` and core's classes are bound by `bind`
// because a worker loads them at run time.

/** TensorFlow.js (a worker's global `tf`), or undefined in a worker without it. */
let tf;
let Dense;
let Matrix;
let SGD;
let Sequential;

/** Binds core's classes and (where the worker has it) TensorFlow.js for the functions below. */
export function bind(core, tfjs) {
  ({ Dense, Matrix, SGD, Sequential } = core);
  tf = tfjs;
}

/** The matmul shapes: label, M, K, N, form ('nn' a·b, 'tn' aᵀ·b, 'nt' a·bᵀ) — bench/run.mjs's labels. */
export const matmulShapes = (quick) => [
  ...(quick ? [] : [['1024³', 1024, 1024, 1024, 'nn']]),
  ['512³', 512, 512, 512, 'nn'],
  ['64×784 · 784×128 (X·W)', 64, 784, 128, 'nn'],
  ['(64×784)ᵀ · 64×128 (Xᵀ·∂Z)', 784, 64, 128, 'tn'],
  ['64×128 · (784×128)ᵀ (∂Z·Wᵀ)', 64, 128, 784, 'nt'],
];

/** The training steps, with bench/run.mjs's arguments: label, sizes, hidden, output, loss, batch, lr. */
export const stepCases = [
  [
    '784-128-64-10, ReLU, softmax CE, batch 64',
    [784, 128, 64, 10],
    'relu',
    'softmax',
    'softmaxCrossEntropy',
    64,
    0.01,
  ],
  ['2-8-8-1, tanh, MSE, batch 10', [2, 8, 8, 1], 'tanh', 'tanh', 'mse', 10, 0.03],
];

/** One matmul on our kernels `k`: the call, and a function that frees its three matrices. */
export function ourMatmul(k, [, M, K, N, form]) {
  const A = filled(...(form === 'tn' ? [K, M] : [M, K]), 1);
  const B = filled(...(form === 'nt' ? [N, K] : [K, N]), 2);
  const op = form === 'nn' ? 'matmul' : form === 'tn' ? 'matmulTransA' : 'matmulTransB';
  const a = k.alloc(A.rows, A.cols);
  a.data.set(A.data);
  const b = k.alloc(B.rows, B.cols);
  b.data.set(B.data);
  const c = k.alloc(M, N);
  return {
    fn: () => k[op](a, b, c),
    free: () => {
      k.free(a);
      k.free(b);
      k.free(c);
    },
  };
}

/** The same matmul on TensorFlow.js's active backend, as bench/run.mjs times it (the result is not read back). */
export function tfMatmul([, M, K, N, form]) {
  const aShape = form === 'tn' ? [K, M] : [M, K];
  const bShape = form === 'nt' ? [N, K] : [K, N];
  const a = tf.tensor2d(filled(...aShape, 1).data, aShape);
  const b = tf.tensor2d(filled(...bShape, 2).data, bShape);
  return {
    fn: () => tf.matMul(a, b, form === 'tn', form === 'nt').dispose(),
    free: () => {
      a.dispose();
      b.dispose();
    },
  };
}

// ——— shared with bench/run.mjs ———

export function filled(rows, cols, seed) {
  const m = new Matrix(rows, cols);
  let s = seed;
  for (let i = 0; i < m.data.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    m.data[i] = s / 2 ** 32 - 0.5;
  }
  return m;
}

export function ourStep(kernels, sizes, hidden, output, loss, batch, lr) {
  const layers = sizes
    .slice(1)
    .map((u, i) => new Dense(sizes[i], u, { activation: i === sizes.length - 2 ? output : hidden }));
  const model = new Sequential(layers, { loss, kernels, seed: 1 });
  const X = filled(batch, sizes[0], 3);
  const Y = new Matrix(batch, sizes.at(-1));
  for (let i = 0; i < batch; i++) Y.data[i * Y.cols + (i % Y.cols)] = 1;
  if (loss === 'mse') for (let i = 0; i < Y.data.length; i++) Y.data[i] = Math.sin(i);
  const opt = new SGD({ learningRate: lr });
  return () => model.trainBatch(X, Y, opt);
}

export function tfStep(sizes, hidden, output, batch, lr) {
  const vars = [];
  for (let i = 1; i < sizes.length; i++) {
    vars.push(tf.variable(tf.randomNormal([sizes[i - 1], sizes[i]], 0, Math.sqrt(2 / sizes[i - 1]))));
    vars.push(tf.variable(tf.zeros([sizes[i]])));
  }
  const x = tf.tensor2d(filled(batch, sizes[0], 3).data, [batch, sizes[0]]);
  const yData = new Float32Array(batch * sizes.at(-1));
  for (let i = 0; i < batch; i++) yData[i * sizes.at(-1) + (i % sizes.at(-1))] = 1;
  if (output === 'tanh') for (let i = 0; i < yData.length; i++) yData[i] = Math.sin(i);
  const y = tf.tensor2d(yData, [batch, sizes.at(-1)]);
  const opt = tf.train.sgd(lr);
  const act = (t, name) => (name === 'relu' ? tf.relu(t) : tf.tanh(t));
  const f = () => {
    let a = x;
    for (let l = 0; l < vars.length / 2; l++) {
      const z = tf.add(tf.matMul(a, vars[2 * l]), vars[2 * l + 1]);
      a = l === vars.length / 2 - 1 ? (output === 'softmax' ? z : tf.tanh(z)) : act(z, hidden);
    }
    return output === 'softmax' ? tf.losses.softmaxCrossEntropy(y, a) : tf.losses.meanSquaredError(y, a);
  };
  return () => {
    const cost = opt.minimize(f, true, vars);
    cost.dataSync();
    cost.dispose();
  };
}
